import { type JSONScanner, type ParseErrorCode, createScanner, visit } from 'jsonc-parser';
import { type LazyRanges, OffsetRange, type SourceRange } from '../../model/location.js';
import type { ArrayNode, ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';

/** Maps a JSON text's offset and length to a range in the file (identity for a file, through escapes for a string). */
export type JsonRangeMapper = (offset: number, length: number) => SourceRange | undefined;

/**
 * The lazy ranges of a file whose text holds the JSON text at `base`: the mapper a file (or a part of one) needs,
 * as data, so that every node's range is made without a call through a closure.
 */
export interface JsonOffsetRanges {
  ranges: LazyRanges;
  base: number;
}

export type BuiltJson = { root: ValueNode } | { error: { code: ParseErrorCode; offset: number; length: number } } | { empty: true };

/** Above this many distinct keys the table of shared keys starts afresh (keys are names, a few hundred in practice). */
const MAX_SHARED_KEYS = 10_000;

/**
 * Each key's one string, across texts: jsonc-parser makes a new string per occurrence, and keys repeat in every
 * element of every file. Kept between texts, so a scan of many small files does not build the table again for each.
 */
const sharedKeys = new Map<string, string>();

/**
 * Builds the value tree of a JSON text straight from jsonc-parser's visitor events, every node and key with its
 * range: the same tree as parseTree() converted node by node, without the intermediate tree (plans hold hundreds of
 * thousands of values). The first syntax error makes the text unreadable, as with parseTree().
 * `ranges: false` leaves nodes without a range (an embedded text whose origin is unknown); `comments: true` reads
 * JSON with comments (task-definition files), as the AWS CLI does not but editors write them.
 */
export function buildJsonValue(text: string, rangeOf: JsonRangeMapper | JsonOffsetRanges, ranges = true, comments = false): BuiltJson {
  // Well-formed text (nearly every file) is read from jsonc-parser's tokens; anything else (a syntax error, an empty
  // text, a comment where none is allowed) from its visitor, which reports the error the user sees.
  const root = buildFromTokens(text, rangeOf, ranges, comments);
  return root === undefined ? buildFromEvents(text, rangeOf, ranges, comments) : { root };
}

/** The key's one string (see sharedKeys). */
function sharedKey(name: string): string {
  const known = sharedKeys.get(name);
  if (known !== undefined) return known;
  if (sharedKeys.size >= MAX_SHARED_KEYS) sharedKeys.clear();
  sharedKeys.set(name, name);
  return name;
}

/** jsonc-parser's SyntaxKind values read here (a const enum in its types). */
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const NULL = 7;
const TRUE = 8;
const FALSE = 9;
const STRING = 10;
const NUMBER = 11;
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const LINE_BREAK = 14;
const TRIVIA = 15;
const EOF = 17;

/** Thrown inside buildFromTokens at the first token a well-formed text would not have there. */
const NOT_WELL_FORMED: unique symbol = Symbol('not well-formed');

/**
 * The tree buildFromEvents builds (the same nodes, keys, key order and ranges), from jsonc-parser's scanner without
 * its visitor (which makes a closure per event and keeps a path the tree does not need): about half the time of a
 * task-definition file or a plan. Undefined at the first scan error or token out of place, or for an empty text:
 * the caller then reads the text with the visitor, whose first error is the one reported.
 */
function buildFromTokens(
  text: string,
  rangeOf: JsonRangeMapper | JsonOffsetRanges,
  ranges: boolean,
  comments: boolean,
): ValueNode | undefined {
  const mapper = typeof rangeOf === 'function' ? rangeOf : undefined;
  const lazy = typeof rangeOf === 'function' ? undefined : rangeOf.ranges;
  const base = typeof rangeOf === 'function' ? 0 : rangeOf.base;
  const scanner: JSONScanner = createScanner(text, false);
  /** Member lists by depth, reused: each container gets an array of its exact size (see buildFromEvents). */
  const members: unknown[][] = [];
  let depth = 0;
  let token: number = 0;

  /** The next token that is not whitespace (or an allowed comment). */
  const next = (): number => {
    for (;;) {
      const kind: number = scanner.scan();
      if (scanner.getTokenError() !== 0) throw NOT_WELL_FORMED;
      if (kind === TRIVIA || kind === LINE_BREAK) continue;
      if (kind === LINE_COMMENT || kind === BLOCK_COMMENT) {
        if (comments) continue;
        throw NOT_WELL_FORMED;
      }
      return kind;
    }
  };
  const range = (offset: number, length: number): SourceRange | undefined =>
    lazy ? new OffsetRange(lazy, base + offset, base + offset + length) : (mapper as JsonRangeMapper)(offset, length);
  const membersAt = (level: number): unknown[] => {
    if (members.length === level) members.push([]);
    return members[level] as unknown[];
  };

  /** The value at the current token; leaves the token after it current. */
  const value = (): ValueNode => {
    const offset = scanner.getTokenOffset();
    switch (token) {
      case OPEN_BRACE: {
        const list = membersAt(depth++);
        let count = 0;
        token = next();
        if (token !== CLOSE_BRACE) {
          for (;;) {
            if (token !== STRING) throw NOT_WELL_FORMED;
            const key = sharedKey(scanner.getTokenValue());
            const keyRange = ranges ? range(scanner.getTokenOffset(), scanner.getTokenLength()) : undefined;
            token = next();
            if (token !== COLON) throw NOT_WELL_FORMED;
            token = next();
            const member = value();
            // Key by key in the order buildFromEvents gives them.
            list[count++] = keyRange
              ? { key, sourceKey: key, keyRange, value: member }
              : { key, sourceKey: key, value: member };
            if (token === CLOSE_BRACE) break;
            if (token !== COMMA) throw NOT_WELL_FORMED;
            token = next();
          }
        }
        depth--;
        const entries = (count > 0 ? list.slice(0, count) : []) as ObjectEntry[];
        const own = ranges ? range(offset, scanner.getTokenOffset() + scanner.getTokenLength() - offset) : undefined;
        token = next();
        return own ? { kind: 'object', entries, range: own, syntax: 'json' } : { kind: 'object', entries, syntax: 'json' };
      }
      case OPEN_BRACKET: {
        const list = membersAt(depth++);
        let count = 0;
        token = next();
        if (token !== CLOSE_BRACKET) {
          for (;;) {
            list[count++] = value();
            if (token === CLOSE_BRACKET) break;
            if (token !== COMMA) throw NOT_WELL_FORMED;
            token = next();
          }
        }
        depth--;
        const items = (count > 0 ? list.slice(0, count) : []) as ValueNode[];
        const own = ranges ? range(offset, scanner.getTokenOffset() + scanner.getTokenLength() - offset) : undefined;
        token = next();
        return own ? { kind: 'array', items, range: own, syntax: 'json' } : { kind: 'array', items, syntax: 'json' };
      }
      case STRING: {
        const string = scanner.getTokenValue();
        const at = ranges ? range(offset, scanner.getTokenLength()) : undefined;
        token = next();
        return at ? { kind: 'string', value: string, range: at, syntax: 'json' } : { kind: 'string', value: string, syntax: 'json' };
      }
      case NUMBER: {
        const number = Number(scanner.getTokenValue());
        if (Number.isNaN(number)) throw NOT_WELL_FORMED;
        const length = scanner.getTokenLength();
        const raw = text.slice(offset, offset + length);
        const at = ranges ? range(offset, length) : undefined;
        token = next();
        return at
          ? { kind: 'number', value: number, raw, range: at, syntax: 'json' }
          : { kind: 'number', value: number, raw, syntax: 'json' };
      }
      case TRUE:
      case FALSE: {
        const at = ranges ? range(offset, scanner.getTokenLength()) : undefined;
        const bool = token === TRUE;
        token = next();
        return at ? { kind: 'boolean', value: bool, range: at, syntax: 'json' } : { kind: 'boolean', value: bool, syntax: 'json' };
      }
      case NULL: {
        const at = ranges ? range(offset, scanner.getTokenLength()) : undefined;
        token = next();
        return at ? { kind: 'null', range: at, syntax: 'json' } : { kind: 'null', syntax: 'json' };
      }
      default:
        throw NOT_WELL_FORMED;
    }
  };

  try {
    token = next();
    if (token === EOF) return undefined;
    const root = value();
    return token === EOF ? root : undefined;
  } catch (error) {
    if (error === NOT_WELL_FORMED) return undefined;
    throw error;
  }
}

/** The visitor path of buildJsonValue: any text, its first syntax error included. */
function buildFromEvents(text: string, rangeOf: JsonRangeMapper | JsonOffsetRanges, ranges: boolean, comments: boolean): BuiltJson {
  const mapper = typeof rangeOf === 'function' ? rangeOf : undefined;
  const lazy = typeof rangeOf === 'function' ? undefined : rangeOf.ranges;
  const base = typeof rangeOf === 'function' ? 0 : rangeOf.base;
  const range = (offset: number, length: number): SourceRange | undefined =>
    lazy ? new OffsetRange(lazy, base + offset, base + offset + length) : (mapper as JsonRangeMapper)(offset, length);

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
    onLiteralValue(value: unknown, offset: number, length: number) {
      if (error) return;
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
  visit(text, visitor, { disallowComments: !comments, allowTrailingComma: false });
  if (error) return { error };
  return root ? { root } : { empty: true };
}
