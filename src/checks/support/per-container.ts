import type { EffectiveUser } from '../../model/effective-user.js';
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
import type { Severity } from '../../model/finding.js';
import { type ProposedFix, mergeFixes } from '../../model/proposed-fix.js';
import type { Violation } from '../types.js';
import type { Tri } from './tri.js';

/** An ECS field: as the report writes it and as keys from the task definition. */
export interface FieldRef {
  text: string;
  path: string[];
}

/** `['containerDefinitions', '2', 'user']` → `containerDefinitions[2].user`. */
export function formatFieldPath(path: readonly string[]): string {
  let text = '';
  for (const step of path) {
    const code = step.charCodeAt(0);
    text = code >= 48 && code <= 57 ? `${text}[${step}]` : text ? `${text}.${step}` : step;
  }
  return text;
}

/**
 * A task-level field: `taskField('runtimePlatform', 'operatingSystemFamily')`; dotted keys are split. Made once per
 * keys (checks ask for the same few for every container): field references are read, never changed.
 */
export function taskField(...keys: string[]): FieldRef {
  const id = keys.length === 1 ? (keys[0] as string) : keys.join('\u0000');
  let ref = taskFields.get(id);
  if (!ref) {
    const path = keys.some((k) => k.includes('.')) ? keys.flatMap((k) => k.split('.')) : keys;
    if (taskFields.size >= 1_000) taskFields.clear();
    taskFields.set(id, (ref = { text: formatFieldPath(path), path }));
  }
  return ref;
}

const taskFields = new Map<string, FieldRef>();

/** `runtimePlatform.operatingSystemFamily`, which the user checks read for every container: made once. */
export const OPERATING_SYSTEM_FAMILY: FieldRef = taskField('runtimePlatform', 'operatingSystemFamily');

/** The advice of an UNKNOWN user (`make it a non-root user such as "1000:1000"`), made once per user written. */
export function nonRootUserAdvice(user: string): string {
  if (user !== lastAdvisedUser) {
    lastAdvisedUser = user;
    lastUserAdvice = `make it a non-root user such as ${JSON.stringify(user)}`;
  }
  return lastUserAdvice;
}

let lastAdvisedUser: string | undefined;
let lastUserAdvice = '';

/** `networkMode`, which the host-mode checks read for every container: made once. */
export const NETWORK_MODE: FieldRef = taskField('networkMode');

/** The report fields of a violation at `ref`. */
export const fieldOf = (ref: FieldRef): Pick<Violation, 'field' | 'fieldPath'> => ({ field: ref.text, fieldPath: [...ref.path] });

/** A field a check reads: its value and its ECS path (for the report). */
export interface Input {
  node: ValueNode | undefined;
  field: FieldRef;
  /** For an UNKNOWN blamed on this input: what to make the value (`make it false`). */
  advice?: string;
}

/** Where a per-container verdict is, for a check's fix: the container, the input that decided it, the values. */
export interface FixPlace<K extends string> {
  container: ContainerDefinition;
  culprit: K;
}

export type Values<K extends string> = Record<K, Variant['node']>;

export interface Verdict<K extends string> {
  value: Tri;
  explanation: string;
  /** The input whose value decided the verdict; its location is reported. */
  culprit: K;
  notes?: string[];
  /** Overrides the check's severity for this verdict. */
  severity?: Severity;
  /**
   * For a verdict with several independent reasons (privileged, root user): each
   * reason and the input behind it, and how a subset of them is worded. A reason
   * that holds on every branch is then stated without the condition.
   */
  reasons?: Array<{ text: string; culprit: K }>;
  compose?: (texts: string[]) => string;
  /** Whom the container runs as (user checks, when image users were resolved). */
  effectiveUser?: EffectiveUser;
}

interface Combination<K extends string> {
  values: Values<K>;
  assumptions: Assumption[];
}

