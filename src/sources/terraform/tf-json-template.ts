import type { LineIndex, SourceRange } from '../../model/location.js';
import type { Node, Parser } from 'web-tree-sitter';
import type { StringNode, ValueNode } from '../../model/value.js';
import { evaluate } from './evaluate.js';
import { jsonStringOrigin } from './json-string.js';
import { MAX_NESTING, tooDeepAt } from '../nesting.js';
import { MappedLines } from './mapped-lines.js';
import type { EvalContext, EvalProblem, Scope } from './scope.js';
import { evaluateHeredoc, withTemplateBody } from './templates.js';
import { type SourceText, setTextOrigin, unresolved } from './values.js';

/**
 * Terraform's JSON syntax: where an argument takes an expression, a JSON string is a template, so
 * `"${jsonencode([{privileged = true}])}"` (what cdktf writes for `Fn.jsonencode`) is the list it encodes, with
 * positions inside the string. A string that is one interpolation and nothing else is that expression's value,
 * unconverted, as in native syntax.
 */

/** `${…}` or `%{…}` in a string (`$${` and `%%{` are literal; the template reader decodes them). */
export const isJsonTemplate = (text: string): boolean => text.includes('${') || text.includes('%{');

export function containsJsonTemplate(node: ValueNode): boolean {
  if (node.kind === 'string') return isJsonTemplate(node.value);
  if (node.kind === 'array') return node.items.some(containsJsonTemplate);
  if (node.kind === 'object') return node.entries.some((e) => containsJsonTemplate(e.value));
  return false;
}

/** Where each character of a JSON string literal (its range includes the quotes) is written in the file. */
const originOf = (range: SourceRange, path: string, lines: LineIndex) =>
  jsonStringOrigin(path, lines, range.start.offset, range.end.offset - range.start.offset);

/** A .tf.json value taken literally: strings keep where each character is written, for JSON decoded from them. */
export function jsonLiteral(node: ValueNode, path: string, lines: LineIndex): ValueNode {
  switch (node.kind) {
    case 'string': {
      const range = node.range;
      return range ? setTextOrigin(node, originOf(range, path, lines)) : node;
    }
    case 'array':
      return { ...node, items: node.items.map((i) => jsonLiteral(i, path, lines)) };
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: jsonLiteral(e.value, path, lines) })) };
    default:
      return node;
  }
}

/** A .tf.json argument's value with each template string evaluated in `scope`. */
export function evaluateJsonValue(node: ValueNode, path: string, lines: LineIndex, scope: Scope, problems: EvalProblem[]): ValueNode {
  switch (node.kind) {
    case 'string':
      return isJsonTemplate(node.value) ? evaluateJsonTemplate(node, path, lines, scope, problems) : jsonLiteral(node, path, lines);
    case 'array':
      return { ...node, items: node.items.map((i) => evaluateJsonValue(i, path, lines, scope, problems)) };
    case 'object':
      // A template string's value has the positions of what it interpolates; the entry is written up to its quote.
      return {
        ...node,
        entries: node.entries.map((e) => ({
          ...e,
          value: evaluateJsonValue(e.value, path, lines, scope, problems),
          ...(e.value.range ? { valueWritten: e.value.range } : {}),
        })),
      };
    default:
      return node;
  }
}

/** One template string, parsed as a heredoc's body so every `${…}` keeps its place in the file. */
function evaluateJsonTemplate(node: StringNode, path: string, lines: LineIndex, scope: Scope, problems: EvalProblem[]): ValueNode {
  const range = node.range;
  const quoted = node.value.length <= 100 ? node.value : `${node.value.slice(0, 97)}...`;
  if (!range) return unresolved(quoted, 'a .tf.json template without a position', undefined);
  const text = new MappedLines(node.value, originOf(range, path, lines));
  // The file's own check skips strings: a template nested past the limit is refused here, at its bracket.
  const tooDeep = tooDeepAt(node.value);
  if (tooDeep !== undefined) {
    const at = text.range(path, tooDeep, tooDeep + 1);
    problems.push({ message: `nested more than ${MAX_NESTING} levels deep ([ and {) in a JSON string's template; not read`, range: at });
    return unresolved(quoted, 'its template is nested too deep to read', at);
  }
  const value = withTemplateBody(scope.parser, node.value, (heredoc, delta) => {
    const ctx: EvalContext = { scope, source: { path, lines: text, delta }, names: new Map(), problems };
    const content = heredoc.namedChildren.filter((c) => c.type !== 'heredoc_start' && c.type !== 'heredoc_identifier');
    const only = content.length === 1 ? content[0] : undefined;
    if (only?.type === 'template_interpolation' && only.startIndex === -delta && only.endIndex === node.value.length - delta) {
      const expression = only.namedChildren.find((c) => c.type === 'expression');
      if (expression) return evaluate(expression, ctx);
    }
    return evaluateHeredoc(heredoc, ctx);
  });
  if (value !== undefined) return value;
  // Terraform rejects the configuration: an input error, and the value is not judged.
  problems.push({ message: `invalid template expression in a JSON string: ${quoted}`, range });
  return unresolved(quoted, 'its template expression cannot be parsed', range);
}

/**
 * A .tf.json variable's `type`, a type expression written as a string (`"object({ privileged = optional(bool, true) })"`),
 * parsed and handed to `use` with positions inside the string; undefined when it does not parse (Terraform rejects it).
 */
export function withJsonTypeExpression<T>(
  type: StringNode,
  source: SourceText,
  parser: Parser,
  use: (expression: Node, source: SourceText) => T,
): T | undefined {
  const range = type.range;
  if (!range) return undefined;
  const origin = originOf(range, source.path, source.lines);
  const prefix = 'x = ';
  const tree = parser.parse(`${prefix}${type.value}\n`);
  try {
    const expression = tree?.rootNode.descendantsOfType('attribute')[0]?.namedChildren.find((c) => c.type === 'expression');
    if (!expression || tree?.rootNode.hasError) return undefined;
    return use(expression, { path: source.path, lines: new MappedLines(type.value, origin), delta: -prefix.length });
  } finally {
    tree?.delete();
  }
}
