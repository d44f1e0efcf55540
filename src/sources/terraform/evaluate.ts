import type { Node } from 'web-tree-sitter';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { callFunction } from './functions.js';
import { applyBinary, applyUnary } from './operators.js';
import { resolveReference } from './references.js';
import type { EvalContext } from './scope.js';
import { evaluateHeredoc, evaluateQuoted } from './templates.js';
import { failed, liftConditionals, rangeIn, sortedEntries, unresolved, unresolvedLike, withOrigin } from './values.js';

/**
 * Evaluates an HCL expression to a value tree. What Terraform would know only
 * at plan or apply time (data sources, resource attributes, variables without
 * a value) becomes an `unresolved` node carrying the expression as written.
 */
export function evaluate(node: Node, ctx: EvalContext): ValueNode {
  switch (node.type) {
    case 'expression':
      return evaluateTerm(node.children, ctx);
    case 'conditional':
      return evaluateConditional(node, ctx);
    case 'literal_value':
    case 'collection_value':
    case 'template_expr':
    case 'operation':
    case 'for_expr': {
      const inner = node.firstNamedChild;
      return inner ? evaluate(inner, ctx) : unknownSyntax(node, ctx);
    }
    case 'numeric_lit': {
      const raw = node.text;
      const value = raw.startsWith('0x') ? Number.parseInt(raw, 16) : Number(raw);
      return { kind: 'number', value, raw, range: here(node, ctx), syntax: 'hcl' };
    }
    case 'bool_lit':
      return { kind: 'boolean', value: node.text === 'true', range: here(node, ctx), syntax: 'hcl' };
    case 'null_lit':
      return { kind: 'null', range: here(node, ctx), syntax: 'hcl' };
    case 'string_lit':
    case 'quoted_template':
      return evaluateQuoted(node, ctx);
    case 'heredoc_template':
      return evaluateHeredoc(node, ctx);
    case 'tuple':
      return {
        kind: 'array',
        items: node.namedChildren.filter((c) => c.type === 'expression').map((c) => evaluate(c, ctx)),
        range: here(node, ctx),
        syntax: 'hcl',
      };
    case 'object':
      return evaluateObject(node, ctx);
    case 'function_call':
      return callFunction(node, ctx);
    case 'for_tuple_expr':
    case 'for_object_expr':
      return evaluateFor(node, ctx);
    case 'unary_operation':
    case 'binary_operation':
      return evaluateOperation(node, ctx);
    case 'variable_expr':
      return evaluateTerm([node], ctx);
    default:
      return unknownSyntax(node, ctx);
  }
}

export function here(node: Node, ctx: EvalContext) {
  return rangeIn(ctx.source, node.startIndex, node.endIndex);
}

function unknownSyntax(node: Node, ctx: EvalContext): ValueNode {
  return unresolved(node.text, `${node.type.replace(/_/g, ' ')} is not evaluated`, here(node, ctx));
}

function textOf(parts: Node[], ctx: EvalContext): string {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (!first || !last) return '';
  return ctx.source.lines.text.slice(first.startIndex + ctx.source.delta, last.endIndex + ctx.source.delta);
}

/** A primary expression followed by `.attr`, `[index]` and splats (the grammar keeps them flat). */
export function evaluateTerm(parts: Node[], ctx: EvalContext): ValueNode {
  const first = parts[0];
  if (!first) return unresolved('', 'empty expression', undefined);
  const whole = textOf(parts, ctx);
  const wholeRange = rangeIn(ctx.source, first.startIndex, (parts[parts.length - 1] as Node).endIndex);
  let base: ValueNode;
  let rest: Node[];
  if (first.type === '(') {
    const inner = parts[1];
    base = inner ? evaluate(inner, ctx) : unresolved(whole, 'empty parentheses', wholeRange);
    rest = parts.slice(3);
  } else if (first.type === 'variable_expr') {
    const resolved = resolveReference(first, parts.slice(1), ctx);
    base = resolved.value;
    rest = parts.slice(1 + resolved.consumed);
  } else {
    base = evaluate(first, ctx);
    rest = parts.slice(1);
  }
  if (base.kind === 'unresolved' && rest.length)
    return unresolvedLike(base, whole, base.reason ?? `${base.expression} cannot be resolved`, wholeRange);
  for (const step of rest) {
    base = applyStep(base, step, ctx, whole, wholeRange);
    if (base.kind === 'unresolved') return base;
  }
  return base;
}

