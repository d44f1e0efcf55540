import type { SourceRange } from '../../model/location.js';
import { type ValueNode, toPlain } from '../../model/value.js';
import { firstUnresolved, jsonEncodedText, unresolved } from './values.js';

function numberOf(node: ValueNode): number | undefined {
  if (node.kind === 'number') return node.value;
  if (node.kind === 'string' && node.value.trim() !== '' && !Number.isNaN(Number(node.value))) return Number(node.value);
  return undefined;
}

function boolOf(node: ValueNode): boolean | undefined {
  if (node.kind === 'boolean') return node.value;
  if (node.kind === 'string' && (node.value === 'true' || node.value === 'false')) return node.value === 'true';
  return undefined;
}

function computed(value: number | boolean, range: SourceRange): ValueNode {
  return typeof value === 'number'
    ? { kind: 'number', value, raw: String(value), range, syntax: 'hcl' }
    : { kind: 'boolean', value, range, syntax: 'hcl' };
}

function blocked(text: string, range: SourceRange, ...operands: ValueNode[]): ValueNode | undefined {
  for (const operand of operands) {
    const missing = firstUnresolved(operand);
    if (missing?.kind === 'unresolved') return unresolved(text, missing.reason ?? `${missing.expression} cannot be resolved`, range);
  }
  return undefined;
}

export function applyUnary(operator: string, operand: ValueNode, text: string, range: SourceRange): ValueNode {
  const stop = blocked(text, range, operand);
  if (stop) return stop;
  if (operator === '-') {
    const n = numberOf(operand);
    if (n !== undefined) return { kind: 'number', value: -n, raw: text.replace(/\s+/g, ''), range, syntax: 'hcl' };
  }
  if (operator === '!') {
    const b = boolOf(operand);
    if (b !== undefined) return computed(!b, range);
  }
  return unresolved(text, `${operator} cannot apply to ${operand.kind}`, range);
}

export function applyBinary(operator: string, left: ValueNode, right: ValueNode, text: string, range: SourceRange): ValueNode {
  const stop = blocked(text, range, left, right);
  if (stop) return stop;
  if (operator === '==' || operator === '!=') {
    // jsonencode() gives a string: compared as its text (`jsonencode(var.x) == "{}"`).
    const plain = (node: ValueNode) => jsonEncodedText(node) ?? toPlain(node);
    const same = JSON.stringify(plain(left)) === JSON.stringify(plain(right));
    return computed(operator === '==' ? same : !same, range);
  }
  if (operator === '&&' || operator === '||') {
    const l = boolOf(left);
    const r = boolOf(right);
    if (l !== undefined && r !== undefined) return computed(operator === '&&' ? l && r : l || r, range);
    return unresolved(text, `${operator} needs booleans`, range);
  }
  const l = numberOf(left);
  const r = numberOf(right);
  if (l === undefined || r === undefined) return unresolved(text, `${operator} needs numbers`, range);
  switch (operator) {
    case '+':
      return computed(l + r, range);
    case '-':
      return computed(l - r, range);
    case '*':
      return computed(l * r, range);
    case '/':
      return computed(l / r, range);
    case '%':
      return computed(l % r, range);
    case '<':
      return computed(l < r, range);
    case '<=':
      return computed(l <= r, range);
    case '>':
      return computed(l > r, range);
    case '>=':
      return computed(l >= r, range);
    default:
      return unresolved(text, `operator ${operator} is not evaluated`, range);
  }
}
