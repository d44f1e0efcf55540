import {
  type Alias,
  type CollectionTag,
  type Document,
  type Node as YamlNode,
  type ScalarTag,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';
import type { ScanError } from '../../model/finding.js';
import type { LineIndex, SourceRange } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { fileError } from '../source.js';
import { SHORT_FORM_TAGS, longFormName } from './intrinsics.js';
import { buildYamlFromEvents } from './yaml-events.js';
import { indentQuotedContinuations } from '../yaml-quoted-lines.js';

/** Nodes an alias may expand to, in total per document: billion-laughs guard. */
export const ALIAS_EXPANSION_BUDGET = 10_000;
/** Deeper than any real template; keeps recursion far from the stack limit. */
const MAX_DEPTH = 500;

// Keep the tagged node itself so the tag survives; conversion to long form is ours.
const CUSTOM_TAGS: Array<ScalarTag | CollectionTag> = SHORT_FORM_TAGS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
]);
const KNOWN_TAGS = new Set<string>(SHORT_FORM_TAGS.map((name) => `!${name}`));

export const MERGE_KEY_MESSAGE = 'YAML merge keys (<<) are not supported by CloudFormation';
const MERGE_VALUE_MESSAGE = 'a YAML merge key (<<) takes a mapping or a list of mappings';
/** Unreadable mappings are quoted in findings; keep the quote to a line. */
const MAX_EXPRESSION_LENGTH = 80;

/** `<<` as a plain key is a YAML 1.1 merge; quoted (`'<<'`) it is an ordinary string. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && key.type === 'PLAIN';
}

function shorten(text: string): string {
  return text.length > MAX_EXPRESSION_LENGTH ? `${text.slice(0, MAX_EXPRESSION_LENGTH - 1)}…` : text;
}

/**
 * CloudFormation reads YAML 1.1, where unquoted yes/no/on/off are booleans
 * (`Privileged: yes` deploys a privileged container); YAML 1.2's core schema
 * reads them as strings. The list is the YAML 1.1 resolvers' (PyYAML,
 * SnakeYAML), which leave out `y`/`n`.
 */
const YAML11_TRUE = /^(?:yes|Yes|YES|on|On|ON)$/;
const YAML11_FALSE = /^(?:no|No|NO|off|Off|OFF)$/;

function yaml11Boolean(text: string): boolean | undefined {
  if (YAML11_TRUE.test(text)) return true;
  if (YAML11_FALSE.test(text)) return false;
  return undefined;
}

export interface ParsedYaml {
  /** One root per non-empty document; empty when the file has any error that loses data. */
  documents: ValueNode[];
  errors: ScanError[];
}

class ConversionStop extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses every YAML document of a template into value trees with ranges.
 * Short-form tags become long-form one-key mappings (`!If x` → `{Fn::If: x}`)
 * whose range covers the tag, so unresolved expressions quote what was written.
 */
export function parseYamlTemplate(
  text: string,
  file: string,
  lines: LineIndex,
  /** `expandMerges`: YAML 1.1 merge keys are expanded (a task definition the AWS CLI reads), not refused (CloudFormation). */
  options: { composeOnly?: boolean; expandMerges?: boolean } = {},
): ParsedYaml {
  // Most templates take the fast path (trees straight from js-yaml's events); the rest are composed below.
  const fast = options.composeOnly ? undefined : buildYamlFromEvents(text, file, lines);
  if (fast) return { documents: fast, errors: [] };
  const errors: ScanError[] = [];
  const documents: ValueNode[] = [];
  let source = { text, toOriginal: (offset: number) => offset };
  let list = parseDocuments(text);
  for (const document of list) {
    for (const e of document.errors) {
      errors.push(fileError(file, `invalid YAML: ${e.message}`, lines.range(file, e.pos[0], e.pos[1])));
    }
  }
  if (errors.length) {
    // What CloudFormation reads but YAML 1.2 does not: see yaml-quoted-lines.ts.
    const indented = indentQuotedContinuations(text);
    const reparsed = indented ? parseDocuments(indented.text) : [];
    if (!indented || reparsed.some((d) => d.errors.length)) return { documents: [], errors };
    errors.length = 0;
    source = indented;
    list = reparsed;
  }

  for (const document of list) {
    if (document.contents === null) continue;
    const converter = new Converter(source.text, source.toOriginal, file, lines, document, options.expandMerges === true);
    try {
      documents.push(converter.convert(document.contents, 0));
      errors.push(...converter.errors);
    } catch (error) {
      if (!(error instanceof ConversionStop)) throw error;
      const at = source.toOriginal(error.offset);
      errors.push(fileError(file, error.message, lines.range(file, at, at)));
      return { documents: [], errors };
    }
  }
  return { documents, errors };
}

function parseDocuments(text: string): Document[] {
  const parsed = parseAllDocuments(text, { customTags: CUSTOM_TAGS, prettyErrors: false, uniqueKeys: false });
  return Array.isArray(parsed) ? parsed : [];
}