function combinations<K extends string>(inputs: Record<K, Input>, base: Assumption[]): Combination<K>[] {
  const keys = Object.keys(inputs) as K[];
  // Every combination holds the container's own assumptions: none is possible when they contradict each other.
  if (keys.length && base.length > 1 && !consistent(base)) return [];
  let result: Combination<K>[] = [{ values: {} as Values<K>, assumptions: base }];
  for (const key of keys) {
    const node = inputs[key].node;
    // A value without a condition (most of them): every combination takes it as it is, with no new assumption. Each
    // combination has a values record of its own, so it is filled in place (run for every input of every container).
    if (node === undefined || node.kind !== 'conditional') {
      for (const partial of result) partial.values[key] = node;
      continue;
    }
    const next: Combination<K>[] = [];
    for (const partial of result) {
      for (const v of variants(node)) {
        const assumptions = [...partial.assumptions, ...v.assumptions];
        if (!consistent(assumptions)) continue;
        // A copy with one more key, built key by key: a copy made by spreading grows slowly in V8 11.
        const values = {} as Values<K>;
        for (const k in partial.values) values[k] = partial.values[k];
        values[key] = v.node;
        next.push({ values, assumptions });
      }
    }
    result = next;
  }
  return result;
}

/**
 * The field of a container's key (dotted keys are split); N is the container's position in the list as written.
 * A one-key field is made once per position and key (every check asks for it, for every container): field
 * references are read, never changed.
 */
export function containerField(container: ContainerDefinition, ...keys: string[]): FieldRef {
  if (keys.length !== 1 || container.sourceIndex >= MAX_SHARED_FIELD_INDEX)
    return makeContainerField(container.sourceIndex, keys.length === 1 ? (keys[0] as string).split('.') : keys);
  const key = keys[0] as string;
  const byKey = (containerFields[container.sourceIndex] ??= new Map<string, FieldRef>());
  let ref = byKey.get(key);
  if (!ref) {
    if (byKey.size >= 1_000) byKey.clear();
    byKey.set(key, (ref = makeContainerField(container.sourceIndex, key.split('.'))));
  }
  return ref;
}

/** One-key container fields by source index (below MAX_SHARED_FIELD_INDEX; others are made each time) and key. */
const containerFields: Array<Map<string, FieldRef>> = [];
const MAX_SHARED_FIELD_INDEX = 256;

function makeContainerField(sourceIndex: number, below: string[]): FieldRef {
  return {
    text: `containerDefinitions[${sourceIndex}].${formatFieldPath(below)}`,
    path: ['containerDefinitions', String(sourceIndex), ...below],
  };
}

export function when(assumptions: readonly Assumption[]): string {
  return assumptions.length ? ` when ${describeAssumptions(assumptions)}` : '';
}

/** Assumptions as a map, without repeats. */
function assumptionMap(assumptions: readonly Assumption[]): Map<string, boolean> {
  return new Map(assumptions.map((a) => [a.condition, a.outcome]));
}

function toAssumptions(map: Map<string, boolean>): Assumption[] {
  return [...map].map(([condition, outcome]) => ({ condition, outcome }));
}

/**
 * The conditions under which a verdict holds, as the message should state them.
 * When every combination gives it, none but `base` (the container's own
 * existence); otherwise those every matching combination shares, or, when they
 * share nothing beyond `base`, the first matching combination's.
 */
export function conditionsOf(
  matching: ReadonlyArray<{ assumptions: readonly Assumption[] }>,
  total: number,
  base: readonly Assumption[],
): Assumption[] {
  if (matching.length === total && base.length === 0) return [];
  const baseMap = assumptionMap(base);
  if (matching.length === total) return toAssumptions(baseMap);
  const [first, ...rest] = matching.map((m) => assumptionMap(m.assumptions));
  if (!first) return toAssumptions(baseMap);
  const shared = new Map([...first].filter(([c, o]) => rest.every((m) => m.get(c) === o)));
  return toAssumptions(shared.size > baseMap.size ? shared : first);
}

interface Judged {
  status: 'FAIL' | 'UNKNOWN' | 'NOTE';
  text: string;
  field: FieldRef;
  /** The input that decided the verdict, for the check's fix. */
  culprit?: string;
  advice?: string;
  container: ContainerDefinition;
  node?: ValueNode;
  assumptions: Assumption[];
  severity?: Severity;
  /** Merged from other branches (see mergeBranches). */
  sameAs?: Judged[];
  effectiveUser?: EffectiveUser;
}

/**
 * Judges every value combination a container's inputs can take (CloudFormation
 * `!If`, HCL conditionals): FAIL if any combination fails, UNKNOWN if none fails
 * but one cannot be decided, otherwise PASS with any notes. A verdict that holds
 * whatever a condition says is stated without it, and the same verdict on the
 * two branches of a conditional container list is reported once.
 */
