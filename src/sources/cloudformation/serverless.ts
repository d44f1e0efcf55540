/**
 * Serverless Framework services (`serverless.yml`): the CloudFormation a service adds to the stack the framework
 * deploys sits under `resources` (a mapping with `Resources`, or a list of them and `${file(…)}` references, whose
 * files are templates of their own and are read as such). Its values may be the framework's variables: a whole value
 * `${self:custom.privileged}` is the value that path of the same file holds (or the variable's default), as the
 * framework resolves it; any other variable (`${opt:…}`, `${env:…}`, `${ssm:…}`) is known only when the service is
 * deployed, so it is unresolved, never read as the text of its name.
 */
import { type ValueNode, field, pathGet } from '../../model/value.js';

/** A value that is one variable: its source (`self`, `opt`, `env`…), its address, and its default if given. */
const VARIABLE = /^\$\{\s*([A-Za-z][\w-]*):([^,}]*?)\s*(?:,\s*([^}]*?)\s*)?\}$/;

/** Variables that name variables, at most: a cycle (`a: ${self:b}`, `b: ${self:a}`) stops here, unresolved. */
const MAX_DEPTH = 10;

/** The templates a document holds: itself, or a Serverless Framework service's `resources`. */
export function templatesIn(root: ValueNode): ValueNode[] {
  if (root.kind !== 'object' || !field(root, 'service') || !field(root, 'provider')) return [root];
  const resources = field(root, 'resources');
  const parts = resources?.kind === 'array' ? resources.items : resources ? [resources] : [];
  return parts
    .filter((part) => part.kind === 'object' && field(part, 'Resources') !== undefined)
    .map((part) => withVariables(part, root, 0));
}

/** `node` with each value that is one variable resolved against the service's document `root`. */
function withVariables(node: ValueNode, root: ValueNode, depth: number): ValueNode {
  switch (node.kind) {
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: withVariables(e.value, root, depth) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => withVariables(item, root, depth)) };
    case 'string': {
      const variable = VARIABLE.exec(node.value);
      return variable ? resolveVariable(node, variable, root, depth) : node;
    }
    default:
      return node;
  }
}

function resolveVariable(reference: ValueNode & { kind: 'string' }, variable: RegExpExecArray, root: ValueNode, depth: number): ValueNode {
  const [, source, address = '', fallback] = variable;
  const at = reference.range ? { range: reference.range } : {};
  const origin = { expression: reference.value, ...at };
  const unresolved = (reason: string): ValueNode => ({ kind: 'unresolved', expression: reference.value, reason, ...at, syntax: 'yaml' });
  if (depth >= MAX_DEPTH) return unresolved(`Serverless variables nested more than ${MAX_DEPTH} deep`);
  if (source !== 'self') return unresolved(`a Serverless Framework ${source}: variable, known only when the service is deployed`);
  const found = pathGet(root, address.split('.').filter(Boolean));
  if (found !== undefined) return { ...withVariables(found, root, depth + 1), origin };
  const literal = fallback === undefined ? undefined : literalValue(fallback);
  if (literal !== undefined) return { ...literal, ...at, syntax: 'yaml', origin };
  return unresolved(`self:${address} is not in this file`);
}

/** A variable's default written as a literal: a quoted string, a boolean or a number. */
function literalValue(text: string): ValueNode | undefined {
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) return { kind: 'string', value: quoted[2] as string };
  if (text === 'true' || text === 'false') return { kind: 'boolean', value: text === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'number', value: Number(text), raw: text };
  return undefined;
}
