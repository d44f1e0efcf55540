import { parseTree } from 'jsonc-parser';
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
  if (APPSPEC_TARGET.test(text) && APPSPEC_RESOURCES_LIST.test(text)) return 'a CodeDeploy AppSpec';
  const start = firstSignificantChar(text);
  if (start === '{' && TASK_DEFINITION_REFERENCE.test(text)) {
    const api = ecsApiInput(text);
    if (api) return api;
  }
  if (hasPlaceholder(text) && !TERRAFORM_FILE.test(file.path) && !parses(text, start)) {
    return 'a template with {{ }} or {% %} placeholders (render it first, then scan the result)';
  }
  return undefined;
}

/** AppSpec: `Resources:` is a list of `- TargetService:` entries (CloudFormation's is a mapping). */
const APPSPEC_TARGET = /(^|[\s{,[])["']?TargetService["']?\s*:/m;
const APPSPEC_RESOURCES_LIST = /(^|[\s{,])["']?Resources["']?\s*:\s*(\[|\r?\n\s*-\s)/;
const TASK_DEFINITION_REFERENCE = /"(taskDefinition|services)"\s*:\s*["[]/;
/** Terraform's own `%{ }` directives and heredoc templates may hold `{{`: its parser decides. */
const TERRAFORM_FILE = /\.(tf|tfvars)(\.json)?$/;

/** `{{ … }}` or `{% … %}`, found in linear time whatever the file holds. */
function hasPlaceholder(text: string): boolean {
  for (const [open, close] of [
    ['{{', '}}'],
    ['{%', '%}'],
  ] as const) {
    const at = text.indexOf(open);
    if (at !== -1 && text.indexOf(close, at + open.length) !== -1) return true;
  }
  return false;
}

function ecsApiInput(text: string): string | undefined {
  const tree = parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
  if (tree?.type !== 'object') return undefined;
  const top = new Map<string, { type: string }>();
  for (const property of tree.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key && value) top.set(String(key.value), value);
  }
  if (top.has('containerDefinitions')) return undefined;
  if (top.get('taskDefinition')?.type === 'string') {
    if (top.has('serviceName')) return 'an ECS service definition (create-service input)';
    if (top.has('service')) return 'an ECS update-service input';
    return 'an ECS run-task input';
  }
  if (top.get('services')?.type === 'array' && !top.has('taskDefinition')) return 'ECS describe-services output';
  return undefined;
}

/** Placeholders inside strings leave a file readable, and then it is scanned as usual. */
function parses(text: string, start: string | undefined): boolean {
  if (start === '{' || start === '[') {
    const errors: Array<unknown> = [];
    parseTree(text, errors as never, { disallowComments: false, allowTrailingComma: false });
    return errors.length === 0;
  }
  return yamlPackage()
    .parseAllDocuments(text)
    .every((document) => !('errors' in document) || document.errors.length === 0);
}
