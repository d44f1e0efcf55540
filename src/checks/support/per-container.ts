import type { ContainerDefinition, TaskDefinition } from '../../model/task-definition.js';
import {
  type Assumption,
  type ConditionalNode,
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
  judge: (values: Values<K>) => Verdict<K>,
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
    const verdicts = combinations(inputs, container.assumptions).map((c) => ({ ...c, verdict: judge(c.values) }));
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
      });
      continue;
    }
    const noted = verdicts.find((v) => v.verdict.notes?.length);
    const allowed = allowedFailure(inputs, verdicts, judge);
    if (allowed) {
      const also = noted ? `; note: ${(noted.verdict.notes ?? []).join('; ')}${when(noted.assumptions)}` : '';
      violations.push({ status: 'NOTE', message: `${prefix}${allowed.message}${also}`, field: allowed.field, container, ...(allowed.node ? { node: allowed.node } : {}) });
      continue;
    }
    if (noted) {
      const node = noted.values[noted.verdict.culprit];
      violations.push({
        status: 'NOTE',
        message: `${prefix}${(noted.verdict.notes ?? []).join('; ')}${when(noted.assumptions)}`,
        field: inputs[noted.verdict.culprit].field,
        container,
        ...(node ? { node } : {}),
      });
    }
  }
  return violations;
}

/** Bounds the value combinations tried from AllowedValues lists. */
const MAX_ALTERNATIVE_COMBINATIONS = 64;

/**
 * Values the definition allows instead of the ones checked (a parameter's
 * AllowedValues), alone or together, under which the container would fail:
 * it passes as written, but a deployment can choose otherwise.
 */
function allowedFailure<K extends string>(
  inputs: Record<K, Input>,
  combinations: Array<Combination<K>>,
  judge: (values: Values<K>) => Verdict<K>,
): { message: string; field: string; node: ValueNode | undefined } | undefined {
  for (const { values, assumptions } of combinations) {
    // Each input: its value as checked, then the values its definition also allows.
    let choices: Array<Array<{ key: K; alternative: Values<K>[K]; source: string }>> = [[]];
    for (const key of Object.keys(inputs) as K[]) {
      const alternatives = values[key]?.origin?.alternatives;
      if (!alternatives) continue;
      const options = alternatives.values.filter((v): v is Exclude<ValueNode, ConditionalNode> => v.kind !== 'conditional');
      choices = choices.flatMap((chosen) => [chosen, ...options.map((alternative) => [...chosen, { key, alternative, source: alternatives.source }])]);
      if (choices.length > MAX_ALTERNATIVE_COMBINATIONS) choices = choices.slice(0, MAX_ALTERNATIVE_COMBINATIONS);
    }
    // Fewest substitutions first: the simplest deployment that fails.
    for (const chosen of choices.filter((c) => c.length).sort((a, b) => a.length - b.length)) {
      const substituted = { ...values };
      for (const { key, alternative } of chosen) substituted[key] = alternative;
      const verdict = judge(substituted);
      if (verdict.value !== true) continue;
      const allows = chosen.map(({ key, alternative, source }) => {
        const field = inputs[key].field;
        return `${field.slice(field.lastIndexOf('.') + 1)} allows ${describeValue(alternative)} (${source})`;
      });
      const under = chosen.map(({ alternative }) => describeValue(alternative)).join(' and ');
      const first = chosen[0];
      if (!first) continue;
      return {
        message: `${allows.join(' and ')}; under ${under}, ${verdict.explanation}${when(assumptions)}`,
        field: inputs[first.key].field,
        node: values[first.key],
      };
    }
  }
  return undefined;
}
