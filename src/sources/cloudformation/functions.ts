import { type ConditionalNode, type UnresolvedNode, type ValueNode, field, scalarText, toPlain } from '../../model/value.js';
import { resolveRef } from './ref.js';
import { type ResolveContext, computedString, invalidAt, unresolvedAt, withOrigin } from './resolve-context.js';

/** Resolves a nested value in the same context (passed in to keep the modules acyclic). */
export type Resolve = (node: ValueNode) => ValueNode;

export interface Call {
  name: string;
  argument: ValueNode;
  /** The whole call as written: `!Sub "…"`, `{"Fn::Join": […]}`. */
  site: ValueNode;
}

/** `Fn::If [Condition, whenTrue, whenFalse]`: both branches are kept for the checks. */
export function resolveIf({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const args = argument.kind === 'array' ? argument.items : undefined;
  const [condition, whenTrue, whenFalse] = args ?? [];
  if (!args || args.length !== 3 || condition?.kind !== 'string' || !whenTrue || !whenFalse) {
    const found = args ? `${args.length} argument${args.length === 1 ? '' : 's'}` : `a ${argument.kind}`;
    return invalidAt(site, ctx, `${name} needs [condition name, value if true, value if false], found ${found}`);
  }
  if (!ctx.template.conditions.has(condition.value)) {
    invalidAt(condition, ctx, `${name} uses condition ${condition.value}, which is not defined in Conditions`);
  }
  return {
    kind: 'conditional',
    condition: condition.value,
    whenTrue: resolve(whenTrue),
    whenFalse: resolve(whenFalse),
    ...(site.range ? { range: site.range } : {}),
    syntax: ctx.syntax,
  };
}

/** `Fn::Sub` with literal variables and parameters that have a Default. */
export function resolveSub({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const [template, variables] = argument.kind === 'array' ? argument.items : [argument];
  if (template?.kind !== 'string' || (variables !== undefined && variables.kind !== 'object')) {
    return invalidAt(site, ctx, `${name} needs a string or [string, {variables}]`);
  }
  let failure: string | undefined;
  const value = template.value.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`; // ${!Literal} is written as-is
    const variableName = inner.trim();
    const variable = field(variables, variableName);
    let resolved: ValueNode;
    if (variable !== undefined) resolved = resolve(variable);
    else if (variableName.includes('.')) {
      failure ??= `\${${variableName}} is an attribute known only after deployment`;
      return whole;
    } else resolved = resolveRef(variableName, site, { ...ctx, errors: [], warnings: [] });
    const text = resolved.kind === 'array' ? undefined : scalarText(resolved);
    if (text === undefined) {
      const reason = resolved.kind === 'unresolved' ? resolved.reason : `it is a ${resolved.kind}`;
      failure ??= `\${${variableName}} cannot be resolved${reason ? `: ${reason}` : ''}`;
      return whole;
    }
    return text;
  });
  return failure === undefined ? computedString(value, site, ctx) : unresolvedAt(site, ctx, failure);
}

/** The strings of a resolved list, or why there are none. */
function stringItems(list: ValueNode): string[] | string {
  if (list.kind === 'unresolved') return list.reason ?? 'the list cannot be resolved';
  if (list.kind !== 'array') return `expected a list, found ${list.kind}`;
  const out: string[] = [];
  for (const item of list.items) {
    if (item.kind === 'null') continue; // AWS::NoValue drops the item
    const text = scalarText(item);
    if (text === undefined) return item.kind === 'unresolved' ? `${item.expression} cannot be resolved` : `a list item is a ${item.kind}`;
    out.push(text);
  }
  return out;
}

/** `Fn::Join [delimiter, list]`. */
export function resolveJoin({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const [delimiter, list] = argument.kind === 'array' && argument.items.length === 2 ? argument.items : [];
  if (delimiter?.kind !== 'string' || !list) return invalidAt(site, ctx, `${name} needs [delimiter, list]`);
  const items = stringItems(resolve(list));
  return typeof items === 'string' ? unresolvedAt(site, ctx, items) : computedString(items.join(delimiter.value), site, ctx);
}

/** `Fn::Split [delimiter, string]` → a list of strings at the call site. */
export function resolveSplit({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const [delimiter, source] = argument.kind === 'array' && argument.items.length === 2 ? argument.items : [];
  if (delimiter?.kind !== 'string' || !source) return invalidAt(site, ctx, `${name} needs [delimiter, string]`);
  const resolved = resolve(source);
  const text = scalarText(resolved);
  if (text === undefined)
    return unresolvedAt(site, ctx, `${name} of ${resolved.kind === 'unresolved' ? resolved.expression : resolved.kind}`);
  return withOrigin(
    {
      kind: 'array',
      items: text.split(delimiter.value).map((item) => computedString(item, site, ctx)),
      ...(site.range ? { range: site.range } : {}),
      syntax: ctx.syntax,
    },
    site,
    ctx,
  );
}

/** `Fn::Select [index, list]` → the selected item, where it is written. */
export function resolveSelect({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const [indexNode, list] = argument.kind === 'array' && argument.items.length === 2 ? argument.items : [];
  if (!indexNode || !list) return invalidAt(site, ctx, `${name} needs [index, list]`);
  const indexText = scalarText(resolve(indexNode));
  const resolvedList = resolve(list);
  if (indexText === undefined || resolvedList.kind === 'unresolved') {
    return unresolvedAt(site, ctx, `${name} of a value that cannot be resolved`);
  }
  if (resolvedList.kind !== 'array' || !/^\d+$/.test(indexText)) return invalidAt(site, ctx, `${name} needs [index, list]`);
  const item = resolvedList.items[Number(indexText)];
  if (!item) return invalidAt(site, ctx, `${name} index ${indexText} is out of range for ${resolvedList.items.length} items`);
  return withOrigin(item, site, ctx);
}

/** `Fn::FindInMap [map, top key, second key, {DefaultValue}?]` → the mapped value, where it is written. */
export function resolveFindInMap({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const args = argument.kind === 'array' ? argument.items : [];
  if (args.length !== 3 && args.length !== 4) return invalidAt(site, ctx, `${name} needs [map name, top-level key, second-level key]`);
  const resolvedKeys = args.slice(0, 3).map((a) => resolve(a));
  const keys = resolvedKeys.map((k) => scalarText(k));
  if (keys.some((k) => k === undefined)) {
    // Every value the unknown keys can select is the same (a region map that is true everywhere): that is the value.
    const same = sameInEveryEntry(keys, args[3] && field(args[3], 'DefaultValue'), ctx, resolve);
    if (same) return withOrigin({ ...same, ...(site.range ? { range: site.range } : {}) }, site, ctx);
    return unresolvedAt(site, ctx, `${name} with a key that cannot be resolved`);
  }
  const lookup = (path: Array<string | undefined>) =>
    path.reduce<ValueNode | undefined>((node, key) => field(node, key ?? ''), ctx.template.mappings);
  const found = lookup(keys);
  if (found) return withMappedAlternatives(withOrigin(found, site, ctx), keys, resolvedKeys, lookup);
  const fallback = field(args[3], 'DefaultValue');
  if (fallback) return withOrigin(resolve(fallback), site, ctx);
  return invalidAt(site, ctx, `${name}: Mappings has no ${keys.join('.')}`);
}

/**
 * The one scalar every entry a `Fn::FindInMap` with unknown keys can select holds, when there is one: keys that are
 * known fix their level, unknown ones range over every entry there. A selection the map lacks is the DefaultValue,
 * or (without one) a deployment that fails, so not a value.
 */
function sameInEveryEntry(
  keys: Array<string | undefined>,
  fallback: ValueNode | undefined,
  ctx: ResolveContext,
  resolve: Resolve,
): ValueNode | undefined {
  const [mapName, topKey, secondKey] = keys;
  if (mapName === undefined) return undefined;
  const level = (node: ValueNode | undefined, key: string | undefined): Array<ValueNode | undefined> =>
    node?.kind !== 'object' ? [] : key !== undefined ? [field(node, key)] : node.entries.map((e) => e.value);
  const candidates: ValueNode[] = [];
  for (const top of level(field(ctx.template.mappings, mapName), topKey)) {
    const seconds = top === undefined ? [undefined] : level(top, secondKey);
    for (const value of seconds.length ? seconds : [undefined]) {
      const chosen = value ?? (fallback && resolve(fallback));
      if (chosen) candidates.push(chosen);
    }
  }
  const [first] = candidates;
  if (!first || (first.kind !== 'string' && first.kind !== 'number' && first.kind !== 'boolean')) return undefined;
  const text = scalarText(first);
  return candidates.every((c) => c.kind === first.kind && scalarText(c) === text) ? first : undefined;
}

/** `Fn::Base64` of a literal string. */
export function resolveBase64({ argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const resolved = resolve(argument);
  const text = scalarText(resolved);
  if (text === undefined) return unresolvedAt(site, ctx, 'Fn::Base64 of a value that cannot be resolved');
  return computedString(Buffer.from(text, 'utf8').toString('base64'), site, ctx);
}

/** `Fn::Length` of a list that resolves, items under `Fn::If` excepted (their count depends on the condition). */
export function resolveLength({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const list = resolve(argument);
  if (list.kind === 'unresolved') return unresolvedAt(site, ctx, `${name} of ${list.expression}, which cannot be resolved`);
  if (list.kind !== 'array') return invalidAt(site, ctx, `${name} needs a list, found ${list.kind}`);
  if (list.items.some((item) => item.kind === 'conditional')) {
    return unresolvedAt(site, ctx, `${name} of a list whose items depend on a condition`);
  }
  const count = list.items.filter((item) => item.kind !== 'null').length;
  return withOrigin(
    { kind: 'number', value: count, raw: String(count), ...(site.range ? { range: site.range } : {}), syntax: ctx.syntax },
    site,
    ctx,
  );
}

/** The first part of a value that is not known offline, if any. */
function firstUnknown(node: ValueNode): UnresolvedNode | ConditionalNode | undefined {
  if (node.kind === 'unresolved' || node.kind === 'conditional') return node;
  if (node.kind === 'array') return node.items.map(firstUnknown).find((n) => n !== undefined);
  if (node.kind === 'object') return node.entries.map((e) => firstUnknown(e.value)).find((n) => n !== undefined);
  return undefined;
}

/** `Fn::ToJsonString` of a mapping or list that resolves entirely: its JSON text. */
export function resolveToJsonString({ name, argument, site }: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  const value = resolve(argument);
  if (value.kind !== 'object' && value.kind !== 'array' && value.kind !== 'unresolved' && value.kind !== 'conditional') {
    return invalidAt(site, ctx, `${name} needs a mapping or a list, found ${value.kind}`);
  }
  const unknown = firstUnknown(value);
  if (unknown) {
    const what = unknown.kind === 'unresolved' ? unknown.expression : `a value under condition ${unknown.condition}`;
    return unresolvedAt(site, ctx, `${name} of a value containing ${what}, which cannot be resolved`);
  }
  return computedString(JSON.stringify(toPlain(value)), site, ctx);
}

/**
 * A key that is a parameter with other AllowedValues selects other entries of
 * the map: those entries are the value's alternatives (`!FindInMap [Modes,
 * !Ref Environment, NetworkMode]` allows every environment's mode).
 */
function withMappedAlternatives(
  value: ValueNode,
  keys: Array<string | undefined>,
  resolvedKeys: ValueNode[],
  lookup: (path: Array<string | undefined>) => ValueNode | undefined,
): ValueNode {
  const chosen = scalarText(value);
  const values: ValueNode[] = [];
  const sources: string[] = [];
  resolvedKeys.forEach((key, index) => {
    const alternatives = key.origin?.alternatives;
    if (!alternatives) return;
    for (const alternative of alternatives.values) {
      const path = [...keys];
      path[index] = scalarText(alternative);
      const other = lookup(path);
      const text = scalarText(other);
      if (!other || text === undefined || text === chosen || values.some((v) => scalarText(v) === text)) continue;
      values.push(other);
      if (!sources.includes(alternatives.source)) sources.push(alternatives.source);
    }
  });
  if (!values.length || !value.origin) return value;
  return { ...value, origin: { ...value.origin, alternatives: { values, source: `${sources.join('; ')}, through Fn::FindInMap` } } };
}