export function judgeEachContainer<K extends string>(
  taskDefinition: TaskDefinition,
  inputsOf: (container: ContainerDefinition) => Record<K, Input>,
  judge: (values: Values<K>, container: ContainerDefinition) => Verdict<K>,
  /** The check's fix for a failing container (called for every branch a merged verdict covers). */
  fix?: (place: FixPlace<K>) => ProposedFix | undefined,
): Violation[] {
  const violations = containerListProblems(taskDefinition);
  const judged: Judged[] = [];
  for (const container of taskDefinition.containers) {
    const inputs = inputsOf(container);
    // Runs for every container of every definition: one pass, and records built as literals (an object made by
    // spreading another and then given a key is slow in V8 11).
    const verdicts: Array<Judgement<K>> = [];
    let failing: Array<Judgement<K>> | undefined;
    let unknown: Array<Judgement<K>> | undefined;
    for (const c of combinations(inputs, container.assumptions)) {
      const judgement: Judgement<K> = { values: c.values, assumptions: c.assumptions, verdict: judge(c.values, container) };
      verdicts.push(judgement);
      if (judgement.verdict.value === true) (failing ??= []).push(judgement);
      else if (judgement.verdict.value === 'unknown') (unknown ??= []).push(judgement);
    }
    const matching = failing ?? unknown;
    if (matching) {
      judged.push(describeMatching(matching, verdicts.length, container, inputs));
      continue;
    }
    // Most passing containers have no note: the list is made only when one has.
    let noted: Array<Judgement<K>> | undefined;
    for (const v of verdicts) if (v.verdict.notes?.length) (noted ??= []).push(v);
    const first = noted?.[0];
    const allowed = allowedFailure(inputs, verdicts, judge, container);
    if (allowed) {
      const also = first ? `; note: ${(first.verdict.notes ?? []).join('; ')}` : '';
      judged.push({
        status: 'NOTE',
        text: `${allowed.text}${also}`,
        field: allowed.field,
        container,
        ...(allowed.node ? { node: allowed.node } : {}),
        assumptions: allowed.assumptions,
      });
      continue;
    }
    if (first) {
      const node = first.values[first.verdict.culprit];
      const note: Judged = {
        status: 'NOTE',
        text: (first.verdict.notes ?? []).join('; '),
        field: inputs[first.verdict.culprit].field,
        container,
        assumptions: conditionsOf(noted as Array<Judgement<K>>, verdicts.length, container.assumptions),
      };
      if (node) note.node = node;
      if (first.verdict.effectiveUser) note.effectiveUser = first.verdict.effectiveUser;
      judged.push(note);
    }
  }
  for (const j of judged.length > 1 ? mergeBranches(judged) : judged) {
    const proposed =
      fix && j.status === 'FAIL' && j.culprit !== undefined
        ? j.sameAs?.length
          ? mergeFixes(...[j, ...j.sameAs].map((p) => fix({ container: p.container, culprit: (p.culprit ?? j.culprit) as K })))
          : mergeFixes(fix({ container: j.container, culprit: j.culprit as K }))
        : undefined;
    // The keys in the order of the violation's type, set one by one (see above).
    const violation: Violation = {
      status: j.status,
      message: `container ${JSON.stringify(j.container.name)}: ${j.text}${when(j.assumptions)}`,
      field: j.field.text,
      fieldPath: [...j.field.path],
      container: j.container,
    };
    if (j.node) violation.node = j.node;
    if (j.severity) violation.severity = j.severity;
    if (j.sameAs?.length) {
      violation.sameAs = j.sameAs.map((o) =>
        o.node ? { field: o.field.text, container: o.container, node: o.node } : { field: o.field.text, container: o.container },
      );
    }
    if (j.effectiveUser) violation.effectiveUser = j.effectiveUser;
    if (proposed) violation.fix = proposed;
    if (j.status === 'UNKNOWN' && j.advice) violation.advice = j.advice;
    violations.push(violation);
  }
  return violations;
}

/**
 * What every container check reports before reading any container: an ERROR per
 * unreadable container list element, UNKNOWN for a list that cannot be resolved.
 */
