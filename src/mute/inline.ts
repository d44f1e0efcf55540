import { ALL_CHECKS } from '../checks/catalogue.js';
import type { EvaluatedDefinition } from '../engine/scan.js';
import type { Finding } from '../model/finding.js';
import { LineIndex } from '../model/location.js';
import { type FindingAnchor, anchorPlace, findingLines } from '../model/finding-lines.js';
import type { InputFile } from '../sources/source.js';
import { indentQuotedContinuations } from '../sources/yaml-quoted-lines.js';
import { yamlPackage } from '../sources/yaml-lazy.js';

/**
 * Inline suppressions, declared next to the code they excuse:
 *   # ecsguard:ignore no-root-user reason="migrating in Q3" expires=2027-01-31 owner=platform
 * in YAML and HCL (`#` or `//`), on or above the resource, the container or the field; and in CloudFormation
 *   Metadata: { ecsguard: { ignore: [ { id: no-root-user, reason: "...", expires: 2027-01-31 } ] } }
 * which JSON templates can carry too. A reason is required; an unknown check id or a bad date is reported.
 */
export interface InlineDirective {
  file: string;
  /** Where the directive is written (1-based). */
  line: number;
  /** The line it applies to: its own (trailing comment) or the next line of code below it. */
  targetLine: number;
  checks: string[];
  reason: string;
  expires?: string;
  owner?: string;
  /** CloudFormation Metadata applies to the whole resource. */
  resource?: string;
}

export interface InlineProblem {
  file: string;
  line: number;
  message: string;
}

