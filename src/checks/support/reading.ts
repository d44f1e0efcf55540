import { type ValueNode, type Variant, booleanValue, describeValue, field, scalarText, variants } from '../../model/value.js';
import type { ProposedFix } from '../../model/proposed-fix.js';
import { type FieldRef, conditionsOf, fieldOf, when } from './per-container.js';
import type { Tri } from './tri.js';
import type { Violation } from '../types.js';

type Concrete = Variant['node'];

/**
 * The value at `path` under `node`, as one node a per-container judgement can
 * expand: a conditional on the way becomes a conditional of the values at the
 * end of each branch, and an unresolved value on the way stands for the whole
 * path (the judgement then says it cannot be resolved).
 */
export function expandPath(node: ValueNode | undefined, path: readonly string[]): ValueNode | undefined {
  if (path.length === 0 || node === undefined) return node;
  const [step, ...rest] = path as [string, ...string[]];
  switch (node.kind) {
    case 'object':
      return expandPath(field(node, step), rest);
    case 'conditional': {
      const whenTrue = expandPath(node.whenTrue, path);
      const whenFalse = expandPath(node.whenFalse, path);
      if (whenTrue === undefined && whenFalse === undefined) return undefined;
      return {
        kind: 'conditional',
        condition: node.condition,
        whenTrue: whenTrue ?? { kind: 'null' },
        whenFalse: whenFalse ?? { kind: 'null' },
      };
    }
    case 'null':
      return undefined;
    default:
      // An unresolved or mistyped value on the way: the verdict depends on it.
      return node;
  }
}

/** One element of a list, reduced to the text it has in every branch, or why it has none. */
export type Element = { text: string; node: ValueNode } | { unknown: string; node: ValueNode };

/** The elements of a list value; `undefined` items (an unresolved list) are reported by the caller. */
export function textElements(list: Extract<Concrete, { kind: 'array' }>): Element[] {
  return list.items.map((item) => {
    const texts = new Set(variants(item).map((v) => (v.node?.kind === 'string' ? v.node.value : undefined)));
    const [only] = [...texts];
    if (texts.size === 1 && only !== undefined) return { text: only, node: item };
    return { unknown: `${describeValue(item)}, which cannot be resolved`, node: item };
  });
}

/** A capability as Docker compares it: upper case, without the optional CAP_ prefix. */
export function capabilityName(text: string): string {
  const upper = text.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** Is the container privileged? Unresolved is unknown; anything but true is not. */
export function privilegedTri(node: Concrete): Tri {
  if (node === undefined || node.kind === 'null') return false;
  if (node.kind === 'unresolved') return 'unknown';
  const flag = booleanValue(node);
  return flag === undefined ? 'unknown' : flag;
}

/** Lowercased text of a scalar, for enum-like fields (ENABLED, host). */
export function enumText(node: Concrete): string | undefined {
  const text = scalarText(node);
  return text === undefined ? undefined : text.trim().toLowerCase();
}

/**
 * A task-level check of one field: FAIL if any branch fails, else UNKNOWN if
 * any branch cannot be decided. `judge` explains one concrete value.
 */
export function judgeTaskField(
  node: ValueNode | undefined,
  ref: FieldRef,
  judge: (value: Concrete) => { value: Tri; explanation: string },
  how: { advice?: string; fix?: (node: ValueNode | undefined) => ProposedFix | undefined } = {},
): Violation[] {
  const outcomes = variants(node).map((v) => ({ ...v, judgement: judge(v.node) }));
  const failing = outcomes.filter((o) => o.judgement.value === true);
  const matching = failing.length ? failing : outcomes.filter((o) => o.judgement.value === 'unknown');
  const decisive = matching[0];
  if (!decisive) return [];
  const fails = decisive.judgement.value === true;
  const fix = fails ? how.fix?.(node) : undefined;
  return [
    {
      status: fails ? 'FAIL' : 'UNKNOWN',
      message: `${decisive.judgement.explanation}${when(conditionsOf(matching, outcomes.length, []))}`,
      ...fieldOf(ref),
      ...(decisive.node ? { node: decisive.node } : {}),
      ...(fix ? { fix } : {}),
      ...(!fails && how.advice ? { advice: how.advice } : {}),
    },
  ];
}

/** Judges a namespace mode (pidMode, ipcMode): host fails, anything else passes. */
export function judgeHostMode(name: string, node: Concrete): { value: Tri; explanation: string } {
  if (node === undefined || node.kind === 'null')
    return { value: false, explanation: `${name} is not set (each task gets its own namespace)` };
  if (node.kind === 'unresolved') return { value: 'unknown', explanation: `${name} is ${describeValue(node)}, which cannot be resolved` };
  const text = scalarText(node);
  if (text === undefined) return { value: 'unknown', explanation: `${name} is ${describeValue(node)}, which is not a string` };
  return { value: text.trim().toLowerCase() === 'host', explanation: `${name} is ${JSON.stringify(text)}` };
}
