import type { LineIndex, SourceRange } from '../../model/location.js';
import { type ConditionalNode, type ObjectEntry, type Origin, type ValueNode, toPlain } from '../../model/value.js';
import { MappedLines } from './mapped-lines.js';

/** A text the evaluator reads: a .tf file, a tfvars file, a template file. */
export interface SourceText {
  /** The file as the user would name it. */
  path: string;
  lines: LineIndex;
  /** Added to a tree-sitter index to get an offset into `lines.text` (templates are parsed wrapped). */
  delta: number;
}

export function rangeIn(source: SourceText, startIndex: number, endIndex: number): SourceRange {
  return source.lines.range(source.path, startIndex + source.delta, endIndex + source.delta);
}

/**
 * Where each character of a string value is written, so JSON decoded from it
 * (heredoc, quoted string, file(), a plan's JSON string) points into the file.
 * `offsetAt(i)` is the file offset of character i; `offsetAt(length)` is the end.
 */
export interface TextOrigin {
  path: string;
  lines: LineIndex;
  offsetAt(index: number): number;
  /** The `${…}` of a templatefile() template, whose characters are the caller's arguments. */
  placeholders?: TemplatePlaceholder[];
}

/**
 * One `${…}` whose value was written into a string template: in a templatefile() template, with the argument of the
 * call that fills it; in a heredoc or quoted string, without (its characters are another expression's value).
 */
export interface TemplatePlaceholder {
  /** `${user}` as written, and where, in the template file. */
  expression: string;
  range: SourceRange;
  /** The variable the placeholder reads (`user`), and where the call's argument for it is written. */
  argument?: { name: string; range?: SourceRange };
}

/** An origin from one file offset per character (plus one for the end). */
export function originFromOffsets(path: string, lines: LineIndex, offsets: number[]): TextOrigin {
  const last = offsets[offsets.length - 1] ?? 0;
  // Offsets into a string's own text (a template read from a string) are mapped on to the file it is written in.
  if (lines instanceof MappedLines)
    return { path: lines.origin.path, lines: lines.origin.lines, offsetAt: (index) => lines.fileOffset(offsets[index] ?? last) };
  return { path, lines, offsetAt: (index) => offsets[index] ?? last };
}

/** The marker a hole (an unresolved interpolation) leaves in a partial text, and the pattern that finds them. */
export const holeMarker = (n: number): string => `__ecsguard_hole_${n}__`;
export const HOLE_MARKER = /__ecsguard_hole_\d+__/g;

/**
 * A string template (heredoc, quoted string, templatefile()) with interpolations that
 * cannot be resolved: its text with a marker in place of each, so JSON written
 * in it can still be decoded and only the values the holes write stay unresolved.
 */
export interface PartialText {
  text: string;
  origin: TextOrigin;
  /** Marker → the unresolved interpolation and its text as written (`${var.tag}`). */
  holes: Map<string, { value: ValueNode; text: string }>;
}

const textOrigins = new WeakMap<ValueNode, TextOrigin>();
const partialTexts = new WeakMap<ValueNode, PartialText>();
/** Values produced by jsonencode(): the structure stands for its JSON text. */
const jsonEncoded = new WeakSet<ValueNode>();

export function setTextOrigin<T extends ValueNode>(node: T, origin: TextOrigin | undefined): T {
  if (origin) textOrigins.set(node, origin);
  return node;
}

export function textOrigin(node: ValueNode): TextOrigin | undefined {
  return textOrigins.get(node);
}

export function setPartialText<T extends ValueNode>(node: T, partial: PartialText): T {
  partialTexts.set(node, partial);
  return node;
}

export function partialText(node: ValueNode): PartialText | undefined {
  return partialTexts.get(node);
}

export function markJsonEncoded(node: ValueNode): ValueNode {
  // jsonencode(var.c ? [..] : [..]): each branch is a JSON-encoded value.
  if (node.kind === 'conditional' && !jsonEncoded.has(node)) {
    return { ...node, whenTrue: markJsonEncoded(node.whenTrue), whenFalse: markJsonEncoded(node.whenFalse) };
  }
  const copy = copyNode(node, {});
  jsonEncoded.add(copy);
  return copy;
}

export function isJsonEncoded(node: ValueNode): boolean {
  return jsonEncoded.has(node);
}

/**
 * The text Terraform's jsonencode() gives for a value `jsonencode()` marked, when every value in it is known: compact,
 * object keys in lexical order, and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's JSON encoder escapes them.
 * String functions (`replace(jsonencode(…), …)`, `join`, `format`) and templates read it as that string.
 */