/** `ecsguard:ignore` in a comment, or an `ecsguard` key (CloudFormation Metadata, YAML or JSON). */
const MAY_HOLD_DIRECTIVE = /ecsguard\s*:\s*ignore|ecsguard["']?\s*:/;
const DIRECTIVE = /(?:#|\/\/)\s*ecsguard:ignore\b(.*)$/;
const ARGUMENT = /([A-Za-z]+)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/g;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KNOWN_CHECKS = () => new Set(ALL_CHECKS.map((c) => c.meta.id));

function validDate(text: string): boolean {
  return DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** Parses the words after `ecsguard:ignore`; returns the directive fields or the problem. */
function parseArguments(rest: string): { checks: string[]; args: Record<string, string> } | string {
  const trimmed = rest.trim();
  const firstSpace = trimmed.search(/\s/);
  const idsText = firstSpace === -1 ? trimmed : trimmed.slice(0, firstSpace);
  if (!idsText || idsText.includes('=')) return 'name the check id(s) to ignore, e.g. "ecsguard:ignore no-root-user reason=\\"...\\""';
  const args: Record<string, string> = {};
  const tail = firstSpace === -1 ? '' : trimmed.slice(firstSpace);
  let consumed = tail;
  for (const match of tail.matchAll(ARGUMENT)) {
    args[(match[1] as string).toLowerCase()] = (match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? match[4]) as string;
    consumed = consumed.replace(match[0], '');
  }
  if (consumed.trim()) return `cannot read "${consumed.trim()}": use key="value" pairs (reason, expires, owner)`;
  return { checks: idsText.split(',').filter(Boolean), args };
}

function validate(
  file: string,
  line: number,
  checks: string[],
  fields: { reason?: unknown; expires?: unknown; owner?: unknown },
  extra: string[],
): InlineProblem | undefined {
  const known = KNOWN_CHECKS();
  const problem = (message: string) => ({ file, line, message: `inline suppression ignored: ${message}` });
  if (extra.length) return problem(`unknown field ${extra.join(', ')} (expected reason, expires, owner)`);
  const unknown = checks.filter((c) => !known.has(c));
  if (unknown.length) return problem(`unknown check id ${unknown.join(', ')} (see "ecsguard checks")`);
  if (typeof fields.reason !== 'string' || !fields.reason.trim()) return problem('a reason is required (reason="...")');
  if (fields.expires !== undefined && (typeof fields.expires !== 'string' || !validDate(fields.expires))) {
    return problem(`expires must be a date as YYYY-MM-DD, got ${JSON.stringify(fields.expires)}`);
  }
  if (fields.owner !== undefined && (typeof fields.owner !== 'string' || !fields.owner.trim())) return problem('owner must be a name');
  return undefined;
}

/** Tokens the `yaml` lexer emits that have no width in the text. */
const YAML_ZERO_WIDTH = new Set(['\u{FEFF}', '\x02', '\x18', '\x1f']);

/**
 * Where each line's YAML comment starts (0-based column), from the `yaml` package's lexer: a `#` inside a block
 * scalar (a shell script), a quoted or plain scalar over several lines, is text, not a comment.
 */
function yamlCommentColumns(text: string): Map<number, number> {
  // Read as the sources read it: a quoted value's continuation lines indented only as far as its key (which
  // CloudFormation accepts) are indented first, or the lexer would take their `#` for a comment.
  const repaired = indentQuotedContinuations(text);
  const lexed = repaired?.text ?? text;
  const starts: number[] = [];
  const { Lexer } = yamlPackage();
  let offset = 0;
  for (const token of new Lexer().lex(lexed)) {
    if (YAML_ZERO_WIDTH.has(token)) continue;
    if (token[0] === '#') starts.push(repaired ? repaired.toOriginal(offset) : offset);
    offset += token.length;
  }
  const columns = new Map<number, number>();
  const lines = new LineIndex(text);
  for (const at of starts) {
    const { line, column } = lines.position(at);
    if (!columns.has(line)) columns.set(line, column - 1);
  }
  return columns;
}

/** YAML by its name: `.yaml`, `.yml`, or a CloudFormation `.template` that is not JSON. */
const isYamlFile = (file: string, text: string): boolean => /\.ya?ml$/i.test(file) || (/\.template$/i.test(file) && !/^\s*[{]/.test(text));

/** Comment directives in a YAML or HCL file (`.tf`, `.tfvars`, `.hcl`). */
export function commentDirectives(text: string, file: string): { directives: InlineDirective[]; problems: InlineProblem[] } {
  const directives: InlineDirective[] = [];
  const problems: InlineProblem[] = [];
  const lines = text.split(/\r?\n/);
  const pending: Array<Omit<InlineDirective, 'targetLine'>> = [];
  // YAML: only what the lexer calls a comment is one. HCL: `#` and `//` (tree-sitter reads the file in a source).
  const yamlComments = isYamlFile(file, text) ? yamlCommentColumns(text) : undefined;
  lines.forEach((content, i) => {
    const line = i + 1;
    const commentAt = yamlComments?.get(line);
    let match = DIRECTIVE.exec(content);
    if (match && yamlComments && (commentAt === undefined || match.index < commentAt)) match = null;
    const trimmed = content.trim();
    const isComment = yamlComments
      ? commentAt !== undefined && content.slice(0, commentAt).trim() === ''
      : trimmed.startsWith('#') || trimmed.startsWith('//');
    const code = match ? content.slice(0, match.index).trim() : isComment ? '' : trimmed;
    if (match) {
      const parsed = parseArguments(match[1] as string);
      if (typeof parsed === 'string') problems.push({ file, line, message: `inline suppression ignored: ${parsed}` });
      else {
        const { reason, expires, owner, ...extra } = parsed.args;
        const problem = validate(file, line, parsed.checks, { reason, expires, owner }, Object.keys(extra));
        if (problem) problems.push(problem);
        else {
          const directive = {
            file,
            line,
            checks: parsed.checks,
            reason: (reason as string).trim(),
            ...(expires ? { expires } : {}),
            ...(owner ? { owner } : {}),
          };
          // A trailing comment applies to its own line; a comment line to the next line of code.
          if (code) directives.push({ ...directive, targetLine: line });
          else pending.push(directive);
        }
      }
    }
    if (code) {
      for (const directive of pending.splice(0)) directives.push({ ...directive, targetLine: line });
    } else if (!isComment && content.trim() === '' && pending.length) {
      // A blank line ends the comment block: a directive does not reach past it.
      for (const directive of pending.splice(0)) {
        problems.push({
          file,
          line: directive.line,
          message: 'inline suppression ignored: nothing follows it (put it on or right above the resource, container or field)',
        });
      }
    }
  });
  for (const directive of pending) {
    problems.push({
      file,
      line: directive.line,
      message: 'inline suppression ignored: nothing follows it (put it on or right above the resource, container or field)',
    });
  }
  return { directives, problems };
}

/** `Metadata.ecsguard.ignore` of every resource in a CloudFormation template (YAML or JSON). */
export function cloudFormationDirectives(text: string, file: string): { directives: InlineDirective[]; problems: InlineProblem[] } {
  const directives: InlineDirective[] = [];
  const problems: InlineProblem[] = [];
  // Loaded here, not at start-up: only CloudFormation YAML with a Metadata suppression comes this far.
  const { isMap, isSeq, LineCounter, parseDocument } = yamlPackage();
  const counter = new LineCounter();
  // Custom tags (!Ref, !Sub) only produce warnings here; the source reports real syntax errors.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, logLevel: 'silent' });
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : 1;
  };
  const get = (node: unknown, key: string) =>
    isMap(node) ? node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key) : undefined;
  const resources = get(doc.contents, 'Resources')?.value;
  if (!isMap(resources)) return { directives, problems };
  for (const pair of resources.items) {
    const logicalId = String((pair.key as { value?: unknown } | null)?.value ?? '');
    const ignore = get(get(get(pair.value, 'Metadata')?.value, 'ecsguard')?.value, 'ignore');
    if (!ignore) continue;
    if (!isSeq(ignore.value)) {
      problems.push({
        file,
        line: lineOf(ignore.value ?? ignore.key),
        message: `inline suppression ignored: ${logicalId}: Metadata.ecsguard.ignore must be a list of { id, reason, expires }`,
      });
      continue;
    }
    for (const item of ignore.value.items) {
      const line = lineOf(item);
      const value = (isMap(item) ? item.toJSON() : undefined) as Record<string, unknown> | undefined;
      if (!value) {
        problems.push({
          file,
          line,
          message: `inline suppression ignored: ${logicalId}: each entry must be a mapping { id, reason, expires }`,
        });
        continue;
      }
      const { id, reason, expires, owner, ...extra } = value;
      const ids = typeof id === 'string' ? [id] : Array.isArray(id) && id.every((x) => typeof x === 'string') ? id : [];
      if (!ids.length) {
        problems.push({ file, line, message: `inline suppression ignored: ${logicalId}: id must name a check id` });
        continue;
      }
      const problem = validate(file, line, ids, { reason, expires, owner }, Object.keys(extra));
      if (problem) problems.push({ ...problem, message: problem.message.replace('ignored: ', `ignored: ${logicalId}: `) });
      else {
        directives.push({
          file,
          line,
          targetLine: line,
          resource: logicalId,
          checks: ids,
          reason: (reason as string).trim(),
          ...(typeof expires === 'string' ? { expires } : {}),
          ...(typeof owner === 'string' ? { owner } : {}),
        });
      }
    }
  }
  return { directives, problems };
}

const NO_DIRECTIVES: { readonly directives: readonly InlineDirective[]; readonly problems: readonly InlineProblem[] } = Object.freeze({
  directives: Object.freeze([]),
  problems: Object.freeze([]),
});

/**
 * Whether a CloudFormation finding's resource is the one with this logical id: itself, or read through the parent
 * stacks that nest its template (`Agent/AgentTask`, sources/cloudformation/nested-stacks.ts), as its Metadata is.
 */
const isResource = (id: string, logicalId: string): boolean => id === logicalId || id.endsWith(`/${logicalId}`);

/**
 * Collects what the muting stage needs from a scan through the engine's hooks: file texts and,
 * for each finding, the lines of its resource and container. Checks never see any of it.
 */
export class InlineSuppressions {
  private readonly texts = new Map<string, string>();
  private readonly lines = new WeakMap<Finding, FindingAnchor[]>();
  private readonly parsed = new Map<string, { directives: InlineDirective[]; problems: InlineProblem[] }>();
  /** Directives that covered a failing or unknown finding. */
  private readonly used = new Map<InlineDirective, Set<string>>();

  /** The engine's onFileRead hook: keeps only texts that can hold a directive, so a scan does not hold every file. */
  readonly onFileRead = (file: InputFile): void => {
    if (MAY_HOLD_DIRECTIVE.test(file.text)) this.texts.set(file.path, file.text);
  };

  readonly onFilesRead = (files: InputFile[]): void => {
    for (const file of files) this.onFileRead(file);
  };

  /** The engine's onFindingLines hook: the resource, container and field lines a directive may sit on. */
  readonly onFindingLines = (finding: Finding, lines: FindingAnchor[]): void => {
    // Files read without a possible directive (onFileRead kept no text) have none: such a finding's lines are never
    // asked for (an anchor in another file, a variable's default, may still hold one).
    const file = finding.resource.kind === 'file' ? finding.resource.file : undefined;
    if (
      file !== undefined &&
      !this.texts.has(file) &&
      !lines.some((a) => typeof a === 'string' && this.texts.has(anchorPlace(a, file).file))
    )
      return;
    this.lines.set(finding, lines);
  };

  /** For callers that evaluate definitions themselves (the same lines as the engine's onFindingLines). */
  readonly onEvaluated = ({ taskDefinition, findings }: EvaluatedDefinition): void => {
    findingLines(taskDefinition, findings).forEach((lines, i) => this.lines.set(findings[i] as Finding, lines));
  };

  private fileDirectives(file: string) {
    let entry = this.parsed.get(file);
    if (!entry) {
      const text = this.texts.get(file);
      // A file without a possible directive has none: nothing is remembered for it (a scan of 50,000 files would
      // otherwise hold an entry per file).
      if (text === undefined) return NO_DIRECTIVES;
      entry = { directives: [], problems: [] };
      if (isYamlFile(file, text) || /\.(tf|tfvars|hcl)$/i.test(file)) entry = commentDirectives(text, file);
      if (/^\s*[{]/.test(text) || /\.(ya?ml|template)$/i.test(file) || /\.json$/i.test(file)) {
        if (/\bResources\b/.test(text) && /\becsguard\b/.test(text)) {
          const cfn = cloudFormationDirectives(text, file);
          entry = { directives: [...entry.directives, ...cfn.directives], problems: [...entry.problems, ...cfn.problems] };
        }
      }
      this.parsed.set(file, entry);
    }
    return entry;
  }

  /** The directives that name this finding's check and sit on its resource, container or field. */
  for(finding: Finding): InlineDirective[] {
    const file = finding.resource.file;
    if (!file || finding.resource.kind !== 'file') return [];
    const covering: InlineDirective[] = [];
    const take = (d: InlineDirective) => {
      if (!d.checks.includes(finding.checkId) || covering.includes(d)) return;
      covering.push(d);
      let checks = this.used.get(d);
      if (!checks) this.used.set(d, (checks = new Set()));
      checks.add(finding.checkId);
    };
    for (const d of this.fileDirectives(file).directives) {
      if (d.resource !== undefined && finding.resource.source === 'cloudformation' && isResource(finding.resource.id, d.resource)) take(d);
    }
    // Each anchor is matched only with the directives of its own file.
    for (const anchor of this.lines.get(finding) ?? []) {
      const place = anchorPlace(anchor, file);
      for (const d of this.fileDirectives(place.file).directives) if (d.resource === undefined && d.targetLine === place.line) take(d);
    }
    return covering;
  }

  /**
   * For each directive, the checks the scan ran that it names and that it covered no failing or unknown finding of:
   * on a line no finding is anchored at (above `Type:`, say), or for a check that passes there. Said, so nobody
   * believes a finding is muted that is not.
   */
  unused(ranChecks: ReadonlySet<string>): InlineProblem[] {
    const problems: InlineProblem[] = [];
    for (const file of this.texts.keys()) {
      for (const d of this.fileDirectives(file).directives) {
        const used = this.used.get(d);
        const idle = d.checks.filter((c) => ranChecks.has(c) && !used?.has(c));
        if (!idle.length) continue;
        const checks = idle.join(', ');
        const where =
          d.resource !== undefined
            ? `resource ${d.resource} has no failing or unknown ${checks} finding`
            : `no failing or unknown ${checks} finding is on line ${d.targetLine} (the resource's, a container's or a field's first line)`;
        problems.push({ file: d.file, line: d.line, message: `inline suppression mutes nothing: ${where}` });
      }
    }
    return problems;
  }

  /** Malformed directives in the files that were read, for the warnings on standard error. */
  problems(): InlineProblem[] {
    return [...this.texts.keys()].flatMap((file) => this.fileDirectives(file).problems);
  }
}
