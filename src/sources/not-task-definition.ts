import { type ParseError, parse, parseTree } from 'jsonc-parser';
import { firstSignificantChar } from './json/json-tree.js';
import { yamlPackage } from './yaml-lazy.js';
import type { InputFile } from './source.js';

/**
 * Files that sit next to task definitions but are something else: CodeDeploy
 * AppSpec files, ECS API inputs that name a task definition (run-task,
 * create-service, update-service, service definitions) and files with template
 * placeholders that no parser can read before rendering. Returns what the file
 * is ("a CodeDeploy AppSpec"), or undefined. Cheap tests first; a parse only
 * when they match.
 */
export function recognizeNonTaskDefinition(file: InputFile): string | undefined {
  const text = file.text;
  const start = firstSignificantChar(text);
  // The literal key first: a plain search is cheaper than the pattern's scan of every file routed.
  if (text.includes('TargetService') && APPSPEC_TARGET.test(text) && APPSPEC_RESOURCES_LIST.test(text) && isAppSpec(text, start))
    return 'a CodeDeploy AppSpec';
  if (start === '{' && TASK_DEFINITION_REFERENCE.test(text)) {
    const api = ecsApiInput(jsonTopLevel(text));
    if (api) return api;
  }
  if (start !== '{' && start !== '[' && YAML_TASK_DEFINITION_REFERENCE.test(text)) {
    const api = ecsApiInput(yamlTopLevel(text));
    if (api) return api;
  }
  if (!TERRAFORM_FILE.test(file.path) && placeholderBreaksParsing(text, start)) {
    return 'a template with {{ }} or {% %} placeholders (render it first, then scan the result)';
  }
  return undefined;
}

/** AppSpec: `Resources:` is a list of `- TargetService:` entries (CloudFormation's is a mapping). */
const APPSPEC_TARGET = /(^|[\s{,[])["']?TargetService["']?\s*:/m;
const APPSPEC_RESOURCES_LIST = /(^|[\s{,])["']?Resources["']?\s*:\s*(\[|\r?\n\s*-\s)/;
const TASK_DEFINITION_REFERENCE = /"(taskDefinition|services)"\s*:\s*["[]/;
/** The same inputs in YAML (`--cli-input-yaml`), top-level keys at the start of a line. */
const YAML_TASK_DEFINITION_REFERENCE = /^["']?(taskDefinition|services)["']?[ \t]*:/m;
/** Terraform's own `%{ }` directives and heredoc templates may hold `{{`: its parser decides. */
const TERRAFORM_FILE = /\.(tf|tfvars)(\.json)?$/;

/**
 * The text matched AppSpec's words; the file is one only if its top-level `Resources` is a list holding a
 * `TargetService`. A template that merely quotes an AppSpec (a CodeBuild buildspec writing appspec.json) is not, and
 * neither is a file that does not parse: the sources then report why.
 */
function isAppSpec(text: string, start: string | undefined): boolean {
  let resources: unknown;
  if (start === '{') {
    const errors: Array<unknown> = [];
    const value = parse(text, errors as never, { disallowComments: false, allowTrailingComma: true }) as unknown;
    if (errors.length || value === null || typeof value !== 'object') return false;
    resources = (value as Record<string, unknown>)['Resources'];
  } else {
    resources = yamlMapping(text)?.['Resources'];
  }
  return (
    Array.isArray(resources) &&
    resources.some((entry: unknown) => entry !== null && typeof entry === 'object' && Object.hasOwn(entry, 'TargetService'))
  );
}

/** CloudFormation's dynamic references, `{{resolve:ssm:/app/image}}`: resolved at deployment, nothing to render. */
const DYNAMIC_REFERENCE = 'resolve:';

/** The spans of `{{ … }}`, `{% … %}` and `{# … #}` placeholders (not dynamic references), found in linear time. */
function placeholderSpans(text: string): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  for (const [open, close] of [
    ['{{', '}}'],
    ['{%', '%}'],
    ['{#', '#}'],
  ] as const) {
    for (let at = text.indexOf(open); at !== -1; at = text.indexOf(open, at + open.length)) {
      if (open === '{{' && text.startsWith(DYNAMIC_REFERENCE, at + open.length)) continue;
      const end = text.indexOf(close, at + open.length);
      if (end === -1) break;
      spans.push([at, end + close.length]);
    }
  }
  return spans;
}

/**
 * True when the file holds placeholders and does not parse because of them. JSON: its first syntax error is inside a
 * placeholder (a placeholder in a string never breaks it). YAML, whose parser may notice a line later: the error is on
 * a placeholder's line or the line before or after it. A file whose error is elsewhere is broken, not a template, and
 * its error is reported like any other.
 */
function placeholderBreaksParsing(text: string, start: string | undefined): boolean {
  const placeholders = placeholderSpans(text);
  if (!placeholders.length) return false;
  const json = start === '{' || start === '[';
  const error = firstSyntaxError(text, json);
  if (error === undefined) return false;
  if (json) return placeholders.some(([from, to]) => error >= from && error < to);
  // From the start of the line before the error's to the end of the line after it.
  const lineStart = text.lastIndexOf('\n', error - 1);
  const from = lineStart <= 0 ? 0 : text.lastIndexOf('\n', lineStart - 1) + 1;
  const lineEnd = text.indexOf('\n', error);
  const nextEnd = lineEnd === -1 ? -1 : text.indexOf('\n', lineEnd + 1);
  const to = nextEnd === -1 ? text.length : nextEnd;
  return placeholders.some(([offset]) => offset >= from && offset < to);
}

/** The kind of each top-level value of a JSON object ('string', 'array', 'object', …), or undefined. */
function jsonTopLevel(text: string): Map<string, string> | undefined {
  const tree = parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
  if (tree?.type !== 'object') return undefined;
  const top = new Map<string, string>();
  for (const property of tree.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key && value) top.set(String(key.value), value.type);
  }
  return top;
}

/** The same for a YAML mapping (a file that does not parse is left to the sources, which report why). */
function yamlTopLevel(text: string): Map<string, string> | undefined {
  const value = yamlMapping(text);
  if (!value) return undefined;
  const top = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) top.set(key, Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  return top;
}

/** A YAML file's value when it parses to a mapping (anchors resolve to the values they name, once each). */
function yamlMapping(text: string): Record<string, unknown> | undefined {
  const document = yamlPackage().parseDocument(text, { uniqueKeys: false });
  if (document.errors.length) return undefined;
  const value = document.toJS({ maxAliasCount: -1 }) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function ecsApiInput(top: Map<string, string> | undefined): string | undefined {
  if (!top || top.has('containerDefinitions')) return undefined;
  if (top.get('taskDefinition') === 'string') {
    if (top.has('serviceName')) return 'an ECS service definition (create-service input)';
    if (top.has('service')) return 'an ECS update-service input';
    return 'an ECS run-task input';
  }
  if (top.get('services') === 'array' && !top.has('taskDefinition')) return 'ECS describe-services output';
  return undefined;
}

/**
 * Where the first syntax error is, read as the sources read it (JSON with comments, YAML with repeated keys, which
 * CloudFormation allows: the last wins), or undefined when the text parses.
 */
function firstSyntaxError(text: string, json: boolean): number | undefined {
  if (json) {
    const errors: ParseError[] = [];
    parseTree(text, errors, { disallowComments: false, allowTrailingComma: false });
    return errors[0]?.offset;
  }
  const documents = yamlPackage().parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(documents)) return undefined;
  for (const document of documents) if (document.errors.length) return document.errors[0]?.pos[0];
  return undefined;
}
