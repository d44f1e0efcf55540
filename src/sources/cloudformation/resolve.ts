import type { ScanError } from '../../model/finding.js';
import { type ObjectEntry, type ValueNode, field, scalarText } from '../../model/value.js';
import {
  type Call,
  type Resolve,
  resolveBase64,
  resolveFindInMap,
  resolveIf,
  resolveJoin,
  resolveLength,
  resolveSelect,
  resolveSplit,
  resolveSub,
  resolveToJsonString,
} from './functions.js';
import { withEntries, withItems, withValue } from './ecs-keys.js';
import { FOR_EACH_PREFIX, RULES_FUNCTIONS, SHORT_FORM_TAGS, intrinsicCall, longFormName } from './intrinsics.js';
import { resolveRef } from './ref.js';
import { expandLoops, notSupportedOffline } from './for-each.js';
import { type ResolveContext, invalidAt, unresolvedAt, unsupportedAt } from './resolve-context.js';

type Evaluator = (call: Call, ctx: ResolveContext, resolve: Resolve) => ValueNode;

const EVALUATED: Record<string, Evaluator> = {
  'Fn::If': resolveIf,
  'Fn::Sub': resolveSub,
  'Fn::Join': resolveJoin,
  'Fn::Split': resolveSplit,
  'Fn::Select': resolveSelect,
  'Fn::FindInMap': resolveFindInMap,
  'Fn::Base64': resolveBase64,
  'Fn::Length': resolveLength,
  'Fn::ToJsonString': resolveToJsonString,
};

/** Why the functions that are never evaluated stay unknown. */
const NOT_EVALUATED: Record<string, string> = {
  'Fn::GetAtt': 'Fn::GetAtt is known only after deployment',
  'Fn::ImportValue': "Fn::ImportValue reads another stack's export",
  'Fn::GetAZs': 'Fn::GetAZs depends on the deployment region',
  'Fn::GetStackOutput': "Fn::GetStackOutput reads another stack's output",
  'Fn::Cidr': 'Fn::Cidr gives subnet address blocks, which no check reads',
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
  // One resolver per call, shared by the whole walk (a closure per node was a measurable share of the cost).
  const resolve: Resolve = (child) => resolveNode(child, ctx, resolve);
  return resolveNode(node, ctx, resolve);
}

function resolveNode(node: ValueNode, ctx: ResolveContext, resolve: Resolve): ValueNode {
  if (node.kind === 'object') {
    // Loops first: `{Fn::ForEach::X: …}` alone looks like a function call.
    if (hasLoop(node.entries)) return resolve(expandLoops(node, ctx, resolve));
    const call = intrinsicCall(node);
    if (call) return resolveCall({ name: call.name, argument: call.argument, site: node }, ctx, resolve);
    // A subtree without intrinsics is returned as it is (trees are never mutated): no copy per node.
    let entries: ObjectEntry[] | undefined;
    for (let i = 0; i < node.entries.length; i++) {
      const e = node.entries[i] as ObjectEntry;
      const value = resolveNode(e.value, ctx, resolve);
      if (value === e.value) continue;
      entries ??= node.entries.slice();
      entries[i] = withValue(e, value);
    }
    return entries ? withEntries(node, entries) : node;
  }
  if (node.kind === 'array') {
    let items: ValueNode[] | undefined;
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as ValueNode;
      const value = resolveNode(item, ctx, resolve);
      if (value === item) continue;
      items ??= node.items.slice();
      items[i] = value;
    }
    return items ? withItems(node, items) : node;
  }
  return node;
}

function hasLoop(entries: readonly ObjectEntry[]): boolean {
  for (let i = 0; i < entries.length; i++) if ((entries[i] as ObjectEntry).key.startsWith(FOR_EACH_PREFIX)) return true;
  return false;
}

function resolveCall(call: Call, ctx: ResolveContext, resolve: Resolve): ValueNode {
  if (call.name === 'Ref') {
    if (call.argument.kind !== 'string')
      return invalidAt(call.site, ctx, `Ref needs a parameter or resource name, found ${call.argument.kind}`);
    return resolveRef(call.argument.value, call.site, ctx);
  }
  if (call.name === 'Fn::Transform') {
    const macro = scalarText(field(call.argument, 'Name'));
    return unsupportedAt(
      call.site,
      ctx,
      notSupportedOffline(`Fn::Transform${macro ? ` (macro ${macro})` : ''} runs at deployment; scan the processed template`),
    );
  }
  if (RULES_FUNCTIONS.has(call.name)) {
    return unresolvedAt(call.site, ctx, `${call.name} is a Rules function, evaluated only in the Rules section`);
  }
  const evaluate = EVALUATED[call.name];
  if (evaluate) return (call.name !== 'Fn::If' && splitOnCondition(call, ctx, resolve)) || evaluate(call, ctx, resolve);
  const reason = NOT_EVALUATED[call.name];
  if (reason !== undefined) return unresolvedAt(call.site, ctx, reason);
  if (!KNOWN.has(call.name)) return invalidAt(call.site, ctx, `unknown intrinsic function ${call.name}`);
  return unresolvedAt(call.site, ctx, `${call.name} is not evaluated`);
}

