import { type ValueNode, variants } from '../../model/value.js';
import { evaluateExpr } from './module-scope.js';
import type { EvalProblem, Expansion, Scope } from './scope.js';
import type { Block } from './structure.js';

/** One instance of a resource or module call: its address suffix (`[0]`, `["api"]`) and what count/each mean in it. */
export interface Instance {
  suffix: string;
  expansion?: Expansion;
}

/** A resource or module call without count/for_each, or whose count/for_each cannot be resolved: one instance, no index. */
const SINGLE: readonly Instance[] = [{ suffix: '' }];

function keyText(key: string): string {
  return `[${JSON.stringify(key)}]`;
}

function forEachInstances(value: ValueNode): Instance[] | undefined {
  if (value.kind === 'object') {
    const last = new Map<string, ValueNode>();
    for (const e of value.entries) last.set(e.key, e.value);
    return [...last.keys()].sort().map((key) => ({
      suffix: keyText(key),
      expansion: {
        key: { kind: 'string', value: key, ...(value.range ? { range: value.range } : {}), syntax: 'hcl' },
        value: last.get(key) as ValueNode,
      },
    }));
  }
  if (value.kind === 'array') {
    // A set of strings: each.key and each.value are the string.
    const keys = new Map<string, ValueNode>();
    for (const item of value.items) {
      if (item.kind !== 'string') return undefined;
      keys.set(item.value, item);
    }
    return [...keys.keys()]
      .sort()
      .map((key) => ({ suffix: keyText(key), expansion: { key: keys.get(key) as ValueNode, value: keys.get(key) as ValueNode } }));
  }
  if (value.kind === 'null') return undefined;
  return undefined;
}

/**
 * The instances Terraform would plan for a block with `count` or `for_each`,
 * from values known offline. `count = 0` and an empty `for_each` create
 * nothing. A count or for_each chosen by an unresolved condition gives the
 * instances of every branch, so nothing that could be created goes unjudged.
 */
export function instancesOf(block: Block, scope: Scope, problems: EvalProblem[]): readonly Instance[] {
  const count = block.attributes.find((a) => a.name === 'count');
  const forEach = block.attributes.find((a) => a.name === 'for_each');
  if (count) {
    let most = -1;
    for (const variant of variants(evaluateExpr(count.expr, scope, problems))) {
      const node = variant.node;
      const n = node?.kind === 'number' ? node.value : node?.kind === 'string' && /^\d+$/.test(node.value) ? Number(node.value) : undefined;
      if (n === undefined || !Number.isInteger(n) || n < 0) return SINGLE;
      most = Math.max(most, n);
    }
    return Array.from({ length: most }, (_, i) => ({
      suffix: `[${i}]`,
      expansion: { count: { kind: 'number', value: i, raw: String(i), range: count.range, syntax: 'hcl' } },
    }));
  }
  if (forEach) {
    const seen = new Map<string, Instance>();
    for (const variant of variants(evaluateExpr(forEach.expr, scope, problems))) {
      const instances = variant.node ? forEachInstances(variant.node) : undefined;
      if (!instances) return SINGLE;
      for (const instance of instances) if (!seen.has(instance.suffix)) seen.set(instance.suffix, instance);
    }
    return [...seen.values()];
  }
  return SINGLE;
}