class Converter {
  readonly errors: ScanError[] = [];
  private aliasExpansions = 0;
  private readonly expanding = new Set<YamlNode>();
  private readonly reportedMerges = new Set<number>();
  /** Where the outermost alias being expanded is written: the place to report a bomb. */
  private outermostAlias = 0;

  constructor(
    /** The text yaml parsed: the file, or the file with quoted-scalar lines indented. */
    private readonly text: string,
    private readonly toOriginal: (offset: number) => number,
    private readonly file: string,
    private readonly lines: LineIndex,
    private readonly document: Document,
    private readonly expandMerges: boolean,
  ) {}

  convert(node: unknown, depth: number, viaAlias = false): ValueNode {
    if (depth > MAX_DEPTH) throw new ConversionStop(`YAML nesting is deeper than ${MAX_DEPTH} levels`, this.startOf(node));
    if (viaAlias && ++this.aliasExpansions > ALIAS_EXPANSION_BUDGET) {
      throw new ConversionStop(`YAML aliases expand to too many nodes (more than ${ALIAS_EXPANSION_BUDGET})`, this.outermostAlias);
    }
    if (isAlias(node)) return this.convertAlias(node, depth);
    const yamlNode = node as YamlNode | null;
    const tag = yamlNode?.tag;
    const untagged = this.convertUntagged(yamlNode, depth, viaAlias);
    if (!tag || !tag.startsWith('!') || tag.startsWith('!!')) return untagged;
    return this.applyTag(tag, untagged, yamlNode);
  }

  private convertAlias(alias: Alias, depth: number): ValueNode {
    const target = alias.resolve(this.document);
    const at = this.rangeOf(alias);
    if (!target) {
      this.errors.push(fileError(this.file, `YAML alias *${alias.source} has no anchor`, at));
      return { kind: 'unresolved', expression: `*${alias.source}`, reason: 'alias without anchor', range: at, syntax: 'yaml' };
    }
    if (this.expanding.has(target)) {
      throw new ConversionStop(`YAML alias *${alias.source} refers to a node that contains it`, alias.range?.[0] ?? 0);
    }
    if (this.expanding.size === 0) this.outermostAlias = alias.range?.[0] ?? 0;
    this.expanding.add(target);
    try {
      return this.convert(target, depth + 1, true);
    } finally {
      this.expanding.delete(target);
    }
  }

  private convertUntagged(node: YamlNode | null, depth: number, viaAlias: boolean): ValueNode {
    const range = this.rangeOf(node);
    const base = { ...(range ? { range } : {}), syntax: 'yaml' as const };
    if (isMap(node)) {
      const merge = node.items.find((pair) => isMergeKey(pair.key));
      if (merge && !this.expandMerges) return this.unreadableMerge(node, merge.key as YamlNode);
      const entries: ObjectEntry[] = [];
      const merged: YamlNode[] = [];
      for (const pair of node.items) {
        if (merge && isMergeKey(pair.key)) {
          merged.push(...(isSeq(pair.value) ? (pair.value.items as YamlNode[]) : [pair.value as YamlNode]));
          continue;
        }
        const key = pair.key as YamlNode | null;
        const keyText = isScalar(key) ? String(key.value ?? '') : this.sourceText(key);
        const keyRange = this.rangeOf(key);
        entries.push({
          key: keyText,
          sourceKey: keyText,
          ...(keyRange ? { keyRange } : {}),
          value: this.convertValue(pair.value, depth + 1, viaAlias, keyRange?.end.offset),
        });
      }
      if (merged.length) return this.withMerged(entries, merged, depth, viaAlias, base, node);
      return { kind: 'object', entries, ...base };
    }
    if (isSeq(node)) {
      return { kind: 'array', items: node.items.map((item) => this.convertValue(item, depth + 1, viaAlias)), ...base };
    }
    if (isScalar(node)) {
      const value = node.value;
      if (value === null || value === undefined) return { kind: 'null', ...base };
      if (typeof value === 'number') {
        return { kind: 'number', value, raw: node.range ? this.text.slice(node.range[0], node.range[1]) : String(value), ...base };
      }
      if (typeof value === 'boolean') return { kind: 'boolean', value, ...base };
      // `!!bool yes` is true in YAML 1.1 (the yaml package's 1.2 schema leaves the string): never a definite true
      // read as an unknown string.
      if (typeof value === 'string' && ((node.type === 'PLAIN' && !node.tag) || node.tag === 'tag:yaml.org,2002:bool')) {
        const flag = yaml11Boolean(value);
        if (flag !== undefined) return { kind: 'boolean', value: flag, ...base };
      }
      return { kind: 'string', value: typeof value === 'string' ? value : this.sourceText(node), ...base };
    }
    return { kind: 'null', ...base };
  }

