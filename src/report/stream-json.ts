/**
 * JSON written in pieces: the same bytes as `JSON.stringify(value, null, space)`, but an array wrapped in
 * `lazyArray` is mapped and written one element at a time, so a report of 100,000 findings never holds the mapped
 * findings, nor the whole text, in memory.
 */
export class LazyArray<T = unknown, R = unknown> {
  constructor(
    readonly items: readonly T[],
    readonly map: (item: T, index: number) => R,
  ) {}
}

/** An array whose elements are made (and dropped) as they are written. Typed as the array it stands for. */
export function lazyArray<T, R>(items: readonly T[], map: (item: T, index: number) => R): R[] {
  return new LazyArray(items, map) as unknown as R[];
}

/** A piece of a report: text, or UTF-8 bytes rendered and stored before (a streamed report's findings). */
export type ReportChunk = string | Uint8Array;

/**
 * An array whose first elements (`head`) are written as usual and whose other `count` elements were rendered before
 * (a streamed report: src/report/spill-report.ts). Each rendered element is `,\n` + indent + its JSON at that
 * indent; `pieces(first)` yields them in order, dropping the first one's comma when it opens the array.
 */
export class RenderedArray {
  constructor(
    readonly head: readonly unknown[],
    readonly count: number,
    /** The indent of the elements (checked when written: the pieces were rendered for it). */
    readonly indent: string,
    readonly pieces: (first: boolean) => Iterable<ReportChunk>,
  ) {}
}

function containsLazy(value: unknown): boolean {
  if (value instanceof LazyArray || value instanceof RenderedArray) return true;
  if (Array.isArray(value)) return value.some(containsLazy);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsLazy);
  return false;
}

export const indented = (text: string, indent: string) => (indent ? text.replace(/\n/g, `\n${indent}`) : text);

/**
 * `JSON.stringify(value, null, space) ?? 'null'` with every line after the first indented by `indent`. Stringified
 * inside arrays nested as deep as the indent, then cut out: V8 writes the indentation as it stringifies, which costs
 * far less than rewriting every line afterwards (`indented`), and a streamed report does it once per finding.
 */
export function stringifyIndented(value: unknown, indent: string, space = 2): string {
  const depth = indent.length / space;
  if (depth === 0 || !Number.isInteger(depth) || indent !== ' '.repeat(indent.length)) {
    return indented(JSON.stringify(value, null, space) ?? 'null', indent);
  }
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, space);
  // Level i of the wrapping opens with its indent (space * i) and "[\n", and closes with "\n", its indent and "]".
  const levels = (space * depth * (depth - 1)) / 2 + 2 * depth;
  return text.slice(levels + indent.length, text.length - levels);
}
/**
 * stringifyIndented of an object given in parts, in key order: plain records (each stringified whole) and
 * `[key, text]` members whose value is JSON text rendered before at the members' indent (`indent` + space), e.g. a
 * part many findings share, rendered once. The same text as stringifyIndented of the whole object.
 */
export function stringifyMembers(
  parts: ReadonlyArray<Readonly<Record<string, unknown>> | readonly [string, string]>,
  indent: string,
  space = 2,
): string {
  const inner = indent + ' '.repeat(space);
  const closing = indent.length + 2;
  let body = '';
  for (const part of parts) {
    if (Array.isArray(part)) {
      const [key, text] = part as readonly [string, string];
      body += `${body ? ',' : ''}\n${inner}${JSON.stringify(key)}: ${text}`;
      continue;
    }
    const text = stringifyIndented(part, indent, space);
    if (text === '{}') continue;
    // "{" + the members (each on a line of its own) + "\n" + indent + "}".
    body += `${body ? ',' : ''}${text.slice(1, text.length - closing)}`;
  }
  return body ? `{${body}\n${indent}}` : '{}';
}

/**
 * The JSON text of read-only parts that many findings share by identity (a peers list, a resource), at one indent,
 * rendered once each. Keyed weakly: a part no finding holds any more is dropped with its text.
 */
export class SharedText<T extends object> {
  private readonly texts = new WeakMap<T, string>();

  constructor(
    private readonly indent: string,
    private readonly toJson: (part: T) => unknown = (part) => part,
  ) {}

  of(part: T): string {
    let text = this.texts.get(part);
    if (text === undefined) {
      text = stringifyIndented(this.toJson(part), this.indent);
      this.texts.set(part, text);
    }
    return text;
  }
}

const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The chunks of a held report (no rendered pieces), as text. */
export function* textChunks(chunks: Iterable<ReportChunk>): Generator<string> {
  for (const chunk of chunks) {
    if (typeof chunk !== 'string') throw new Error('a held report holds no rendered pieces');
    yield chunk;
  }
}

/** jsonChunks of a value that holds no rendered pieces (a held report): text only. */
export const jsonTextChunks = (value: unknown, space = 2): Generator<string> => textChunks(jsonChunks(value, space));

export function* jsonChunks(value: unknown, space = 2, indent = ''): Generator<ReportChunk> {
  const inner = indent + ' '.repeat(space);
  if (value instanceof RenderedArray) {
    if (value.indent !== inner) throw new Error(`rendered elements are indented by ${value.indent.length}, expected ${inner.length}`);
    if (value.head.length + value.count === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (const [i, element] of value.head.entries()) {
      yield i ? `,\n${inner}` : `\n${inner}`;
      if (omitted(element)) yield 'null';
      else yield* jsonChunks(element, space, inner);
    }
    if (value.count) yield* value.pieces(value.head.length === 0);
    yield `\n${indent}]`;
    return;
  }
  if (value instanceof LazyArray || (Array.isArray(value) && containsLazy(value))) {
    const length = value instanceof LazyArray ? value.items.length : (value as unknown[]).length;
    if (length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < length; i++) {
      const element = value instanceof LazyArray ? value.map(value.items[i], i) : (value as unknown[])[i];
      yield i ? `,\n${inner}` : `\n${inner}`;
      if (omitted(element)) yield 'null';
      else yield* jsonChunks(element, space, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !containsLazy(value)) {
    yield stringifyIndented(value, indent, space);
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => !omitted(v));
  if (!entries.length) {
    yield '{}';
    return;
  }
  yield '{';
  for (const [i, [key, v]] of entries.entries()) {
    yield `${i ? ',' : ''}\n${inner}${JSON.stringify(key)}: `;
    yield* jsonChunks(v, space, inner);
  }
  yield `\n${indent}}`;
}
