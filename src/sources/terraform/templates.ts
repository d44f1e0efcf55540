import type { Node } from 'web-tree-sitter';
import type { ValueNode } from '../../model/value.js';
import { describeValue, toPlain } from '../../model/value.js';
import { evaluate } from './evaluate.js';
import type { EvalContext } from './scope.js';
import { isJsonEncoded, liftConditionals, originFromOffsets, rangeIn, setPartialText, setTextOrigin, unresolved } from './values.js';

interface Chars {
  text: string;
  offsets: number[];
}

const QUOTED_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Decodes a literal span of a template, keeping the file offset of every character. */
function literalChars(raw: string, start: number, quoted: boolean): Chars {
  let text = '';
  const offsets: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const at = start + i;
    const c = raw[i] as string;
    if ((c === '$' || c === '%') && raw[i + 1] === c && raw[i + 2] === '{') {
      text += `${c}{`;
      offsets.push(at, at + 2);
      i += 3;
      continue;
    }
    if (quoted && c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      if (next === 'u' || next === 'U') {
        const length = next === 'u' ? 4 : 8;
        const code = Number.parseInt(raw.slice(i + 2, i + 2 + length), 16);
        if (!Number.isNaN(code)) {
          const decoded = String.fromCodePoint(code);
          text += decoded;
          for (let k = 0; k < decoded.length; k++) offsets.push(at);
          i += 2 + length;
          continue;
        }
      }
      text += QUOTED_ESCAPES[next] ?? next;
      offsets.push(at);
      i += 2;
      continue;
    }
    text += c;
    offsets.push(at);
    i += 1;
  }
  return { text, offsets };
}

type Piece = { chars: Chars } | { value: ValueNode; node: Node };

function pieces(template: Node, contentStart: number, contentEnd: number, quoted: boolean, ctx: EvalContext): Piece[] {
  const text = ctx.source.lines.text;
  const delta = ctx.source.delta;
  const result: Piece[] = [];
  let cursor = contentStart;
  const literalUpTo = (end: number): void => {
    if (end > cursor) result.push({ chars: literalChars(text.slice(cursor + delta, end + delta), cursor + delta, quoted) });
  };
  for (const child of template.namedChildren) {
    if (child.type === 'template_interpolation') {
      literalUpTo(child.startIndex);
      const expression = child.namedChildren.find((c) => c.type === 'expression');
      const value = expression
        ? evaluate(expression, ctx)
        : unresolved(child.text, 'empty interpolation', rangeIn(ctx.source, child.startIndex, child.endIndex));
      result.push({ value, node: child });
      cursor = child.endIndex;
    } else if (child.type === 'template_directive') {
      literalUpTo(child.startIndex);
      const range = rangeIn(ctx.source, child.startIndex, child.endIndex);
      result.push({ value: unresolved(child.text, 'template directives (%{…}) are not evaluated', range), node: child });
      cursor = child.endIndex;
    }
  }
  literalUpTo(contentEnd);
  return result;
}

function scalarForTemplate(value: ValueNode): string | undefined {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'number') return value.raw;
  if (value.kind === 'boolean') return String(value.value);
  // `${jsonencode(local.env)}` in a JSON template: its JSON text, when every value in it is known.
  if (isJsonEncoded(value) && isPlain(value)) return JSON.stringify(toPlain(value));
  return undefined;
}

function isPlain(node: ValueNode): boolean {
  if (node.kind === 'unresolved' || node.kind === 'conditional') return false;
  if (node.kind === 'array') return node.items.every(isPlain);
  if (node.kind === 'object') return node.entries.every((e) => isPlain(e.value));
  return true;
}

/** Whether the end of `text` is inside a JSON string literal, given the state at its start. */
function jsonStringState(text: string, state: { inString: boolean; escaped: boolean }): { inString: boolean; escaped: boolean } {
  let { inString, escaped } = state;
  for (const c of text) {
    if (!inString) inString = c === '"';
    else if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === '"') inString = false;
  }
  return { inString, escaped };
}

/**
 * Joins literal and interpolated pieces into one string value. When an
 * interpolation cannot be resolved the value is unresolved, but it keeps the
 * text with a marker in place of each such hole (a quoted marker outside a
 * JSON string), so JSON written in the template is still read around them.
 */
