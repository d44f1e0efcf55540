import type { EffectiveUser } from '../../model/effective-user.js';
import type { ContainerDefinition, TaskDefinition } from '../../model/task-definition.js';
import {
  type Assumption,
  type ValueNode,
  type Variant,
  consistent,
  describeAssumptions,
  describeValue,
  variants,
} from '../../model/value.js';
import type { Violation } from '../types.js';
import type { Tri } from './tri.js';

/** A field a check reads: its value and its ECS path (for the report). */
export interface Input {
  node: ValueNode | undefined;
  field: string;
}

export type Values<K extends string> = Record<K, Variant['node']>;

export interface Verdict<K extends string> {
  value: Tri;
  explanation: string;
  /** The input whose value decided the verdict; its location is reported. */
  culprit: K;
  notes?: string[];
  /** Whom the container runs as (user checks, when image users were resolved). */
  effectiveUser?: EffectiveUser;
}

interface Combination<K extends string> {
  values: Values<K>;
  assumptions: Assumption[];
}

function combinations<K extends string>(inputs: Record<K, Input>, base: Assumption[]): Combination<K>[] {
  let result: Combination<K>[] = [{ values: {} as Values<K>, assumptions: base }];
  for (const key of Object.keys(inputs) as K[]) {
    const next: Combination<K>[] = [];
    for (const partial of result) {
      for (const v of variants(inputs[key].node)) {
        const assumptions = [...partial.assumptions, ...v.assumptions];
        if (!consistent(assumptions)) continue;
        next.push({ values: { ...partial.values, [key]: v.node }, assumptions });
      }
    }
    result = next;
  }
  return result;
}

export const containerField = (container: ContainerDefinition, key: string): string =>
  `containerDefinitions[${container.index}].${key}`;

function when(assumptions: Assumption[]): string {
  return assumptions.length ? ` when ${describeAssumptions(assumptions)}` : '';
}

/**
 * Judges every value combination a container's inputs can take (CloudFormation
 * `!If`, HCL conditionals): FAIL if any combination fails, UNKNOWN if none fails
 * but one cannot be decided, otherwise PASS with any notes.
 */
export function judgeEachContainer<K extends string>(
  taskDefinition: TaskDefinition,
  inputsOf: (container: ContainerDefinition) => Record<K, Input>,
  judge: (values: Values<K>, container: ContainerDefinition) => Verdict<K>,
): Violation[] {
  const violations: Violation[] = [];
  if (taskDefinition.unresolvedContainers) {
    violations.push({
      status: 'UNKNOWN',
      message: `container definitions are ${describeValue(taskDefinition.unresolvedContainers)}, which cannot be resolved`,
      field: 'containerDefinitions',
      node: taskDefinition.unresolvedContainers,
    });
  }
  for (const container of taskDefinition.containers) {
    const inputs = inputsOf(container);
    const verdicts = combinations(inputs, container.assumptions).map((c) => ({ ...c, verdict: judge(c.values, container) }));
    const decisive = verdicts.find((v) => v.verdict.value === true) ?? verdicts.find((v) => v.verdict.value === 'unknown');
    const prefix = `container ${JSON.stringify(container.name)}: `;
    if (decisive) {
      const { verdict, values, assumptions } = decisive;
      const node = values[verdict.culprit];
      const notes = verdict.notes?.length ? `; note: ${verdict.notes.join('; ')}` : '';
      violations.push({
        status: verdict.value === true ? 'FAIL' : 'UNKNOWN',
        message: `${prefix}${verdict.explanation}${when(assumptions)}${notes}`,
        field: inputs[verdict.culprit].field,
        container,
        ...(node ? { node } : {}),
        ...(verdict.effectiveUser ? { effectiveUser: verdict.effectiveUser } : {}),
      });
      continue;
    }
    const noted = verdicts.find((v) => v.verdict.notes?.length);
    if (noted) {
      const node = noted.values[noted.verdict.culprit];
      violations.push({
        status: 'NOTE',
        message: `${prefix}${(noted.verdict.notes ?? []).join('; ')}${when(noted.assumptions)}`,
        field: inputs[noted.verdict.culprit].field,
        container,
        ...(node ? { node } : {}),
        ...(noted.verdict.effectiveUser ? { effectiveUser: noted.verdict.effectiveUser } : {}),
      });
    }
  }
  return violations;
}
