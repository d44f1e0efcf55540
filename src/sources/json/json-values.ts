import { type ParseErrorCode, visit } from 'jsonc-parser';
import type { SourceRange } from '../../model/location.js';
import type { ArrayNode, ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';

/** Maps a JSON text's offset and length to a range in the file (identity for a file, through escapes for a string). */
export type JsonRangeMapper = (offset: number, length: number) => SourceRange | undefined;

export type BuiltJson = { root: ValueNode } | { error: { code: ParseErrorCode; offset: number; length: number } } | { empty: true };

/** A container being read, and the key it is the value of. */
interface Open {
  node: ObjectNode | ArrayNode;
  start: number;
  entry: ObjectEntry | undefined;
}

/**
 * Builds the value tree of a JSON text straight from jsonc-parser's visitor events, every node and key with its
 * range: the same tree as parseTree() converted node by node, without the intermediate tree (plans hold hundreds of
 * thousands of values). The first syntax error makes the text unreadable, as with parseTree().
 * `ranges: false` leaves nodes without a range (an embedded text whose origin is unknown); `comments: true` reads
 * JSON with comments (task-definition files), as the AWS CLI does not but editors write them.
 */
export function buildJsonValue(text: string, rangeOf: JsonRangeMapper, ranges = true, comments = false): BuiltJson {
  const stack: Open[] = [];
  let root: ValueNode | undefined;
  let error: { code: ParseErrorCode; offset: number; length: number } | undefined;
  /** The key read last in the innermost object, waiting for its value. */
  let pendingEntry: ObjectEntry | undefined;

  const attach = (value: ValueNode): void => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      root ??= value;
      return;
    }
    if (parent.node.kind === 'array') parent.node.items.push(value);
    else if (pendingEntry) {
      pendingEntry.value = value;
      parent.node.entries.push(pendingEntry);
      pendingEntry = undefined;
    }
  };
  const end = (offset: number, length: number): void => {
    const open = stack.pop();
    if (!open) return;
    if (ranges) {
      const range = rangeOf(open.start, offset + length - open.start);
      if (range) open.node.range = range;
      else delete open.node.range;
    }
    pendingEntry = open.entry;
    attach(open.node);
  };

  const visitor = {
    onObjectBegin(offset: number) {
      if (error) return false;
      // Property order as the converted tree has it: kind, entries, range, syntax.
      const node: ObjectNode = ranges
        ? { kind: 'object', entries: [], range: undefined, syntax: 'json' }
        : { kind: 'object', entries: [], syntax: 'json' };
      const entry = pendingEntry;
      pendingEntry = undefined;
      stack.push({ node, start: offset, entry });
      return undefined;
    },
    onObjectProperty(property: string, offset: number, length: number) {
      if (error) return;
      const keyRange = ranges ? rangeOf(offset, length) : undefined;
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
      const entry = pendingEntry;
      pendingEntry = undefined;
      stack.push({ node, start: offset, entry });
      return undefined;
    },
    onArrayEnd(offset: number, length: number) {
      if (!error) end(offset, length);
    },
    onLiteralValue(value: unknown, offset: number, length: number) {
      if (error) return;
      const range = ranges ? rangeOf(offset, length) : undefined;
      let node: ValueNode;
      if (typeof value === 'string')
        node = range ? { kind: 'string', value, range, syntax: 'json' } : { kind: 'string', value, syntax: 'json' };
      else if (typeof value === 'number') {
        const raw = text.slice(offset, offset + length);
        node = range ? { kind: 'number', value, raw, range, syntax: 'json' } : { kind: 'number', value, raw, syntax: 'json' };
      } else if (typeof value === 'boolean')
        node = range ? { kind: 'boolean', value, range, syntax: 'json' } : { kind: 'boolean', value, syntax: 'json' };
      else node = range ? { kind: 'null', range, syntax: 'json' } : { kind: 'null', syntax: 'json' };
      attach(node);
    },
    onError(code: ParseErrorCode, offset: number, length: number) {
      error ??= { code, offset, length };
    },
  };
  // Strict JSON (what JSON.parse accepts: most files) is read by a lighter scanner giving the same events; anything
  // else (comments, a trailing comma, any syntax error) goes through jsonc-parser, which says where and what.
  if (!visitStrictJson(text, visitor)) visit(text, visitor, { disallowComments: !comments, allowTrailingComma: false });
  if (error) return { error };
  return root ? { root } : { empty: true };
}

/** The events buildJsonValue reads, as jsonc-parser's visit() delivers them. */
interface JsonEvents {
  onObjectBegin(offset: number): boolean | undefined;
  onObjectProperty(property: string, offset: number, length: number): void;
  onObjectEnd(offset: number, length: number): void;
  onArrayBegin(offset: number): boolean | undefined;
  onArrayEnd(offset: number, length: number): void;
  onLiteralValue(value: unknown, offset: number, length: number): void;
}

const OBJECT = 1;
/** Texts up to this length are read by visitStrictJson. */
const STRICT_MAX_CHARS = 1 << 20;
const ARRAY = 2;

/**
 * Delivers the events of a strict JSON text (one JSON.parse accepts, so nothing in it is malformed) in the order and
 * with the offsets jsonc-parser's visit() gives: no token objects, no per-token callbacks for separators. Returns
 * false, having delivered nothing, for any text JSON.parse rejects; the caller then runs jsonc-parser on it.
 */
export function visitStrictJson(text: string, events: JsonEvents): boolean {
  // JSON.parse builds every value at once: a very large text (a plan, a 40 MB definition) is read as before instead.
  if (text.length > STRICT_MAX_CHARS) return false;
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  const containers: number[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x20: // space
      case 0x09: // tab
      case 0x0a: // line feed
      case 0x0d: // carriage return
        i++;
        break;
      case 0x7b: // {
        events.onObjectBegin(i);
        containers.push(OBJECT);
        expectKey = true;
        i++;
        break;
      case 0x5b: // [
        events.onArrayBegin(i);
        containers.push(ARRAY);
        expectKey = false;
        i++;
        break;
      case 0x7d: // }
        containers.pop();
        events.onObjectEnd(i, 1);
        expectKey = false;
        i++;
        break;
      case 0x5d: // ]
        containers.pop();
        events.onArrayEnd(i, 1);
        expectKey = false;
        i++;
        break;
      case 0x2c: // ,
        expectKey = containers[containers.length - 1] === OBJECT;
        i++;
        break;
      case 0x3a: // :
        expectKey = false;
        i++;
        break;
      case 0x22: {
        // "
        let end = i + 1;
        let escaped = false;
        for (;;) {
          const q = text.charCodeAt(end);
          if (q === 0x22) break;
          if (q === 0x5c) {
            escaped = true;
            end += 2;
          } else end++;
        }
        end++;
        const value = escaped ? (JSON.parse(text.slice(i, end)) as string) : text.slice(i + 1, end - 1);
        if (expectKey) events.onObjectProperty(value, i, end - i);
        else events.onLiteralValue(value, i, end - i);
        i = end;
        break;
      }
      case 0x74: // true
        events.onLiteralValue(true, i, 4);
        i += 4;
        break;
      case 0x66: // false
        events.onLiteralValue(false, i, 5);
        i += 5;
        break;
      case 0x6e: // null
        events.onLiteralValue(null, i, 4);
        i += 4;
        break;
      default: {
        // A number: digits, sign, point, exponent.
        let end = i + 1;
        for (; end < n; end++) {
          const d = text.charCodeAt(end);
          if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
        }
        events.onLiteralValue(Number(text.slice(i, end)), i, end - i);
        i = end;
      }
    }
  }
  return true;
}
