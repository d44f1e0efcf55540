/**
 * Serverless Framework services (`serverless.yml`): the CloudFormation a service adds to the stack the framework
 * deploys sits under `resources` (a mapping with `Resources`, or a list of them and `${file(…)}` references, whose
 * files are templates of their own and are read as such). Its values may be the framework's variables, which it
 * replaces before CloudFormation sees the template:
 * - a whole value `${self:custom.privileged}` is the value that path of the same file holds (or the variable's
 *   literal default when the path is missing), as the framework resolves it;
 * - `${opt:…}`, `${env:…}` and the other sources are known only when the service is deployed: unresolved, or with a
 *   literal default (`${opt:privileged, true}`) both the deployed option and the default;
 * - any other text holding a variable (`"${self:custom.uid}:0"`, a nested `${self:a.${self:b}}`, `${file(…)}`) is
 *   unresolved, never read as the text of its name.
 * CloudFormation's own `${AWS::Region}` and `${Param}` (in `!Sub`) are not the framework's and stay as written.
 */
import type { ScanError } from '../../model/finding.js';
import { type ObjectNode, type ValueNode, field, pathGet } from '../../model/value.js';
import { fileError } from '../source.js';

/** A value that is one variable: `${source:address}` or `${source:address, default}`. */
const WHOLE_VARIABLE = /^\$\{[ \t]*([A-Za-z][\w-]*):(?!:)([^,}]*)(?:,([^}]*))?\}$/;
/** Text holding a variable of the framework anywhere (`source:` but not CloudFormation's `AWS::`, or `file(`). */
const ANY_VARIABLE = /\$\{[ \t]*(?:[A-Za-z][\w-]*:(?!:)|file\()/;

/** Variables that name variables, at most: a cycle (`a: ${self:b}`, `b: ${self:a}`) stops here, unresolved. */
const MAX_DEPTH = 10;
/** Values the variables of one service may expand to: `a: [${self:a}, ${self:a}, …]` doubles at each level. */
const MAX_EXPANDED = 10_000;

interface Expansion {
  root: ValueNode;
  /** Values variables brought in so far (MAX_EXPANDED). */
  made: number;
}

/**
 * The templates a document holds: itself, or a Serverless Framework service's `resources` parts, with the
 * framework's variables resolved. A resource whose whole value is a variable (`${file(topic.yml)}`) is left out with
 * a warning: its file, when scanned, is a template of its own.
 */
export function templatesIn(root: ValueNode, file: string, warnings: ScanError[]): ValueNode[] {
  if (root.kind !== 'object' || !field(root, 'service') || !field(root, 'provider')) return [root];
  const resources = field(root, 'resources');
  const parts = resources?.kind === 'array' ? resources.items : resources ? [resources] : [];
  const templates: ValueNode[] = [];
  for (const part of parts) {
    if (part.kind !== 'object' || field(part, 'Resources') === undefined) continue;
    const resolved = withVariables(part, { root, made: 0 }, 0) as ObjectNode;
    const included = field(resolved, 'Resources');
    const notFollowed = (what: string, value: ValueNode | undefined, resource?: string) => {
      const message = `${what} is ${describe(value)}: not followed; its file is checked when it is scanned`;
      warnings.push(fileError(file, message, value?.range, resource));
    };
    if (included?.kind !== 'object') {
      notFollowed('resources.Resources', included);
      continue;
    }
    const kept = included.entries.filter((e) => {
      if (e.value.kind !== 'unresolved') return true;
      notFollowed(`resource ${e.key}`, e.value, e.key);
      return false;
    });
    templates.push({
      ...resolved,
      entries: resolved.entries.map((e) => (e.key === 'Resources' ? { ...e, value: { ...included, entries: kept } } : e)),
    });
  }
  return templates;
}

function describe(node: ValueNode | undefined): string {
  return node?.kind === 'unresolved' ? node.expression : `a ${node?.kind ?? 'missing value'}`;
}

/** `node` with the framework's variables resolved against the service's document. */
function withVariables(node: ValueNode, expansion: Expansion, depth: number): ValueNode {
  // Only values a variable brought in count: a large template of literals is not cut.
  if (depth > 0 && ++expansion.made > MAX_EXPANDED)
    return unresolvedAs(node, `Serverless variables expand to more than ${MAX_EXPANDED} values`);
  switch (node.kind) {
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: withVariables(e.value, expansion, depth) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => withVariables(item, expansion, depth)) };
    case 'string': {
      if (!ANY_VARIABLE.test(node.value)) return node;
      const whole = WHOLE_VARIABLE.exec(node.value);
      if (!whole) return unresolvedAs(node, 'text holding Serverless Framework variables');
      return resolveVariable(node, whole, expansion, depth);
    }
    default:
      return node;
  }
}

function resolveVariable(
  reference: ValueNode & { kind: 'string' },
  variable: RegExpExecArray,
  expansion: Expansion,
  depth: number,
): ValueNode {
  const source = variable[1] as string;
  const address = (variable[2] as string).trim();
  const fallback = variable[3]?.trim();
  const at = reference.range ? { range: reference.range } : {};
  const origin = { expression: reference.value, ...at };
  const literal = fallback === undefined ? undefined : literalValue(fallback);
  const withDefault = (unknown: ValueNode): ValueNode =>
    literal
      ? {
          kind: 'conditional',
          condition: `\${${source}:${address}} is set`,
          whenTrue: unknown,
          whenFalse: { ...literal, ...at, syntax: 'yaml', origin },
          ...at,
          syntax: 'yaml',
        }
      : unknown;
  if (depth >= MAX_DEPTH) return unresolvedAs(reference, `Serverless variables nested more than ${MAX_DEPTH} deep`);
  if (source !== 'self')
    return withDefault(unresolvedAs(reference, `a Serverless Framework ${source}: variable, known only when the service is deployed`));
  const found = pathGet(expansion.root, address.split('.').filter(Boolean));
  if (found !== undefined) return { ...withVariables(found, expansion, depth + 1), origin };
  if (literal) return { ...literal, ...at, syntax: 'yaml', origin };
  return unresolvedAs(reference, `self:${address} is not in this file`);
}

function unresolvedAs(node: ValueNode, reason: string): ValueNode {
  const expression = node.kind === 'string' ? node.value : '(Serverless variables)';
  return { kind: 'unresolved', expression, reason, ...(node.range ? { range: node.range } : {}), syntax: 'yaml' };
}

/** A variable's default written as a literal: a quoted string, a boolean or a number. */
function literalValue(text: string): ValueNode | undefined {
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) return { kind: 'string', value: quoted[2] as string };
  if (text === 'true' || text === 'false') return { kind: 'boolean', value: text === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'number', value: Number(text), raw: text };
  return undefined;
}
