import type { ValueNode } from '../../model/value.js';
import {
  type Call,
  type Resolve,
  resolveBase64,
  resolveFindInMap,
  resolveIf,
  resolveJoin,
  resolveSelect,
  resolveSplit,
  resolveSub,
} from './functions.js';
import { SHORT_FORM_TAGS, intrinsicCall, longFormName } from './intrinsics.js';
import { resolveRef } from './ref.js';
import { type ResolveContext, invalidAt, unresolvedAt } from './resolve-context.js';

type Evaluator = (call: Call, ctx: ResolveContext, resolve: Resolve) => ValueNode;

const EVALUATED: Record<string, Evaluator> = {
  'Fn::If': resolveIf,
  'Fn::Sub': resolveSub,
  'Fn::Join': resolveJoin,
  'Fn::Split': resolveSplit,
  'Fn::Select': resolveSelect,
  'Fn::FindInMap': resolveFindInMap,
  'Fn::Base64': resolveBase64,
};

/** Why the functions that are never evaluated stay unknown. */
const NOT_EVALUATED: Record<string, string> = {
  'Fn::GetAtt': 'Fn::GetAtt is known only after deployment',
  'Fn::ImportValue': "Fn::ImportValue reads another stack's export",
  'Fn::GetAZs': 'Fn::GetAZs depends on the deployment region',
  'Fn::Cidr': 'Fn::Cidr is not evaluated',
  'Fn::Transform': 'Fn::Transform runs a macro at deployment',
  'Fn::ToJsonString': 'Fn::ToJsonString is not evaluated',
  'Fn::Length': 'Fn::Length is not evaluated',
  Condition: 'a condition is not a property value',
  'Fn::Equals': 'a condition function is not a property value',
  'Fn::Not': 'a condition function is not a property value',
  'Fn::And': 'a condition function is not a property value',
  'Fn::Or': 'a condition function is not a property value',
};

const KNOWN = new Set<string>(SHORT_FORM_TAGS.map(longFormName));

/**
 * Replaces intrinsic function calls by what they evaluate to: literals,
 * `conditional` nodes for `Fn::If`, `null` for `AWS::NoValue`, and
 * `unresolved` nodes (with the expression as written) for the rest.
 */
export function resolveValue(node: ValueNode, ctx: ResolveContext): ValueNode {
  const resolve: Resolve = (child) => resolveValue(child, ctx);
  const call = intrinsicCall(node);
  if (call) return resolveCall({ name: call.name, argument: call.argument, site: node }, ctx, resolve);
  if (node.kind === 'object') return { ...node, entries: node.entries.map((e) => ({ ...e, value: resolve(e.value) })) };
  if (node.kind === 'array') return { ...node, items: node.items.map(resolve) };
  return node;
}

function resolveCall(call: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  if (call.name === 'Ref') {
    if (call.argument.kind !== 'string') return invalidAt(call.site, ctx, `Ref needs a parameter or resource name, found ${call.argument.kind}`);
    return resolveRef(call.argument.value, call.site, ctx);
  }
  const evaluate = EVALUATED[call.name];
  if (evaluate) return evaluate(call, ctx, resolve);
  const reason = NOT_EVALUATED[call.name];
  if (reason !== undefined) return unresolvedAt(call.site, ctx, reason);
  if (!KNOWN.has(call.name)) return invalidAt(call.site, ctx, `unknown intrinsic function ${call.name}`);
  return unresolvedAt(call.site, ctx, `${call.name} is not evaluated`);
}