function assemble(parts: Piece[], template: Node, ctx: EvalContext, strip?: (chars: Chars) => Chars): ValueNode {
  const range = rangeIn(ctx.source, template.startIndex, template.endIndex);
  const whole = template.text;
  const holes = parts.filter((p): p is Extract<Piece, { value: ValueNode }> => 'value' in p);
  return liftConditionals(
    holes.map((h) => h.value),
    (values) => {
      let text = '';
      const offsets: number[] = [];
      const missing = new Map<string, { value: ValueNode; text: string }>();
      let firstMissing: ValueNode | undefined;
      let json = { inString: false, escaped: false };
      let hole = 0;
      for (const part of parts) {
        if ('chars' in part) {
          text += part.chars.text;
          offsets.push(...part.chars.offsets);
          json = jsonStringState(part.chars.text, json);
          continue;
        }
        const value = values[hole++] as ValueNode;
        let scalar = scalarForTemplate(value);
        if (scalar === undefined) {
          const interpolation = rangeIn(ctx.source, part.node.startIndex, part.node.endIndex);
          const reason = value.kind === 'unresolved' ? (value.reason ?? `${value.expression} cannot be resolved`) : `${describeValue(value)} cannot be written into a string`;
          const gap = value.kind === 'unresolved' ? value : unresolved(part.node.text, reason, interpolation);
          firstMissing ??= gap;
          const marker = `__ecsguard_hole_${missing.size}__`;
          missing.set(marker, { value: gap, text: part.node.text });
          scalar = json.inString ? marker : `"${marker}"`;
        }
        text += scalar;
        const at = part.node.startIndex + ctx.source.delta;
        for (let k = 0; k < scalar.length; k++) offsets.push(at);
      }
      let chars: Chars = { text, offsets };
      if (strip) chars = strip(chars);
      const end = offsets.length ? (offsets[offsets.length - 1] as number) + 1 : template.endIndex + ctx.source.delta;
      const origin = originFromOffsets(ctx.source.path, ctx.source.lines, [...chars.offsets, end]);
      if (firstMissing?.kind === 'unresolved') {
        const reason = firstMissing.reason ?? `${firstMissing.expression} cannot be resolved`;
        return setPartialText(unresolved(whole, reason, range), { text: chars.text, origin, holes: missing });
      }
      return setTextOrigin({ kind: 'string', value: chars.text, range, syntax: 'hcl' }, origin);
    },
  );
}

/** `"…"` and string_lit: escapes decoded; `"${x}"` alone yields x itself, as in Terraform. */
export function evaluateQuoted(template: Node, ctx: EvalContext): ValueNode {
  const start = template.firstChild;
  const end = template.lastChild;
  if (!start || !end) return unresolved(template.text, 'malformed string', rangeIn(ctx.source, template.startIndex, template.endIndex));
  const parts = pieces(template, start.endIndex, end.startIndex, true, ctx);
  const only = parts[0];
  if (parts.length === 1 && only && 'value' in only && only.node.type === 'template_interpolation') return only.value;
  return assemble(parts, template, ctx);
}

/** `<<EOF` / `<<-EOT`: no escapes but `$${`; the flush form strips the common indentation. */
export function evaluateHeredoc(template: Node, ctx: EvalContext): ValueNode {
  const identifiers = template.namedChildren.filter((c) => c.type === 'heredoc_identifier');
  const open = identifiers[0];
  const close = identifiers[identifiers.length - 1];
  const flush = template.firstChild?.text === '<<-';
  if (!open || !close || open === close) {
    return unresolved(template.text, 'malformed heredoc', rangeIn(ctx.source, template.startIndex, template.endIndex));
  }
  const text = ctx.source.lines.text;
  const delta = ctx.source.delta;
  // A template file is parsed wrapped in a heredoc whose first line is not in the file.
  const newline = text.indexOf('\n', open.endIndex + delta);
  const contentStart = open.endIndex + delta < 0 ? -delta : newline === -1 ? open.endIndex : newline + 1 - delta;
  const closeLineStart = text.lastIndexOf('\n', close.startIndex + delta - 1) + 1 - delta;
  const parts = pieces(template, contentStart, Math.max(contentStart, closeLineStart), false, ctx);
  return assemble(parts, template, ctx, flush ? stripIndent : undefined);
}

function stripIndent(chars: Chars): Chars {
  const lines = chars.text.split('\n');
  let indent = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (line.trim() === '') continue;
    indent = Math.min(indent, line.length - line.trimStart().length);
  }
  if (!Number.isFinite(indent) || indent === 0) return chars;
  let text = '';
  const offsets: number[] = [];
  let position = 0;
  lines.forEach((line, index) => {
    const skip = Math.min(indent, line.length - line.trimStart().length);
    text += line.slice(skip) + (index < lines.length - 1 ? '\n' : '');
    offsets.push(...chars.offsets.slice(position + skip, position + line.length + (index < lines.length - 1 ? 1 : 0)));
    position += line.length + 1;
  });
  return { text, offsets };
}
