import type { Node } from 'web-tree-sitter';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { evaluate } from './evaluate.js';
import type { EvalContext } from './scope.js';
import { liftConditionals } from './values.js';

/** The expression inside `expression`/`collection_value` wrappers. */
function unwrap(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  while (
    current &&
    (current.type === 'expression' || current.type === 'collection_value' || current.type === 'literal_value') &&
    current.namedChildCount === 1
  ) {
    current = current.firstNamedChild ?? undefined;
  }
  return current;
}

function call(node: Node | undefined): { name: string; args: Node[] } | undefined {
  if (node?.type !== 'function_call') return undefined;
  const args = node.namedChildren.find((c) => c.type === 'function_arguments')?.namedChildren.filter((c) => c.type === 'expression') ?? [];
  return { name: node.firstNamedChild?.text ?? '', args };
}

/**
 * Applies a variable's type constraint as Terraform does before the value is
 * used: an `optional(type, default)` attribute that is absent or null takes its
 * default (or null), nested through object, list, set, map and tuple types.
 * Defaults point at where the `optional()` default is written.
 */
export function applyTypeDefaults(type: Node, value: ValueNode, ctx: EvalContext): ValueNode {
  const typeNode = unwrap(type);
  const constructor = call(typeNode);
  if (!constructor || value.kind === 'unresolved') return value;
  return liftConditionals([value], ([v]) => {
    const current = v as ValueNode;
    const [inner] = constructor.args;
    switch (constructor.name) {
      case 'list':
      case 'set':
        return current.kind === 'array' && inner
          ? { ...current, items: current.items.map((item) => applyTypeDefaults(inner, item, ctx)) }
          : current;
      case 'map':
        return current.kind === 'object' && inner
          ? { ...current, entries: current.entries.map((e) => ({ ...e, value: applyTypeDefaults(inner, e.value, ctx) })) }
          : current;
      case 'tuple': {
        const types = unwrap(inner)?.namedChildren.filter((c) => c.type === 'expression') ?? [];
        return current.kind === 'array'
          ? { ...current, items: current.items.map((item, i) => (types[i] ? applyTypeDefaults(types[i], item, ctx) : item)) }
          : current;
      }
      case 'object':
        return current.kind === 'object' ? objectDefaults(unwrap(inner), current, ctx) : current;
      default:
        return current;
    }
  });
}

function objectDefaults(shape: Node | undefined, value: ValueNode & { kind: 'object' }, ctx: EvalContext): ValueNode {
  if (shape?.type !== 'object') return value;
  const entries: ObjectEntry[] = [...value.entries];
  for (const element of shape.namedChildren) {
    if (element.type !== 'object_elem') continue;
    const name = unwrap(element.childForFieldName('key'))?.text.replace(/^"|"$/g, '');
    const attributeType = element.childForFieldName('val');
    if (!name || !attributeType) continue;
    const optional = call(unwrap(attributeType));
    const isOptional = optional?.name === 'optional';
    const innerType = isOptional ? optional.args[0] : attributeType;
    const index = entries.map((e) => e.key).lastIndexOf(name);
    const present = index === -1 ? undefined : entries[index];
    if (present && present.value.kind !== 'null') {
      if (innerType) entries[index] = { ...present, value: applyTypeDefaults(innerType, present.value, ctx) };
      continue;
    }
    if (!isOptional) continue;
    const defaultNode = optional.args[1];
    const filled: ValueNode = defaultNode
      ? innerType
        ? applyTypeDefaults(innerType, evaluate(defaultNode, ctx), ctx)
        : evaluate(defaultNode, ctx)
      : {
          kind: 'null',
          range: ctx.source.lines.range(
            ctx.source.path,
            attributeType.startIndex + ctx.source.delta,
            attributeType.endIndex + ctx.source.delta,
          ),
          syntax: 'hcl',
        };
    if (present) entries[index] = { ...present, value: filled };
    else entries.push({ key: name, sourceKey: name, value: filled });
  }
  return { ...value, entries };
}