function applyStep(base: ValueNode, step: Node, ctx: EvalContext, whole: string, wholeRange: ReturnType<typeof here>): ValueNode {
  if (step.type === 'get_attr') {
    const name = step.namedChildren[0]?.text ?? '';
    return liftConditionals([base], ([value]) => {
      if (value?.kind === 'unresolved')
        return unresolvedLike(value, whole, value.reason ?? `${value.expression} cannot be resolved`, wholeRange);
      if (value?.kind !== 'object') return failed(whole, `.${name} of ${value?.kind ?? 'nothing'}`, wholeRange);
      const found = [...value.entries].reverse().find((e) => e.key === name);
      return found ? found.value : failed(whole, `no attribute ${name}`, wholeRange);
    });
  }
  if (step.type === 'index') {
    const inner = step.firstNamedChild;
    const keyExpression = inner?.namedChildren.find((c) => c.type === 'expression');
    const key =
      inner?.type === 'legacy_index'
        ? ({ kind: 'number', value: Number(inner.text.slice(1)), raw: inner.text.slice(1) } as ValueNode)
        : keyExpression
          ? evaluate(keyExpression, ctx)
          : unresolved(whole, 'empty index', wholeRange);
    return liftConditionals([base, key], ([value, k]) => {
      if (!value || !k || k.kind === 'unresolved') return unresolved(whole, 'the index cannot be resolved', wholeRange);
      if (value.kind === 'unresolved')
        return unresolvedLike(value, whole, value.reason ?? `${value.expression} cannot be resolved`, wholeRange);
      if (value.kind === 'array' && (k.kind === 'number' || k.kind === 'string') && /^\d+$/.test(String(k.value))) {
        return value.items[Number(k.value)] ?? failed(whole, `index ${String(k.value)} is out of range`, wholeRange);
      }
      if (value.kind === 'object' && (k.kind === 'string' || k.kind === 'number')) {
        const name = String(k.value);
        const found = [...value.entries].reverse().find((e) => e.key === name);
        return found ? found.value : failed(whole, `no key ${JSON.stringify(name)}`, wholeRange);
      }
      return failed(whole, `cannot index ${value.kind}`, wholeRange);
    });
  }
  if (step.type === 'splat') {
    // `list[*].attr` / `list.*.attr`: the steps after the splat apply to each item; a single value is a list of one, null none.
    const inner = step.firstNamedChild;
    const steps = inner?.namedChildren ?? [];
    return liftConditionals([base], ([value]) => {
      if (!value || value.kind === 'unresolved')
        return unresolved(
          whole,
          value?.kind === 'unresolved' ? (value.reason ?? `${value.expression} cannot be resolved`) : 'nothing to expand',
          wholeRange,
        );
      const items = value.kind === 'array' ? value.items : value.kind === 'null' ? [] : [value];
      const mapped = items.map((item) =>
        steps.reduce<ValueNode>(
          (current, s) => (current.kind === 'unresolved' ? current : applyStep(current, s, ctx, whole, wholeRange)),
          item,
        ),
      );
      return { kind: 'array', items: mapped, range: wholeRange, syntax: 'hcl' };
    });
  }
  return unresolved(whole, `${step.type.replace(/_/g, ' ')} is not evaluated`, wholeRange);
}

/** The boolean a condition evaluates to; Terraform converts the strings "true" and "false" too. */
function knownBoolean(value: ValueNode): boolean | undefined {
  if (value.kind === 'boolean') return value.value;
  if (value.kind === 'string' && (value.value === 'true' || value.value === 'false')) return value.value === 'true';
  return undefined;
}

