import { type ParseErrorCode, visit } from 'jsonc-parser';
import { type LazyRanges, OffsetRange, type SourceRange } from '../../model/location.js';
import type { ArrayNode, ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';
import { buildStrictJsonValue } from './strict-json-values.js';

/** Maps a JSON text's offset and length to a range in the file (identity for a file, through escapes for a string). */
export type JsonRangeMapper = (offset: number, length: number) => SourceRange | undefined;

/**
 * The lazy ranges of a file whose text holds the JSON text at `base`: the mapper a file (or a part of one) needs,
 * as data, so that every node's range is made without a call through a closure.
 */
export interface JsonOffsetRanges {
  ranges: LazyRanges;
  base: number;
  /** A string literal the text holds as `""`, read apart: see {@link JsonGap}. */
  gap?: JsonGap;
}

/**
 * A long string literal cut out of the text (left as `""` at `at`): the file writes `width` more characters there,
 * and the literal's value is `value`. Offsets after it map to the file's past the cut, so the tree is the one of the
 * whole text (a plan's container_definitions, read once already by the plan's index, is not read again).
 */
export interface JsonGap {
  at: number;
  width: number;
  value: string;
}

export type BuiltJson = { root: ValueNode } | { error: { code: ParseErrorCode; offset: number; length: number } } | { empty: true };

/** Above this many distinct keys the table of shared keys starts afresh (keys are names, a few hundred in practice). */
const MAX_SHARED_KEYS = 10_000;

/**
 * Each key's one string, across texts: jsonc-parser makes a new string per occurrence, and keys repeat in every
 * element of every file. Kept between texts, so a scan of many small files does not build the table again for each.
 */
const sharedKeys = new Map<string, string>();

/** The one string of `name` among the keys read so far. */
function sharedKey(name: string): string {
  const shared = sharedKeys.get(name);
  if (shared !== undefined) return shared;
  if (sharedKeys.size >= MAX_SHARED_KEYS) sharedKeys.clear();
  sharedKeys.set(name, name);
  return name;
}

/**
 * Builds the value tree of a JSON text, every node and key with its range: strict JSON by the strict reader
 * (strict-json-values.ts), any other text straight from jsonc-parser's visitor events. Either way the same tree as
 * parseTree() converted node by node, without the intermediate tree (plans hold hundreds of thousands of values).
 * The first syntax error makes the text unreadable, as with parseTree().
 * `ranges: false` leaves nodes without a range (an embedded text whose origin is unknown); `comments: true` reads
 * JSON with comments (task-definition files), as the AWS CLI does not but editors write them; `trailingCommas: true`
 * reads a comma before `]` or `}` (a template's fallback, src/sources/cloudformation/cloudformation-source.ts).
 */
export function buildJsonValue(
  text: string,
  rangeOf: JsonRangeMapper | JsonOffsetRanges,
  ranges = true,
  comments = false,
  trailingCommas = false,
  /** False reads with jsonc-parser whatever the text (tests compare the two readers). */
  tryStrict = true,
): BuiltJson {
  const mapper = typeof rangeOf === 'function' ? rangeOf : undefined;
  const lazy = typeof rangeOf === 'function' ? undefined : rangeOf.ranges;
  const base = typeof rangeOf === 'function' ? 0 : rangeOf.base;
  const gap = typeof rangeOf === 'function' ? undefined : rangeOf.gap;
  const gapAt = gap ? gap.at : Number.POSITIVE_INFINITY;
  const gapWidth = gap ? gap.width : 0;
  const range = (offset: number, length: number): SourceRange | undefined => {
    if (!lazy) return (mapper as JsonRangeMapper)(offset, length);
    const end = offset + length;
    return new OffsetRange(lazy, base + (offset > gapAt ? offset + gapWidth : offset), base + (end > gapAt ? end + gapWidth : end));
  };
  const strict = tryStrict
    ? buildStrictJsonValue(text, { rangeOf: ranges ? range : undefined, sharedKey, gapAt, gapValue: gap?.value })
    : undefined;
  if (strict) return { root: strict };

  // The containers being read, by depth: the node, where it starts, the key it is the value of, and its members so
  // far. The member lists are reused (a container gets an array of its exact size when it ends: an array grown by
  // push keeps room for 17 elements, and most objects in task definitions have two or three); the counts say how
  // much of each list is the current container's.
  const open: Array<ObjectNode | ArrayNode> = [];
  const starts: number[] = [];
  const owners: Array<ObjectEntry | undefined> = [];
  const members: unknown[][] = [];
  const counts: number[] = [];
  let depth = 0;
  let root: ValueNode | undefined;
  let error: { code: ParseErrorCode; offset: number; length: number } | undefined;
  /** The key read last in the innermost object, waiting for its value. */
  let pendingEntry: ObjectEntry | undefined;

  const add = (member: unknown): void => {
    const at = depth - 1;
    const count = counts[at] as number;
    (members[at] as unknown[])[count] = member;
    counts[at] = count + 1;
  };
  const attach = (value: ValueNode): void => {
    if (depth === 0) {
      root ??= value;
      return;
    }
    if ((open[depth - 1] as ObjectNode | ArrayNode).kind === 'array') add(value);
    else if (pendingEntry) {
      pendingEntry.value = value;
      add(pendingEntry);
      pendingEntry = undefined;
    }
  };
  const begin = (node: ObjectNode | ArrayNode, offset: number): void => {
    open[depth] = node;
    starts[depth] = offset;
    owners[depth] = pendingEntry;
    pendingEntry = undefined;
    if (members.length === depth) members.push([]);
    counts[depth] = 0;
    depth++;
  };
  const end = (offset: number, length: number): void => {
    if (depth === 0) return;
    depth--;
    const node = open[depth] as ObjectNode | ArrayNode;
    const count = counts[depth] as number;
    if (count > 0) {
      const list = (members[depth] as unknown[]).slice(0, count);
      if (node.kind === 'array') node.items = list as ValueNode[];
      else node.entries = list as ObjectEntry[];
    }
    if (ranges) {
      const start = starts[depth] as number;
      const own = range(start, offset + length - start);
      if (own) node.range = own;
      else delete node.range;
    }
    pendingEntry = owners[depth];
    attach(node);
  };

  const visitor = {
    onObjectBegin(offset: number) {
      if (error) return false;
      // Property order as the converted tree has it: kind, entries, range, syntax.
      const node: ObjectNode = ranges
        ? { kind: 'object', entries: [], range: undefined, syntax: 'json' }
        : { kind: 'object', entries: [], syntax: 'json' };
      begin(node, offset);
      return undefined;
    },
    onObjectProperty(name: string, offset: number, length: number) {
      if (error) return;
      const property = sharedKey(name);
      const keyRange = ranges ? range(offset, length) : undefined;
      pendingEntry = keyRange
        ? { key: property, sourceKey: property, keyRange, value: undefined as unknown as ValueNode }
        : { key: property, sourceKey: property, value: undefined as unknown as ValueNode };
    },
    onObjectEnd(offset: number, length: number) {
      if (!error) end(offset, length);
    },
    onArrayBegin(offset: number) {
      if (error) return false;
      const node: ArrayNode = ranges
        ? { kind: 'array', items: [], range: undefined, syntax: 'json' }
        : { kind: 'array', items: [], syntax: 'json' };
      begin(node, offset);
      return undefined;
    },
    onArrayEnd(offset: number, length: number) {
      if (!error) end(offset, length);
    },
    onLiteralValue(literal: unknown, offset: number, length: number) {
      if (error) return;
      const value = offset === gapAt ? (gap as JsonGap).value : literal;
      const at = ranges ? range(offset, length) : undefined;
      let node: ValueNode;
      if (typeof value === 'string')
        node = at ? { kind: 'string', value, range: at, syntax: 'json' } : { kind: 'string', value, syntax: 'json' };
      else if (typeof value === 'number') {
        const raw = text.slice(offset, offset + length);
        node = at ? { kind: 'number', value, raw, range: at, syntax: 'json' } : { kind: 'number', value, raw, syntax: 'json' };
      } else if (typeof value === 'boolean')
        node = at ? { kind: 'boolean', value, range: at, syntax: 'json' } : { kind: 'boolean', value, syntax: 'json' };
      else node = at ? { kind: 'null', range: at, syntax: 'json' } : { kind: 'null', syntax: 'json' };
      attach(node);
    },
    onError(code: ParseErrorCode, offset: number, length: number) {
      error ??= { code, offset, length };
    },
  };
  visit(text, visitor, { disallowComments: !comments, allowTrailingComma: trailingCommas });
  if (error) return { error };
  return root ? { root } : { empty: true };
}