export function containerListProblems(taskDefinition: TaskDefinition): Violation[] {
  const violations: Violation[] = [];
  for (const unreadable of taskDefinition.unreadableContainers ?? []) {
    violations.push({
      status: 'ERROR',
      message: `not evaluated: ${unreadable.message}`,
      ...fieldOf(taskField('containerDefinitions')),
      ...(unreadable.node ? { node: unreadable.node } : {}),
    });
  }
  if (taskDefinition.unresolvedContainers) {
    violations.push({
      status: 'UNKNOWN',
      message: `container definitions are ${describeValue(taskDefinition.unresolvedContainers)}, which cannot be resolved`,
      ...fieldOf(taskField('containerDefinitions')),
      advice: 'make the list literal so it can be checked',
      node: taskDefinition.unresolvedContainers,
    });
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
  judge: (values: Values<K>, container: ContainerDefinition) => Verdict<K>,
  container: ContainerDefinition,
): { text: string; field: FieldRef; node: ValueNode | undefined; assumptions: Assumption[] } | undefined {
  // Most values allow nothing else: no substitution to try (checked first, for every passing container).
  let alternatives = false;
  for (const { values } of combinations) {
    for (const key in values) {
      if (values[key]?.origin?.alternatives) {
        alternatives = true;
        break;
      }
    }
    if (alternatives) break;
  }
  if (!alternatives) return undefined;
  for (const { values, assumptions } of combinations) {
    // Each input: its value as checked, then the values its definition also allows.
    let choices: Array<Array<{ key: K; alternative: Values<K>[K]; source: string }>> = [[]];
    for (const key of Object.keys(inputs) as K[]) {
      const alternatives = values[key]?.origin?.alternatives;
      if (!alternatives) continue;
      const options = alternatives.values.filter((v): v is Exclude<ValueNode, ConditionalNode> => v.kind !== 'conditional');
      choices = choices.flatMap((chosen) => [
        chosen,
        ...options.map((alternative) => [...chosen, { key, alternative, source: alternatives.source }]),
      ]);
      if (choices.length > MAX_ALTERNATIVE_COMBINATIONS) choices = choices.slice(0, MAX_ALTERNATIVE_COMBINATIONS);
    }
    // Fewest substitutions first: the simplest deployment that fails.
    for (const chosen of choices.filter((c) => c.length).sort((a, b) => a.length - b.length)) {
      const substituted = { ...values };
      for (const { key, alternative } of chosen) substituted[key] = alternative;
      const verdict = judge(substituted, container);
      if (verdict.value !== true) continue;
      const allows = chosen.map(({ key, alternative, source }) => {
        const path = inputs[key].field.path;
        return `${path[path.length - 1] ?? ''} allows ${describeValue(alternative)} (${source})`;
      });
      const under = chosen.map(({ alternative }) => describeValue(alternative)).join(' and ');
      const first = chosen[0];
      if (!first) continue;
      return {
        text: `${allows.join(' and ')}; under ${under}, ${verdict.explanation}`,
        field: inputs[first.key].field,
        node: values[first.key],
        assumptions,
      };
    }
  }
  return undefined;
}

type Judgement<K extends string> = Combination<K> & { verdict: Verdict<K> };

/**
 * Words the verdict the matching combinations share. When every combination
 * fails, the reasons they all give are stated without conditions; otherwise
 * the wording that needs the fewest conditions (first on a tie), with them.
 */
function describeMatching<K extends string>(
  matching: Judgement<K>[],
  total: number,
  container: ContainerDefinition,
  inputs: Record<K, Input>,
): Judged {
  const build = (verdict: Verdict<K>, values: Values<K>, explanation: string, culprit: K, assumptions: Assumption[]): Judged => {
    const node = values[culprit];
    const notes = verdict.notes?.length ? `; note: ${verdict.notes.join('; ')}` : '';
    const judged: Judged = {
      status: verdict.value === true ? 'FAIL' : 'UNKNOWN',
      text: `${explanation}${notes}`,
      field: inputs[culprit].field,
      culprit,
      container,
      assumptions,
    };
    if (inputs[culprit].advice) judged.advice = inputs[culprit].advice;
    if (node) judged.node = node;
    if (verdict.value === true && verdict.severity) judged.severity = verdict.severity;
    if (verdict.effectiveUser) judged.effectiveUser = verdict.effectiveUser;
    return judged;
  };
  const first = matching[0] as Judgement<K>;
  // One matching combination (a container without conditions): its own verdict, as the grouping below would choose.
  if (matching.length === 1) {
    return build(
      first.verdict,
      first.values,
      first.verdict.explanation,
      first.verdict.culprit,
      conditionsOf(matching, total, container.assumptions),
    );
  }
  const groups = new Map<string, Judgement<K>[]>();
  for (const m of matching) {
    const key = `${m.verdict.culprit}|${m.verdict.explanation}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  if (matching.length === total && groups.size > 1 && first.verdict.reasons && first.verdict.compose) {
    const shared = first.verdict.reasons.filter((r) =>
      matching.every((m) => m.verdict.reasons?.some((o) => o.text === r.text && o.culprit === r.culprit)),
    );
    const lead = shared[0];
    if (lead) {
      return build(
        first.verdict,
        first.values,
        first.verdict.compose(shared.map((r) => r.text)),
        lead.culprit,
        conditionsOf(matching, total, container.assumptions),
      );
    }
  }
  let best: { group: Judgement<K>[]; assumptions: Assumption[] } | undefined;
  for (const group of groups.values()) {
    const assumptions = conditionsOf(group, total, container.assumptions);
    if (!best || assumptions.length < best.assumptions.length) best = { group, assumptions };
  }
  const chosen = best?.group[0] ?? first;
  return build(chosen.verdict, chosen.values, chosen.verdict.explanation, chosen.verdict.culprit, best?.assumptions ?? []);
}

/**
 * Merges the same verdict on the same container reached under opposite outcomes
 * of one condition (`c ? [app] : [app]`): it does not depend on that condition.
 * The first occurrence (its location) stays.
 */
function mergeBranches(judged: Judged[]): Judged[] {
  // A task definition's handful of containers: pairwise, as is (this runs for every definition and check).
  if (judged.length <= SMALL_LIST) return mergeAlike(judged).map((m) => m.judged);
  // Only verdicts alike in all but their conditions merge: each such group on its own (pairs across 10,000 containers
  // were 50 million comparisons), survivors in their first place.
  const groups = new Map<string, number[]>();
  judged.forEach((j, index) => {
    const key = `${j.status}\0${j.text}\0${j.field.text}\0${j.container.name}`;
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  if (groups.size === judged.length) return [...judged];
  const survivors: Array<{ index: number; judged: Judged }> = [];
  for (const indexes of groups.values()) {
    if (indexes.length === 1) {
      const index = indexes[0] as number;
      survivors.push({ index, judged: judged[index] as Judged });
      continue;
    }
    const merged = mergeAlike(indexes.map((i) => judged[i] as Judged));
    merged.forEach((m) => survivors.push({ index: indexes[m.at] as number, judged: m.judged }));
  }
  return survivors.sort((a, b) => a.index - b.index).map((s) => s.judged);
}

const SMALL_LIST = 32;

/** Merges verdicts pairwise until none merge; `at` is each survivor's place in `judged`. */
function mergeAlike(judged: Judged[]): Array<{ at: number; judged: Judged }> {
  const out = judged.map((j, at) => ({ at, judged: j }));
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length && !merged; j++) {
        const a = (out[i] as { judged: Judged }).judged;
        const b = (out[j] as { judged: Judged }).judged;
        if (a.status !== b.status || a.text !== b.text || a.field.text !== b.field.text || a.container.name !== b.container.name) continue;
        const without = complementary(a.assumptions, b.assumptions);
        if (without === undefined) continue;
        (out[i] as { judged: Judged }).judged = {
          ...a,
          assumptions: without,
          sameAs: [...(a.sameAs ?? []), { ...b, sameAs: [] }, ...(b.sameAs ?? [])],
        };
        out.splice(j, 1);
        merged = true;
      }
    }
  }
  return out;
}

/** When two assumption sets differ only in one condition's outcome, the set without it. */
function complementary(a: readonly Assumption[], b: readonly Assumption[]): Assumption[] | undefined {
  const ma = assumptionMap(a);
  const mb = assumptionMap(b);
  if (ma.size !== mb.size) return undefined;
  let differing: string | undefined;
  for (const [condition, outcome] of ma) {
    const other = mb.get(condition);
    if (other === undefined) return undefined;
    if (other !== outcome) {
      if (differing !== undefined) return undefined;
      differing = condition;
    }
  }
  if (differing === undefined) return undefined;
  ma.delete(differing);
  return toAssumptions(ma);
}