function evaluateConditional(node: Node, ctx: EvalContext): ValueNode {
  const chain = conditionalChain(node);
  if (!chain) return unknownSyntax(node, ctx);
  const range = here(node, ctx);
  const step = (i: number): ValueNode => {
    const link = chain.links[i];
    if (!link) return evaluate(chain.otherwise, ctx);
    // A condition known from the values the scan uses everywhere else (literals, locals,
    // defaults, tfvars, --var-file) picks its branch: the other one cannot happen with
    // those values, so judging it would report a problem that is not there. The origin
    // names the conditional, so a fixer knows the value is chosen there.
    const known = knownBoolean(evaluate(link.condition, ctx));
    if (known !== undefined) {
      const chosen = known ? evaluate(link.value, ctx) : step(i + 1);
      return withOrigin(chosen, node.text, range, undefined, chosen.origin?.chosenBy ?? { expression: node.text, range });
    }
    // Unresolved: like CloudFormation's !If, both branches are judged.
    return {
      kind: 'conditional',
      condition: link.condition.text,
      whenTrue: evaluate(link.value, ctx),
      whenFalse: step(i + 1),
      range,
      syntax: 'hcl',
    };
  };
  return step(0);
}

/**
 * `a ? b : c ? d : e` as HCL reads it, `a ? b : (c ? d : e)`: each condition with its value, then the last value.
 * The grammar nests such a chain the other way (`(a ? b : c) ? d : e`): a condition that is itself a conditional
 * without parentheses is the start of the chain.
 */
function conditionalChain(node: Node): { links: Array<{ condition: Node; value: Node }>; otherwise: Node } | undefined {
  const [condition, whenTrue, whenFalse] = node.namedChildren.filter((c) => c.type === 'expression');
  if (!condition || !whenTrue || !whenFalse) return undefined;
  const nested = condition.namedChildCount === 1 && condition.childCount === 1 ? condition.firstNamedChild : null;
  if (nested?.type !== 'conditional') return { links: [{ condition, value: whenTrue }], otherwise: whenFalse };
  const head = conditionalChain(nested);
  if (!head) return undefined;
  // The head's last value is this link's condition.
  return { links: [...head.links, { condition: head.otherwise, value: whenTrue }], otherwise: whenFalse };
}

function objectKey(keyNode: Node, ctx: EvalContext): { key: string } | { value: ValueNode } {
  const only = keyNode.namedChildCount === 1 ? keyNode.firstNamedChild : null;
  // A bare identifier is the key itself, not a variable reference.
  if (only?.type === 'variable_expr') return { key: only.text };
  const value = evaluate(keyNode, ctx);
  if (value.kind === 'string') return { key: value.value };
  if (value.kind === 'number' || value.kind === 'boolean') return { key: String(value.value) };
  return { value };
}

function evaluateObject(node: Node, ctx: EvalContext): ValueNode {
  const entries: ObjectEntry[] = [];
  for (const element of node.namedChildren) {
    if (element.type !== 'object_elem') continue;
    const keyNode = element.childForFieldName('key');
    const valueNode = element.childForFieldName('val');
    if (!keyNode || !valueNode) continue;
    const key = objectKey(keyNode, ctx);
    if ('value' in key) {
      // A computed key hides which field this is: the whole object cannot be judged.
      return unresolved(node.text, `object key ${keyNode.text} cannot be resolved`, here(node, ctx));
    }
    entries.push({
      key: key.key,
      sourceKey: key.key,
      keyRange: here(keyNode, ctx),
      value: evaluate(valueNode, ctx),
      valueWritten: here(valueNode, ctx),
    });
  }
  return { kind: 'object', entries, range: here(node, ctx), syntax: 'hcl' };
}

