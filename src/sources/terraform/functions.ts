import type { Node } from 'web-tree-sitter';
import { LineIndex, type SourceRange } from '../../model/location.js';
import type { ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';
import { decodeEmbeddedJson, wholeTextOrigin } from './embedded-json.js';
import { decodeEmbeddedYaml } from './embedded-yaml.js';
import { evaluate, here } from './evaluate.js';
import type { EvalContext } from './scope.js';
import { type Call, type Implementation, fail, reject, scalar, strict, stringResult } from './function-support.js';
import { STANDARD_FUNCTIONS } from './stdlib.js';
import { evaluateHeredoc, withTemplateBody } from './templates.js';
import {
  type TemplatePlaceholder,
  copyNode,
  isJsonEncoded,
  jsonEncodedText,
  liftConditionals,
  markJsonEncoded,
  partialText,
  setPartialText,
  rangeIn,
  setTextOrigin,
  textOrigin,
  unresolved,
} from './values.js';

function jsondecode(value: ValueNode, call: Call): ValueNode {
  if (isJsonEncoded(value)) return { ...value };
  if (value.kind !== 'string') return fail(call, `jsondecode needs a string, found ${value.kind}`);
  const decoded = decodeEmbeddedJson(value.value, textOrigin(value), value.range);
  if ('root' in decoded) return decoded.root;
  call.ctx.problems.push({ message: decoded.error, ...(decoded.range ? { range: decoded.range } : {}) });
  return fail(call, decoded.error);
}

function yamldecode(value: ValueNode, call: Call): ValueNode {
  if (value.kind !== 'string') return fail(call, `yamldecode needs a string, found ${value.kind}`);
  const decoded = decodeEmbeddedYaml(value.value, textOrigin(value), value.range);
  if ('root' in decoded) return decoded.root;
  call.ctx.problems.push({ message: `yamldecode: ${decoded.error}`, ...(decoded.range ? { range: decoded.range } : {}) });
  return fail(call, decoded.error);
}

function readText(path: string, call: Call): { path: string; lines: LineIndex } | ValueNode {
  const read = call.ctx.scope.readFile(path);
  if ('error' in read) {
    call.ctx.problems.push({ message: read.error, range: call.range });
    return fail(call, read.error);
  }
  return { path: read.path, lines: new LineIndex(read.text) };
}

function fileFunction([path]: ValueNode[], call: Call): ValueNode {
  const name = path ? scalar(path) : undefined;
  if (name === undefined) return fail(call, 'file() needs a path');
  const read = readText(name, call);
  if ('kind' in read) return read;
  const node: ValueNode = { kind: 'string', value: read.lines.text, range: call.range, syntax: 'hcl' };
  return setTextOrigin(node, wholeTextOrigin(read.path, read.lines));
}

/** templatefile(): the file is parsed as a heredoc body, so `${…}` keeps file positions. */
function templatefile([path, variables]: ValueNode[], call: Call): ValueNode {
  const name = path ? scalar(path) : undefined;
  if (name === undefined) return fail(call, 'templatefile() needs a path');
  if (variables?.kind !== 'object') return fail(call, 'templatefile() variables must be an object');
  const read = readText(name, call);
  if ('kind' in read) return read;
  return renderTemplate(read, variables, call);
}

/**
 * Renders a template text (templatefile(), data "template_file") with its
 * variables as the only names. `text.lines` may map positions elsewhere (a
 * template written in a heredoc); a variable that is not given is reported.
 */
export function renderTemplate(text: { path: string; lines: LineIndex }, variables: ObjectNode, call: Call): ValueNode {
  const rendered = withTemplateBody(call.ctx.scope.parser, text.lines.text, (heredoc, delta) => {
    const names = new Map<string, ValueNode>(variables.entries.map((e) => [e.key, e.value]));
    const ctx: EvalContext = { ...call.ctx, names, template: true, source: { path: text.path, lines: text.lines, delta } };
    return namedByCall(withPlaceholders(evaluateHeredoc(heredoc, ctx), templatePlaceholders(heredoc, ctx)), call);
  });
  return rendered ?? fail(call, `template ${text.path} cannot be parsed`);
}

/** The template's `${…}`, each with the argument it reads: its first name (`user` in `${upper(user)}`). */
function templatePlaceholders(heredoc: Node, ctx: EvalContext): TemplatePlaceholder[] {
  return heredoc.namedChildren
    .filter((c) => c.type === 'template_interpolation')
    .map((interpolation) => {
      const name = interpolation.descendantsOfType('variable_expr')[0]?.text ?? interpolation.text;
      const argument = ctx.names.get(name);
      // Where the argument is written in the call (a variable's value is defined elsewhere).
      const written = argument?.origin?.range ?? argument?.range;
      return {
        expression: interpolation.text,
        range: rangeIn(ctx.source, interpolation.startIndex, interpolation.endIndex),
        argument: { name, ...(written ? { range: written } : {}) },
      };
    });
}

/** An unresolved template is named by the call, not by the heredoc it is parsed as. */
function namedByCall(value: ValueNode, call: Call): ValueNode {
  if (value.kind === 'conditional')
    return { ...value, whenTrue: namedByCall(value.whenTrue, call), whenFalse: namedByCall(value.whenFalse, call) };
  return value.kind === 'unresolved' ? copyNode(value, { expression: call.text, range: call.range }) : value;
}

/** Records the placeholders on the template's text, so JSON decoded from it knows which values they wrote. */
function withPlaceholders(value: ValueNode, placeholders: TemplatePlaceholder[]): ValueNode {
  if (value.kind === 'conditional') {
    return {
      ...value,
      whenTrue: withPlaceholders(value.whenTrue, placeholders),
      whenFalse: withPlaceholders(value.whenFalse, placeholders),
    };
  }
  // The call's arguments name the template's own placeholders; those inside directives keep what the text had.
  const merged = (had: TemplatePlaceholder[] | undefined) => [
    ...placeholders,
    ...(had ?? []).filter((p) => !placeholders.some((q) => q.range.start.offset === p.range.start.offset)),
  ];
  const partial = partialText(value);
  if (partial && placeholders.length)
    return setPartialText(value, { ...partial, origin: { ...partial.origin, placeholders: merged(partial.origin.placeholders) } });
  const origin = textOrigin(value);
  return origin && placeholders.length ? setTextOrigin(value, { ...origin, placeholders: merged(origin.placeholders) }) : value;
}

function concat(args: ValueNode[], call: Call): ValueNode {
  const items: ValueNode[] = [];
  for (const list of args) {
    if (list.kind !== 'array') return fail(call, `concat needs lists, found ${list.kind}`);
    items.push(...list.items);
  }
  return { kind: 'array', items, range: call.range, syntax: 'hcl' };
}

function merge(args: ValueNode[], call: Call): ValueNode {
  const entries: ObjectEntry[] = [];
  for (const object of args) {
    if (object.kind === 'null') continue;
    if (object.kind !== 'object') return fail(call, `merge needs objects, found ${object.kind}`);
    for (const e of object.entries) {
      const existing = entries.findIndex((x) => x.key === e.key);
      if (existing !== -1) entries.splice(existing, 1);
      entries.push(e);
    }
  }
  return { kind: 'object', entries, range: call.range, syntax: 'hcl' };
}

function lookup([map, key, fallback]: ValueNode[], call: Call): ValueNode {
  const name = key ? scalar(key) : undefined;
  if (map?.kind !== 'object' || name === undefined) return fail(call, 'lookup needs a map and a key');
  const found = [...map.entries].reverse().find((e) => e.key === name);
  return found?.value ?? fallback ?? reject(call, `no key ${JSON.stringify(name)}`);
}

const FUNCTIONS: Record<string, Implementation> = {
  ...STANDARD_FUNCTIONS,
  jsonencode: ([value], call) => (value ? markJsonEncoded(value) : fail(call, 'jsonencode needs a value')),
  jsondecode: strict(([value], call) => jsondecode(value as ValueNode, call)),
  yamldecode: strict(([value], call) => yamldecode(value as ValueNode, call)),
  concat: strict(concat),
  merge: strict(merge),
  tostring: strict(([value], call) => {
    if (!value) return fail(call, 'tostring needs a value');
    if (value.kind === 'string' || value.kind === 'null' || isJsonEncoded(value)) return value;
    const text = scalar(value);
    if (text === undefined) return fail(call, `tostring cannot convert ${value.kind}`);
    return { kind: 'string', value: text, ...(value.range ? { range: value.range } : {}), syntax: 'hcl' };
  }),
  tonumber: strict(([value], call) => {
    const text = value ? scalar(value) : undefined;
    if (value?.kind === 'null') return value;
    if (text === undefined || text.trim() === '' || Number.isNaN(Number(text))) return fail(call, 'tonumber cannot convert this value');
    return { kind: 'number', value: Number(text), raw: text, ...(value?.range ? { range: value.range } : {}), syntax: 'hcl' };
  }),
  tobool: strict(([value], call) => {
    if (value?.kind === 'boolean' || value?.kind === 'null') return value;
    if (value?.kind === 'string' && (value.value === 'true' || value.value === 'false')) {
      return { kind: 'boolean', value: value.value === 'true', ...(value.range ? { range: value.range } : {}), syntax: 'hcl' };
    }
    return fail(call, 'tobool cannot convert this value');
  }),
  tolist: strict(([value], call) => value ?? fail(call, 'tolist needs a value')),
  toset: strict(([value], call) => value ?? fail(call, 'toset needs a value')),
  tomap: strict(([value], call) => value ?? fail(call, 'tomap needs a value')),
  lower: strict(([value], call) =>
    value?.kind === 'string' ? stringResult(value.value.toLowerCase(), call) : fail(call, 'lower needs a string'),
  ),
  upper: strict(([value], call) =>
    value?.kind === 'string' ? stringResult(value.value.toUpperCase(), call) : fail(call, 'upper needs a string'),
  ),
  trimspace: strict(([value], call) =>
    value?.kind === 'string' ? stringResult(value.value.trim(), call) : fail(call, 'trimspace needs a string'),
  ),
  join: strict(([separator, list], call) => {
    if (separator?.kind !== 'string' || list?.kind !== 'array') return fail(call, 'join needs a separator and a list');
    const parts = list.items.map(scalar);
    if (parts.some((p) => p === undefined)) return fail(call, 'join needs a list of resolvable strings');
    return stringResult(parts.join(separator.value), call);
  }),
  lookup: strict(lookup),
  file: strict(fileFunction),
  templatefile: strict(templatefile),
};

export function callFunction(node: Node, ctx: EvalContext): ValueNode {
  const name = node.firstNamedChild?.text ?? '';
  const argumentsNode = node.namedChildren.find((c) => c.type === 'function_arguments');
  const argNodes = argumentsNode?.namedChildren.filter((c) => c.type === 'expression') ?? [];
  const call: Call = { name, text: node.text, range: here(node, ctx), ctx };
  const implementation = FUNCTIONS[name];
  if (!implementation) return fail(call, `function ${name}() is not evaluated`);
  if (argumentsNode?.namedChildren.some((c) => c.type === 'ellipsis')) return fail(call, 'expanded arguments (...) are not evaluated');
  const args = argNodes.map((a) => evaluate(a, ctx));
  return implementation(PASS_THROUGH.has(name) ? args : args.map(asEncodedString), call);
}

/**
 * Functions that return an argument as it is: a jsonencode() result keeps its structure through them (its positions,
 * for container_definitions). Every other function reads it as what Terraform gives, a string (`length`, `upper`).
 */
const PASS_THROUGH = new Set(['tostring', 'jsondecode', 'try', 'can', 'coalesce']);

/** A jsonencode() result as the string it is, when every value in it is known. */
function asEncodedString(value: ValueNode): ValueNode {
  const text = isJsonEncoded(value) ? jsonEncodedText(value) : undefined;
  if (text === undefined) return value;
  return value.range ? { kind: 'string', value: text, range: value.range, syntax: 'hcl' } : { kind: 'string', value: text, syntax: 'hcl' };
}
