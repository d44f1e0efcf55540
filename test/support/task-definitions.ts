import { normalizeTaskDefinition, type TaskDefinition } from '../../src/model/task-definition.js';
import { type ObjectNode, type ValueNode, fromPlain } from '../../src/model/value.js';

/** Builds a model task definition from plain JSON, as the JSON source would (without positions). */
export function taskDefinition(plain: Record<string, unknown>, id = 'test'): TaskDefinition {
  const body = fromPlain(plain) as ObjectNode;
  const { taskDefinition, problems } = normalizeTaskDefinition({ kind: 'file', source: 'json', id }, body);
  if (!taskDefinition) throw new Error(`fixture does not normalize: ${problems.map((p) => p.message).join('; ')}`);
  return taskDefinition;
}

/** Replaces one container field with a hand-built node (unresolved, conditional…). */
export function withContainerField(td: TaskDefinition, index: number, key: string, node: ValueNode): TaskDefinition {
  const container = td.containers[index];
  if (!container) throw new Error(`no container #${index}`);
  container.node.entries = [...container.node.entries.filter((e) => e.key !== key), { key, sourceKey: key, value: node }];
  return td;
}

export const unresolved = (expression: string): ValueNode => ({ kind: 'unresolved', expression });
export const conditional = (condition: string, whenTrue: ValueNode, whenFalse: ValueNode): ValueNode => ({
  kind: 'conditional',
  condition,
  whenTrue,
  whenFalse,
});
export const str = (value: string): ValueNode => ({ kind: 'string', value });
export const num = (raw: string): ValueNode => ({ kind: 'number', value: Number(raw), raw });
export const bool = (value: boolean): ValueNode => ({ kind: 'boolean', value });