function evaluateFor(node: Node, ctx: EvalContext): ValueNode {
  const intro = node.namedChildren.find((c) => c.type === 'for_intro');
  const identifiers = intro?.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text) ?? [];
  const collectionNode = intro?.namedChildren.find((c) => c.type === 'expression');
  const bodies = node.namedChildren.filter((c) => c.type === 'expression');
  const condition = node.namedChildren.find((c) => c.type === 'for_cond')?.namedChildren[0];
  const range = here(node, ctx);
  if (!collectionNode || bodies.length === 0 || identifiers.length === 0) return unknownSyntax(node, ctx);
  if (node.namedChildren.some((c) => c.type === 'ellipsis')) return unresolved(node.text, 'grouping (...) in for is not evaluated', range);
  const collection = evaluate(collectionNode, ctx);
  return liftConditionals([collection], ([value]) => {
    if (!value || (value.kind !== 'array' && value.kind !== 'object')) {
      const reason =
        value?.kind === 'unresolved'
          ? (value.reason ?? `${value.expression} cannot be resolved`)
          : `cannot iterate over ${value?.kind ?? 'nothing'}`;
      return unresolved(node.text, reason, range);
    }
    const pairs: Array<[ValueNode, ValueNode]> =
      value.kind === 'array'
        ? value.items.map((item, i) => [{ kind: 'number', value: i, raw: String(i) }, item])
        : sortedEntries(value).map((e) => [{ kind: 'string', value: e.key }, e.value]);
    const items: ValueNode[] = [];
    const entries: ObjectEntry[] = [];
    for (const [key, item] of pairs) {
      const names = new Map(ctx.names);
      if (identifiers.length === 2) names.set(identifiers[0] as string, key).set(identifiers[1] as string, item);
      else names.set(identifiers[0] as string, item);
      const inner: EvalContext = { ...ctx, names };
      // An `if` that cannot be resolved keeps the element only maybe (see `maybe`).
      let uncertain = false;
      if (condition) {
        const keep = evaluate(condition, inner);
        if (keep.kind === 'boolean' && !keep.value) continue;
        uncertain = keep.kind !== 'boolean';
      }
      if (node.type === 'for_tuple_expr') {
        const item = evaluate(bodies[0] as Node, inner);
        items.push(uncertain ? maybe(item, condition as Node, inner) : item);
        continue;
      }
      const keyValue = evaluate(bodies[0] as Node, inner);
      if (keyValue.kind !== 'string' && keyValue.kind !== 'number' && keyValue.kind !== 'boolean') {
        return unresolved(node.text, `the key ${bodies[0]?.text ?? ''} cannot be resolved`, range);
      }
      const valueNode = bodies[1];
      if (!valueNode) return unknownSyntax(node, ctx);
      const value = evaluate(valueNode, inner);
      entries.push({
        key: String(keyValue.value),
        sourceKey: String(keyValue.value),
        value: uncertain ? maybe(value, condition as Node, inner) : value,
      });
    }
    // The collection is the `for` expression's, not written in the file: a fix adds nothing inside its text.
    const origin = { expression: node.text, range };
    return node.type === 'for_tuple_expr'
      ? { kind: 'array', items, range, syntax: 'hcl', origin }
      : { kind: 'object', entries, range, syntax: 'hcl', origin };
  });
}

const OPERATORS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||', '!']);

function evaluateOperation(node: Node, ctx: EvalContext): ValueNode {
  const children = node.children;
  const at = children.findIndex((c, i) => !c.isNamed && OPERATORS.has(c.type) && (node.type === 'unary_operation' ? i === 0 : i > 0));
  const operator = children[at]?.type;
  if (at === -1 || operator === undefined) return unknownSyntax(node, ctx);
  const range = here(node, ctx);
  if (node.type === 'unary_operation') {
    const operand = evaluateTerm(children.slice(at + 1), ctx);
    return liftConditionals([operand], ([v]) => applyUnary(operator, v as ValueNode, node.text, range));
  }
  const left = evaluateTerm(children.slice(0, at), ctx);
  const right = evaluateTerm(children.slice(at + 1), ctx);
  return liftConditionals([left, right], ([l, r]) => applyBinary(operator, l as ValueNode, r as ValueNode, node.text, range));
}

/**
 * An element of a `for` whose `if` cannot be resolved. An unresolved element
 * stays itself: `{ for k, v in m : k => v if v != null }` drops it only when
 * null, and an unknown value already covers that. A known element exists only
 * when the condition holds: a conditional whose other branch is null (absent).
 */
function maybe(value: ValueNode, condition: Node, ctx: EvalContext): ValueNode {
  if (value.kind === 'unresolved') return value;
  const range = here(condition, ctx);
  return {
    kind: 'conditional',
    condition: condition.text,
    whenTrue: value,
    whenFalse: { kind: 'null', range, syntax: 'hcl' },
    range,
    syntax: 'hcl',
  };
}
