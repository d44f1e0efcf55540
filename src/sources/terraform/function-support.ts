import type { SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import type { EvalContext } from './scope.js';
import { failed, isEvaluationError, jsonEncodedText, liftConditionals, unresolved, unresolvedLike } from './values.js';

export interface Call {
  name: string;
  text: string;
  range: SourceRange;
  ctx: EvalContext;
}

export type Implementation = (args: ValueNode[], call: Call) => ValueNode;

export const fail = (call: Call, reason: string): ValueNode => unresolved(call.text, reason, call.range);

/** A call Terraform would reject with these arguments: an error for try()/can(), unresolved for the checks. */
export const reject = (call: Call, reason: string): ValueNode => failed(call.text, reason, call.range);

export function scalar(value: ValueNode): string | undefined {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'number') return value.raw;
  if (value.kind === 'boolean') return String(value.value);
  // jsonencode() returns a string: its text, for the string functions given one.
  return jsonEncodedText(value);
}

/** Functions whose arguments must be concrete at the top level (no unresolved value). */
export function strict(implementation: Implementation): Implementation {
  return (args, call) =>
    liftConditionals(args, (values) => {
      const missing = values.find((v) => v.kind === 'unresolved');
      if (missing?.kind === 'unresolved')
        return unresolvedLike(missing, call.text, missing.reason ?? `${missing.expression} cannot be resolved`, call.range);
      return implementation(values, call);
    });
}

export function stringResult(value: string, call: Call): ValueNode {
  return { kind: 'string', value, range: call.range, syntax: 'hcl' };
}

/** Whether a value Terraform would reject (try() moves on, can() is false). */
export const isError = isEvaluationError;