export function jsonEncodedText(node: ValueNode): string | undefined {
  if (!isJsonEncoded(node) || !isKnown(node)) return undefined;
  return JSON.stringify(sortedPlain(toPlain(node))).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function isKnown(node: ValueNode): boolean {
  if (node.kind === 'unresolved' || node.kind === 'conditional') return false;
  if (node.kind === 'array') return node.items.every(isKnown);
  if (node.kind === 'object') return node.entries.every((e) => isKnown(e.value));
  return true;
}

function sortedPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedPlain);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedPlain(v)]));
}

/** A shallow copy with changed fields that keeps the side tables. */
export function copyNode<T extends ValueNode>(node: T, changes: Partial<T>): T {
  const copy = { ...node, ...changes };
  const origin = textOrigins.get(node);
  if (origin) textOrigins.set(copy, origin);
  const partial = partialTexts.get(node);
  if (partial) partialTexts.set(copy, partial);
  if (jsonEncoded.has(node)) jsonEncoded.add(copy);
  return copy;
}

export function unresolved(expression: string, reason: string, range: SourceRange | undefined): ValueNode {
  // A value the parser found missing (`privileged = ` in a broken file) has no text to quote.
  const quoted = expression.trim() === '' ? 'a missing value (a syntax error)' : expression;
  return { kind: 'unresolved', expression: quoted, reason, ...(range ? { range } : {}), syntax: 'hcl' };
}

/** Unresolved values that Terraform would reject (no such attribute, index out of range), not merely unknown. */
const evaluationErrors = new WeakSet<ValueNode>();

/** A value Terraform would reject: try() moves on to its next argument, can() is false. */
export function failed(expression: string, reason: string, range: SourceRange | undefined): ValueNode {
  const node = unresolved(expression, reason, range);
  evaluationErrors.add(node);
  return node;
}

export function isEvaluationError(node: ValueNode): boolean {
  return evaluationErrors.has(node);
}

/** An unresolved value derived from `cause`: an error stays an error, an unknown stays unknown. */
export function unresolvedLike(cause: ValueNode, expression: string, reason: string, range: SourceRange | undefined): ValueNode {
  return isEvaluationError(cause) ? failed(expression, reason, range) : unresolved(expression, reason, range);
}

/** The value reached through `var.x` / `local.y`: defined elsewhere, referenced at `range`. */
export function withOrigin(
  node: ValueNode,
  expression: string,
  range: SourceRange,
  definition?: Origin['definition'],
  chosenBy = node.origin?.chosenBy,
): ValueNode {
  if (node.kind === 'unresolved') return node;
  return copyNode(node, { origin: { expression, range, ...(definition ? { definition } : {}), ...(chosenBy ? { chosenBy } : {}) } });
}

/**
 * Applies `combine` to concrete values: a conditional anywhere among the inputs
 * becomes a conditional of results, so both branches are still judged.
 */
export function liftConditionals(inputs: ValueNode[], combine: (values: ValueNode[]) => ValueNode): ValueNode {
  const index = inputs.findIndex((n) => n.kind === 'conditional');
  if (index === -1) return combine(inputs);
  const conditional = inputs[index] as ConditionalNode;
  const branch = (value: ValueNode): ValueNode =>
    liftConditionals(
      inputs.map((n, i) => (i === index ? value : n)),
      combine,
    );
  return {
    kind: 'conditional',
    condition: conditional.condition,
    whenTrue: branch(conditional.whenTrue),
    whenFalse: branch(conditional.whenFalse),
    ...(conditional.range ? { range: conditional.range } : {}),
    syntax: 'hcl',
  };
}

/** The first unresolved value among the inputs (searched deeply), if any. */
export function firstUnresolved(node: ValueNode): ValueNode | undefined {
  switch (node.kind) {
    case 'unresolved':
      return node;
    case 'array':
      for (const item of node.items) {
        const found = firstUnresolved(item);
        if (found) return found;
      }
      return undefined;
    case 'object':
      for (const e of node.entries) {
        const found = firstUnresolved(e.value);
        if (found) return found;
      }
      return undefined;
    case 'conditional':
      return firstUnresolved(node.whenTrue) ?? firstUnresolved(node.whenFalse);
    default:
      return undefined;
  }
}

/** Keys in Terraform's order: maps and objects iterate in lexical key order (keys(), values(), `for`). */
export function sortedEntries(map: ValueNode & { kind: 'object' }): ObjectEntry[] {
  const last = new Map<string, ObjectEntry>();
  for (const e of map.entries) last.set(e.key, e);
  return [...last.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