  /**
   * A YAML 1.1 merge (`<<: *base`, `<<: [*a, *b]`), as the AWS CLI reads a task definition: the mapping's own keys
   * win, then each merged mapping's in order. Merged entries keep the anchor's ranges, so a finding points at the
   * value that holds it, and a fix there is text the anchor's other readers share (src/fix/shared-text.ts).
   */
  private withMerged(
    own: ObjectEntry[],
    sources: YamlNode[],
    depth: number,
    viaAlias: boolean,
    base: { range?: SourceRange; syntax: 'yaml' },
    map: YamlNode,
  ): ValueNode {
    const entries = [...own];
    const seen = new Set(own.map((e) => e.key));
    for (const source of sources) {
      const value = this.convert(source, depth + 1, viaAlias);
      if (value.kind !== 'object') {
        const at = this.rangeOf(source) ?? base.range;
        this.errors.push(fileError(this.file, MERGE_VALUE_MESSAGE, at));
        const expression = map.range ? shorten(this.expression(map.range[0], this.endOf(map))) : '<<';
        return { kind: 'unresolved', expression, reason: MERGE_VALUE_MESSAGE, ...base };
      }
      for (const e of value.entries) {
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        entries.push(e.merged ? e : { ...e, merged: true });
      }
    }
    return { kind: 'object', entries, ...base };
  }

  /**
   * CloudFormation rejects merge keys (its YAML support excludes hash merges),
   * so the mapping has no meaning there. Expanding it would check a template
   * that cannot be deployed, and dropping the key would hide inherited fields
   * (`Privileged`, `User`): the whole mapping is unreadable instead.
   */
  private unreadableMerge(map: YamlNode, key: YamlNode): ValueNode {
    const keyRange = this.rangeOf(key);
    const offset = keyRange?.start.offset ?? this.startOf(key);
    // An anchored mapping expanded by several aliases is reported once.
    if (!this.reportedMerges.has(offset)) {
      this.reportedMerges.add(offset);
      this.errors.push(fileError(this.file, MERGE_KEY_MESSAGE, keyRange));
    }
    const range = this.rangeOf(map);
    const expression = map.range ? shorten(this.expression(map.range[0], this.endOf(map))) : '<<';
    return { kind: 'unresolved', expression, reason: MERGE_KEY_MESSAGE, ...(range ? { range } : {}), syntax: 'yaml' };
  }

  /** A pair value may be missing (`User:`): that is null, placed after the key. */
  private convertValue(value: unknown, depth: number, viaAlias: boolean, after?: number): ValueNode {
    if (value === null || value === undefined) {
      const at = after ?? 0;
      // `after` is already an offset in the file (the key's range end).
      return { kind: 'null', range: this.lines.range(this.file, at, at), syntax: 'yaml' };
    }
    return this.convert(value, depth, viaAlias);
  }

  private applyTag(tag: string, value: ValueNode, node: YamlNode | null): ValueNode {
    const tagStart = this.tagStart(tag, node);
    const end = node?.range ? this.endOf(node) : tagStart + tag.length;
    const range = this.span(tagStart, end);
    if (!KNOWN_TAGS.has(tag)) {
      this.errors.push(fileError(this.file, `unknown YAML tag ${tag}: not a CloudFormation intrinsic function`, range));
      return { kind: 'unresolved', expression: this.expression(tagStart, end), reason: `unknown tag ${tag}`, range, syntax: 'yaml' };
    }
    return {
      kind: 'object',
      entries: [
        {
          key: longFormName(tag.slice(1)),
          sourceKey: tag,
          keyRange: this.span(tagStart, tagStart + tag.length),
          value,
        },
      ],
      range,
      syntax: 'yaml',
    };
  }

  /** A range in the file from offsets in the parsed text. */
  private span(start: number, end: number) {
    return this.lines.range(this.file, this.toOriginal(start), this.toOriginal(end));
  }

  /** yaml's node range starts after the tag; find the tag just before it. */
  private tagStart(tag: string, node: YamlNode | null): number {
    const valueStart = node?.range?.[0] ?? 0;
    const found = this.text.lastIndexOf(tag, valueStart);
    if (found === -1 || !/^\s*$/.test(this.text.slice(found + tag.length, valueStart))) return valueStart;
    return found;
  }

  private expression(start: number, end: number): string {
    return this.text.slice(start, end).replace(/\s+/g, ' ').trim();
  }

  private startOf(node: unknown): number {
    return (node as YamlNode | null)?.range?.[0] ?? 0;
  }

  private sourceText(node: YamlNode | null): string {
    return node?.range ? this.text.slice(node.range[0], node.range[1]).trim() : '';
  }

  /** The node's text without trailing whitespace (block collections end after their newline). */
  private rangeOf(node: YamlNode | null) {
    if (!node?.range) return undefined;
    return this.span(node.range[0], this.endOf(node));
  }

  /** Where the node's text ends in the parsed text, trailing white space excluded. */
  private endOf(node: YamlNode): number {
    const [start, rawEnd] = node.range ?? [0, 0];
    let end = rawEnd;
    while (end > start && /\s/.test(this.text[end - 1] ?? '')) end--;
    return end;
  }
}
