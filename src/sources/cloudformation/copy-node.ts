import type { ArrayNode, ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';

/*
 * Copies of a node or entry with one field changed, built key by key for the shapes the sources build (in Node 20,
 * an object literal that starts with a spread and adds a key copies through a slower generic path, and resolving
 * and renaming copy every object of every task definition). Other shapes are spread, with the same keys in the same
 * order.
 */

/** `{ ...node, entries }`. */
export function withEntries(node: ObjectNode, entries: ObjectEntry[]): ObjectNode {
  if (node.origin === undefined && node.range !== undefined && node.syntax !== undefined) {
    return { kind: 'object', entries, range: node.range, syntax: node.syntax };
  }
  return { ...node, entries };
}

/** `{ ...node, items }`. */
export function withItems(node: ArrayNode, items: ValueNode[]): ArrayNode {
  if (node.origin === undefined && node.range !== undefined && node.syntax !== undefined) {
    return { kind: 'array', items, range: node.range, syntax: node.syntax };
  }
  return { ...node, items };
}

/** `{ ...entry, value }`. */
export function withValue(entry: ObjectEntry, value: ValueNode): ObjectEntry {
  return entry.keyRange === undefined
    ? { key: entry.key, sourceKey: entry.sourceKey, value }
    : { key: entry.key, sourceKey: entry.sourceKey, keyRange: entry.keyRange, value };
}
