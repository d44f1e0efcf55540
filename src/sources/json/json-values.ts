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
  visit(text, visitor, { disallowComments: !comments, allowTrailingComma: false });
  if (error) return { error };
  return root ? { root } : { empty: true };
}
