import type { SourceRange } from '../../model/location.js';
import { type ObjectEntry, type ObjectNode, type ValueNode, scalarText } from '../../model/value.js';
import { fileError } from '../source.js';
import { FOR_EACH_PREFIX, intrinsicCall } from './intrinsics.js';
import { type ResolveContext, expressionAt } from './resolve-context.js';

/** Resolves the collection (a literal list, or a Ref to a list parameter). */
export type ResolveCollection = (node: ValueNode) => ValueNode;

/** Loops inside loops inside loops: deeper than any real template. */
const MAX_NESTING = 10;
/** A collection this long is not a hand-written template; it bounds the expansion. */
const MAX_ITEMS = 500;

export function notSupportedOffline(what: string): string {
  return `not supported offline: ${what}`;
}

/**
 * Expands every `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]`
 * entry of a mapping (AWS::LanguageExtensions), as CloudFormation does: the
 * fragment is repeated once per collection item, with `${Identifier}` and
 * `&{Identifier}` (non-alphanumeric characters dropped) replaced in keys and
 * strings, and `Ref: Identifier` replaced by the item. A loop whose collection
 * cannot be resolved offline is an error, and gives no entries.
 */
export function expandLoops(node: ObjectNode, ctx: ResolveContext, resolveCollection: ResolveCollection, depth = 0): ObjectNode {
  if (!node.entries.some((e) => e.key.startsWith(FOR_EACH_PREFIX))) return node;
  const entries: ObjectEntry[] = [];
  for (const entry of node.entries) {
    if (!entry.key.startsWith(FOR_EACH_PREFIX)) {
      entries.push(entry);
      continue;
    }
    entries.push(...expandLoop(entry, ctx, resolveCollection, depth));
  }
  return { ...node, entries };
}

function expandLoop(loop: ObjectEntry, ctx: ResolveContext, resolveCollection: ResolveCollection, depth: number): ObjectEntry[] {
  const fail = (why: string, at?: SourceRange): ObjectEntry[] => {
    const message = notSupportedOffline(`${loop.key}: ${why}`);
    ctx.errors.push(
      fileError(
        ctx.file,
        ctx.resourceId ? `resource ${ctx.resourceId}: ${message}` : message,
        at ?? loop.keyRange,
        ctx.resourceId || undefined,
      ),
    );
    return [];
  };
  if (depth >= MAX_NESTING) return fail(`loops nested deeper than ${MAX_NESTING}`);
  const args = loop.value.kind === 'array' ? loop.value.items : [];
  const [identifierNode, collectionNode, fragment] = args;
  const identifier = identifierNode?.kind === 'string' ? identifierNode.value : undefined;
  if (args.length !== 3 || !identifier || !collectionNode || fragment?.kind !== 'object') {
    return fail('needs [identifier, collection, {output key: output value}]', loop.value.range);
  }
  const collection = resolveCollection(collectionNode);
  if (collection.kind !== 'array') {
    const why = collection.kind === 'unresolved' ? (collection.reason ?? 'it cannot be resolved') : `it is a ${collection.kind}`;
    return fail(`the collection ${expressionAt(collectionNode, ctx)} cannot be expanded offline (${why})`, collectionNode.range);
  }
  if (collection.items.length > MAX_ITEMS) return fail(`the collection has more than ${MAX_ITEMS} items`, collectionNode.range);
  const loopName = loop.key.slice(FOR_EACH_PREFIX.length);
  const out: ObjectEntry[] = [];
  for (const item of collection.items) {
    const text = scalarText(item);
    if (text === undefined) {
      const what = item.kind === 'unresolved' ? item.expression : `a ${item.kind}`;
      return fail(`a collection item is ${what}, not a string`, item.range ?? collectionNode.range);
    }
    const substitution: Substitution = { identifier, text, item, loopName, ctx };
    const expanded = substitute(fragment, substitution);
    if (expanded.kind !== 'object') continue;
    out.push(...expandLoops(expanded, ctx, resolveCollection, depth + 1).entries);
  }
  return out;
}

interface Substitution {
  identifier: string;
  text: string;
  item: ValueNode;
  loopName: string;
  ctx: ResolveContext;
}

function replaceIn(value: string, { identifier, text }: Substitution): string {
  return value
    .split(`\${${identifier}}`)
    .join(text)
    .split(`&{${identifier}}`)
    .join(text.replace(/[^A-Za-z0-9]/g, ''));
}

/**
 * The fragment for one item. A string that changed keeps its place in the
 * file but records the loop as its origin, so a fixer never writes the
 * item's value over the placeholder that every iteration shares.
 */
function substitute(node: ValueNode, s: Substitution): ValueNode {
  const call = intrinsicCall(node);
  if (call?.name === 'Ref' && call.argument.kind === 'string' && call.argument.value === s.identifier) {
    return {
      ...s.item,
      origin: { expression: `${expressionAt(node, s.ctx)} (Fn::ForEach::${s.loopName})`, ...(node.range ? { range: node.range } : {}) },
    };
  }
  switch (node.kind) {
    case 'string': {
      const value = replaceIn(node.value, s);
      if (value === node.value) return node;
      return {
        ...node,
        value,
        origin: { expression: `${expressionAt(node, s.ctx)} (Fn::ForEach::${s.loopName})`, ...(node.range ? { range: node.range } : {}) },
      };
    }
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, key: replaceIn(e.key, s), value: substitute(e.value, s) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => substitute(item, s)) };
    default:
      return node;
  }
}