/** At most this many `Fn::If`s inside one function's arguments are split into branches (2^n evaluations). */
const MAX_SPLIT_CONDITIONS = 6;

/**
 * A function whose arguments hold an `Fn::If` (`!Join [":", [!If [C, "0", "1000"], "0"]]`) is evaluated once per
 * branch, giving a conditional of the results, so the checks judge each value the function can produce instead
 * of an unresolved whole. Returns undefined when there is no well-formed `Fn::If` to split on.
 */
function splitOnCondition(call: Call, ctx: ResolveContext, resolve: Resolve, depth = 0): ValueNode | undefined {
  if (depth >= MAX_SPLIT_CONDITIONS) return undefined;
  const found = findCondition(call.argument, ctx);
  if (!found) return undefined;
  const errors: ScanError[] = [];
  const warnings: ScanError[] = [];
  const branch = (replacement: ValueNode): ValueNode => {
    const branchCtx = { ...ctx, errors, warnings };
    const branchCall = { ...call, argument: replaceNode(call.argument, found.node, replacement) };
    const evaluate = EVALUATED[call.name];
    return (
      splitOnCondition(branchCall, branchCtx, (child) => resolveValue(child, branchCtx), depth + 1) ??
      (evaluate ? evaluate(branchCall, branchCtx, (child) => resolveValue(child, branchCtx)) : branchCall.argument)
    );
  };
  const whenTrue = branch(found.whenTrue);
  const whenFalse = branch(found.whenFalse);
  // Both branches evaluate the same text: report each problem once.
  pushOnce(errors, ctx.errors);
  pushOnce(warnings, ctx.warnings);
  return {
    kind: 'conditional',
    condition: found.condition,
    whenTrue,
    whenFalse,
    ...(call.site.range ? { range: call.site.range } : {}),
    syntax: ctx.syntax,
  };
}

/** The first `Fn::If [Condition, a, b]` (condition defined in Conditions) inside a function's arguments. */
function findCondition(
  node: ValueNode,
  ctx: ResolveContext,
): { node: ValueNode; condition: string; whenTrue: ValueNode; whenFalse: ValueNode } | undefined {
  const call = intrinsicCall(node);
  if (call?.name === 'Fn::If' && call.argument.kind === 'array' && call.argument.items.length === 3) {
    const [condition, whenTrue, whenFalse] = call.argument.items;
    if (condition?.kind === 'string' && ctx.template.conditions.has(condition.value) && whenTrue && whenFalse) {
      return { node, condition: condition.value, whenTrue, whenFalse };
    }
  }
  // Loops over the children where they are (this runs on every function's arguments): no array of them is made.
  if (node.kind === 'object') {
    for (let i = 0; i < node.entries.length; i++) {
      const found = findCondition((node.entries[i] as ObjectEntry).value, ctx);
      if (found) return found;
    }
  } else if (node.kind === 'array') {
    for (let i = 0; i < node.items.length; i++) {
      const found = findCondition(node.items[i] as ValueNode, ctx);
      if (found) return found;
    }
  }
  return undefined;
}

/** `tree` with the node `target` (by identity) replaced. */
function replaceNode(tree: ValueNode, target: ValueNode, replacement: ValueNode): ValueNode {
  if (tree === target) return replacement;
  if (tree.kind === 'object')
    return { ...tree, entries: tree.entries.map((e) => ({ ...e, value: replaceNode(e.value, target, replacement) })) };
  if (tree.kind === 'array') return { ...tree, items: tree.items.map((item) => replaceNode(item, target, replacement)) };
  return tree;
}

function pushOnce(from: ScanError[], to: ScanError[]): void {
  const seen = new Set<string>();
  for (const error of from) {
    const key = `${error.line}:${error.column}:${error.message}`;
    if (!seen.has(key)) to.push(error);
    seen.add(key);
  }
}
