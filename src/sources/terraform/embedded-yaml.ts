import { LineIndex, type SourceRange, endOffsetOf, startOffsetOf } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import type * as YamlDocuments from '../cloudformation/yaml-documents.js';
import { computedBy } from './container-definitions.js';
import { markPlaceholders } from './embedded-json.js';
import type { TextOrigin } from './values.js';

export type DecodedYaml = { root: ValueNode } | { error: string; range?: SourceRange };

let reader: typeof YamlDocuments | undefined;

/**
 * Loads the YAML reader (js-yaml, and the `yaml` package's full path) before a configuration that calls yamldecode()
 * is evaluated: evaluation does not wait, and a scan without yamldecode() never loads it.
 */
export async function loadYamlReader(): Promise<void> {
  const documents = await import('../cloudformation/yaml-documents.js');
  await documents.loadYamlComposer();
  reader = documents;
}

/**
 * yamldecode(): YAML held in a string (most often `file("containers.yaml")`) as a value tree, each node pointing at the
 * characters of the file that wrote it, as decodeEmbeddedJson does for JSON; a string an expression computed points at
 * the call, marked so that a fix there is made by hand.
 *
 * Read by the reader of task-definition YAML, as Terraform's yamldecode (go-cty-yaml) reads it where it matters here:
 * YAML 1.1 booleans (`privileged: yes` is true), one document (several, or none, are an error, as Terraform says).
 * A plain `y` or `n` is a boolean too, as Terraform reads it. Where the two readings differ, it is the one that finds
 * more: a merge key (`<<: *base`) is expanded, where Terraform keeps a key named `<<` that the AWS provider then drops.
 */
export function decodeEmbeddedYaml(text: string, origin: TextOrigin | undefined, fallback: SourceRange | undefined): DecodedYaml {
  // A whole file's text (file()) is read as that file: its nodes' ranges are its own.
  const wholeFile = origin !== undefined && origin.lines.text === text && origin.offsetAt(text.length) === text.length;
  const file = wholeFile ? origin.path : (origin?.path ?? fallback?.file ?? 'yamldecode');
  const lines = wholeFile ? origin.lines : new LineIndex(text);
  const read = reader?.readYamlDocumentsNow(text, file, lines, 'task definition');
  if (!read) return { error: 'the YAML reader was not loaded', ...(fallback ? { range: fallback } : {}) };
  const rangeIn = (start: number, end: number): SourceRange | undefined => {
    if (wholeFile) return lines.lazyRanges(file).range(start, end);
    if (!origin) return fallback;
    return origin.lines.lazyRanges(origin.path).range(origin.offsetAt(start), origin.offsetAt(end));
  };
  const [first] = read.errors;
  if (first) {
    const at = first.line === undefined ? undefined : lines.lineStart(first.line) + (first.column ?? 1) - 1;
    const where = (at === undefined ? undefined : rangeIn(at, at)) ?? fallback;
    const message = first.message.startsWith('invalid YAML') ? first.message : `invalid YAML: ${first.message}`;
    return { error: message, ...(where ? { range: where } : {}) };
  }
  if (read.documents.length !== 1) {
    const error =
      read.documents.length === 0 ? 'the YAML holds no value' : `the YAML holds ${read.documents.length} documents; yamldecode reads one`;
    return { error, ...(fallback ? { range: fallback } : {}) };
  }
  let root = withLetterBooleans(read.documents[0] as ValueNode, text);
  if (!wholeFile) root = origin ? rebase(root, rangeIn) : root;
  // YAML in a quoted HCL string ("- name: web\n  …"): its text is escaped there, which a fix's YAML edit is not.
  const quoted = origin !== undefined && !wholeFile && origin.lines.text.charCodeAt(origin.offsetAt(0) - 1) === 34;
  if (!origin || quoted) return { root: fallback ? computedBy(root, { kind: 'string', value: text, range: fallback }) : root };
  return { root: origin.placeholders?.length ? markPlaceholders(root, origin.placeholders) : root };
}

/** Terraform's YAML reader (go-cty-yaml) also reads a plain `y`, `Y`, `n` or `N` as a boolean. */
const LETTER_BOOLEANS: Record<string, boolean> = { y: true, Y: true, n: false, N: false };

/** The tree with each plain one-letter boolean (not quoted in `text`) read as Terraform reads it. */
function withLetterBooleans(node: ValueNode, text: string): ValueNode {
  switch (node.kind) {
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: withLetterBooleans(e.value, text) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => withLetterBooleans(item, text)) };
    case 'string': {
      const value = LETTER_BOOLEANS[node.value];
      const written = node.range ? text.slice(startOffsetOf(node.range), endOffsetOf(node.range)) : undefined;
      if (value === undefined || written !== node.value) return node;
      return { kind: 'boolean', value, ...(node.range ? { range: node.range } : {}), syntax: 'yaml' };
    }
    default:
      return node;
  }
}

/** The tree with each range moved from the string's own offsets to the file's (rangeIn). */
function rebase(node: ValueNode, rangeIn: (start: number, end: number) => SourceRange | undefined): ValueNode {
  const moved = (range: SourceRange | undefined) => (range ? rangeIn(startOffsetOf(range), endOffsetOf(range)) : undefined);
  const range = moved(node.range);
  const withRange = <T extends ValueNode>(n: T): T => {
    const copy = { ...n };
    if (range) copy.range = range;
    else delete copy.range;
    return copy;
  };
  switch (node.kind) {
    case 'object':
      return withRange({
        ...node,
        entries: node.entries.map((e) => {
          const keyRange = moved(e.keyRange);
          const entry = { ...e, value: rebase(e.value, rangeIn) };
          if (keyRange) entry.keyRange = keyRange;
          else delete entry.keyRange;
          return entry;
        }),
      });
    case 'array':
      return withRange({ ...node, items: node.items.map((item) => rebase(item, rangeIn)) });
    default:
      return withRange(node);
  }
}
