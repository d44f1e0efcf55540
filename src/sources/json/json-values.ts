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

/** Above this many distinct keys the table of shared keys stops growing (keys are names, a few hundred in practice). */
const MAX_SHARED_KEYS = 10_000;

/**
 * Builds the value tree of a JSON text straight from jsonc-parser's visitor events, every node and key with its
 * range: the same tree as parseTree() converted node by node, without the intermediate tree (plans hold hundreds of
 * thousands of values). The first syntax error makes the text unreadable, as with parseTree().
 * `ranges: false` leaves nodes without a range (an embedded text whose origin is unknown); `comments: true` reads
 * JSON with comments (task-definition files), as the AWS CLI does not but editors write them.
 */
export function buildJsonValue(text: string, rangeOf: JsonRangeMapper, ranges = true, comments = false): BuiltJson {
  const stack: Open[] = [];
  /**
   * The entries or items of each open container, by depth, reused: a container gets an array of its exact size when
   * it ends (an array grown by push keeps room for 17 elements: most objects in task definitions have two or three).
   */
  const members: unknown[][] = [];
  /** Each key's one string: jsonc-parser makes a new string per occurrence, and keys repeat in every element. */
  const keys = new Map<string, string>();
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
    const list = members[stack.length - 1] as unknown[];
    if (parent.node.kind === 'array') list.push(value);
    else if (pendingEntry) {
      pendingEntry.value = value;
      list.push(pendingEntry);
      pendingEntry = undefined;
    }
  };
  const begin = (node: ObjectNode | ArrayNode, offset: number): void => {
    const entry = pendingEntry;
    pendingEntry = undefined;
    stack.push({ node, start: offset, entry });
    const list = members[stack.length - 1];
    if (list) list.length = 0;
    else members.push([]);
  };
  const end = (offset: number, length: number): void => {
    const list = members[stack.length - 1];
    const open = stack.pop();
    if (!open || !list) return;
    if (list.length > 0) {
      if (open.node.kind === 'array') open.node.items = list.slice() as ValueNode[];
      else open.node.entries = list.slice() as ObjectEntry[];
      list.length = 0;
    }
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
      begin(node, offset);
      return undefined;
    },
    onObjectProperty(name: string, offset: number, length: number) {
      if (error) return;
      let property = keys.get(name);
      if (property === undefined) {
        property = name;
        if (keys.size < MAX_SHARED_KEYS) keys.set(name, name);
      }
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
      begin(node, offset);
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
