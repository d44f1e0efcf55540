import type { Node, Parser } from 'web-tree-sitter';
import type { SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { describeValue } from '../../model/value.js';
import { evaluate } from './evaluate.js';
import type { EvalContext } from './scope.js';
import {
  type TemplatePlaceholder,
  jsonEncodedText,
  liftConditionals,
  HOLE_MARKER,
  holeMarker,
  originFromOffsets,
  partialText,
  rangeIn,
  setPartialText,
  setTextOrigin,
  unresolved,
} from './values.js';

interface Chars {
  text: string;
  offsets: number[];
}

const QUOTED_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Decodes a literal span of a template, keeping the file offset of every character. */
function literalChars(raw: string, start: number, quoted: boolean): Chars {
  const offsets: number[] = [];
  // Most literals (a heredoc of JSON) escape nothing: every character is the file's, at its offset.
  if (!raw.includes('$${') && !raw.includes('%%{') && !(quoted && raw.includes('\\'))) {
    for (let i = 0; i < raw.length; i++) offsets.push(start + i);
    return { text: raw, offsets };
  }
  let text = '';
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

type Piece = { chars: Chars } | { value: ValueNode; node: Node } | Choice;
/** `%{ if c }…%{ else }…%{ endif }` whose condition cannot be resolved: both texts are kept. */
type Choice = { choice: string; range: SourceRange; whenTrue: Piece[]; whenFalse: Piece[] };
type Strip = { strip: 'before' | 'after' };

function pieces(template: Node, contentStart: number, contentEnd: number, quoted: boolean, ctx: EvalContext): Piece[] {
  const out: Array<Piece | Strip> = [];
  collect(template.namedChildren, contentStart, contentEnd, quoted, ctx, out);
  return applyStrips(out);
}

/** Literal text between `nodes`, their interpolations and their directives, in order, from `start` to `end`. */
function collect(nodes: Node[], start: number, end: number, quoted: boolean, ctx: EvalContext, out: Array<Piece | Strip>): void {
  const text = ctx.source.lines.text;
  const delta = ctx.source.delta;
  let cursor = start;
  const literalUpTo = (to: number): void => {
    if (to > cursor) out.push({ chars: literalChars(text.slice(cursor + delta, to + delta), cursor + delta, quoted) });
  };
  for (const child of nodes) {
    if (child.type === 'template_interpolation') {
      literalUpTo(child.startIndex);
      const expression = child.namedChildren.find((c) => c.type === 'expression');
      const value = expression
        ? evaluate(expression, ctx)
        : unresolved(child.text, 'empty interpolation', rangeIn(ctx.source, child.startIndex, child.endIndex));
      stripsAround(child, out, () => out.push({ value, node: child }));
      cursor = child.endIndex;
    } else if (child.type === 'template_directive') {
      literalUpTo(child.startIndex);
      directive(child, quoted, ctx, out);
      cursor = child.endIndex;
    }
  }
  literalUpTo(end);
}

/** `~` right after `${`/`%{` strips the whitespace before; right before `}`, the whitespace after. */
function stripsAround(node: Node, out: Array<Piece | Strip>, inner: () => void): void {
  const children = node.namedChildren;
  const markers = children.filter((c) => c.type === 'strip_marker');
  const before = markers.some(
    (m) => m.previousNamedSibling?.type === 'template_directive_start' || m.previousNamedSibling?.type === 'template_interpolation_start',
  );
  const after = markers.some(
    (m) => m.nextNamedSibling?.type === 'template_directive_end' || m.nextNamedSibling?.type === 'template_interpolation_end',
  );
  if (before) out.push({ strip: 'before' });
  inner();
  if (after) out.push({ strip: 'after' });
}

/** `%{ if }` and `%{ for }` with known values are expanded; otherwise the directive is an unresolved hole. */
function directive(node: Node, quoted: boolean, ctx: EvalContext, out: Array<Piece | Strip>): void {
  const inner = node.firstNamedChild;
  const range = rangeIn(ctx.source, node.startIndex, node.endIndex);
  const hole = (reason: string): void => void out.push({ value: unresolved(node.text, reason, range), node });
  const parts = inner?.namedChildren ?? [];
  if (inner?.type === 'template_if') {
    const intro = parts.find((c) => c.type === 'template_if_intro');
    const otherwise = parts.find((c) => c.type === 'template_else_intro');
    const close = parts.find((c) => c.type === 'template_if_end');
    const condition = intro?.namedChildren.find((c) => c.type === 'expression');
    if (!intro || !close || !condition) {
      hole('malformed template directive');
      return;
    }
    const value = evaluate(condition, ctx);
    const known =
      value.kind === 'boolean'
        ? value.value
        : value.kind === 'string' && (value.value === 'true' || value.value === 'false')
          ? value.value === 'true'
          : undefined;
    if (known === undefined) {
      const branch = (from: Node | undefined, to: Node): Piece[] => {
        if (!from) return [];
        const list: Array<Piece | Strip> = [];
        collect(
          parts.filter((c) => c.startIndex >= from.endIndex && c.endIndex <= to.startIndex),
          from.endIndex,
          to.startIndex,
          quoted,
          ctx,
          list,
        );
        return applyStrips(list);
      };
      out.push({ choice: condition.text, range, whenTrue: branch(intro, otherwise ?? close), whenFalse: branch(otherwise, close) });
      return;
    }
    const from = known ? intro : otherwise;
    const to = known ? (otherwise ?? close) : close;
    stripsAround(intro, out, () => undefined);
    if (from) {
      if (otherwise && !known) stripsAround(otherwise, out, () => undefined);
      const body = parts.filter((c) => c.startIndex >= from.endIndex && c.endIndex <= to.startIndex);
      collect(body, from.endIndex, to.startIndex, quoted, ctx, out);
    }
    stripsAround(close, out, () => undefined);
    return;
  }
  if (inner?.type === 'template_for') {
    const open = parts.find((c) => c.type === 'template_for_start');
    const close = parts.find((c) => c.type === 'template_for_end');
    const collection = open?.namedChildren.find((c) => c.type === 'expression');
    const identifiers = open?.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text) ?? [];
    if (!open || !close || !collection || identifiers.length === 0) {
      hole('malformed template directive');
      return;
    }
    const value = evaluate(collection, ctx);
    if (value.kind !== 'array' && value.kind !== 'object') {
      hole(value.kind === 'unresolved' ? (value.reason ?? `${value.expression} cannot be resolved`) : `cannot iterate over ${value.kind}`);
      return;
    }
    const pairs: Array<[ValueNode, ValueNode]> =
      value.kind === 'array'
        ? value.items.map((item, i) => [{ kind: 'number', value: i, raw: String(i) }, item])
        : value.entries.map((e) => [{ kind: 'string', value: e.key }, e.value]);
    const body = parts.filter((c) => c.startIndex >= open.endIndex && c.endIndex <= close.startIndex);
    for (const [key, item] of pairs) {
      const names = new Map(ctx.names);
      if (identifiers.length === 2) names.set(identifiers[0] as string, key).set(identifiers[1] as string, item);
      else names.set(identifiers[0] as string, item);
      stripsAround(open, out, () => undefined);
      collect(body, open.endIndex, close.startIndex, quoted, { ...ctx, names }, out);
      stripsAround(close, out, () => undefined);
    }
    return;
  }
  hole('this template directive is not evaluated');
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Applies the strip markers to the literal text next to them, then drops them. */
function applyStrips(items: Array<Piece | Strip>): Piece[] {
  const result: Piece[] = [];
  let stripNext = false;
  for (const item of items) {
    if ('strip' in item) {
      if (item.strip === 'after') stripNext = true;
      else {
        // Trim the whitespace that ends the literal text before, across pieces that are wholly whitespace.
        for (let i = result.length - 1; i >= 0; i--) {
          const piece = result[i] as Piece;
          if (!('chars' in piece)) break;
          let keep = piece.chars.text.length;
          while (keep > 0 && isSpace(piece.chars.text[keep - 1] as string)) keep--;
          result[i] = { chars: { text: piece.chars.text.slice(0, keep), offsets: piece.chars.offsets.slice(0, keep) } };
          if (keep > 0) break;
        }
      }
      continue;
    }
    if ('chars' in item && stripNext) {
      let skip = 0;
      while (skip < item.chars.text.length && isSpace(item.chars.text[skip] as string)) skip++;
      const rest = { chars: { text: item.chars.text.slice(skip), offsets: item.chars.offsets.slice(skip) } };
      if (rest.chars.text.length > 0) stripNext = false;
      result.push(rest);
      continue;
    }
    if (!('chars' in item)) stripNext = false;
    result.push(item);
  }
  return result;
}

function scalarForTemplate(value: ValueNode): string | undefined {
  if (value.kind === 'string') return value.value;
  if (value.kind === 'number') return value.raw;
  if (value.kind === 'boolean') return String(value.value);
  // `${jsonencode(local.env)}` in a JSON template: its JSON text, when every value in it is known.
  return jsonEncodedText(value);
}

/**
 * Where the end of `text` is in the JSON a template writes, given the state at its start: inside a string literal,
 * and whether an object's member name comes next (after `{` or `,` in an object), where a hole writes a member.
 */
interface JsonState {
  inString: boolean;
  escaped: boolean;
  /** The open brackets, innermost last. */
  open: string;
  /** The last character outside strings that is not white space. */
  last: string;
}

const START_STATE: JsonState = { inString: false, escaped: false, open: '', last: '' };

function jsonState(text: string, state: JsonState): JsonState {
  let { inString, escaped, open, last } = state;
  for (const c of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') {
        inString = false;
        last = c;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') open += c;
    else if (c === '}' || c === ']') open = open.slice(0, -1);
    if (c.trim() !== '') last = c;
  }
  return { inString, escaped, open, last };
}

/** Whether a hole at the end of this state writes an object's member (`{ …, ${module.x.log}, … }`). */
const atMemberName = (state: JsonState): boolean =>
  !state.inString && state.open.endsWith('{') && (state.last === '{' || state.last === ',');

/**
 * Joins literal and interpolated pieces into one string value. When an
 * interpolation cannot be resolved the value is unresolved, but it keeps the
 * text with a marker in place of each such hole (a quoted marker outside a
 * JSON string), so JSON written in the template is still read around them.
 */
function assemble(parts: Piece[], template: Node, ctx: EvalContext, strip?: (chars: Chars) => Chars): ValueNode {
  const at = parts.findIndex((p) => 'choice' in p);
  if (at !== -1) {
    // Both texts of an unresolved %{ if } are judged, like `a ? b : c`.
    const choice = parts[at] as Choice;
    const around = (middle: Piece[]): Piece[] => [...parts.slice(0, at), ...middle, ...parts.slice(at + 1)];
    return {
      kind: 'conditional',
      condition: choice.choice,
      whenTrue: assemble(around(choice.whenTrue), template, ctx, strip),
      whenFalse: assemble(around(choice.whenFalse), template, ctx, strip),
      range: choice.range,
      syntax: 'hcl',
    };
  }
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
      let json = START_STATE;
      let hole = 0;
      // The interpolations whose values were written in: JSON decoded from the text knows which of its values and
      // brackets are another expression's characters, which a fix cannot edit here.
      const placeholders: TemplatePlaceholder[] = [];
      for (const part of parts) {
        if ('chars' in part) {
          text += part.chars.text;
          for (const offset of part.chars.offsets) offsets.push(offset);
          json = jsonState(part.chars.text, json);
          continue;
        }
        if ('choice' in part) continue; // expanded above
        const value = values[hole++] as ValueNode;
        const at = part.node.startIndex + ctx.source.delta;
        const interpolated = { expression: part.node.text, range: rangeIn(ctx.source, part.node.startIndex, part.node.endIndex) };
        const inner = value.kind === 'unresolved' && !json.inString ? partialText(value) : undefined;
        if (inner) {
          // A template read into this one (`${local.sidecar}`, itself a heredoc with a hole): its text goes in with
          // its holes, so the JSON around them is still read. Its characters sit at the `${`, which a fix cannot edit.
          const renamed = new Map<string, string>();
          for (const [marker, gap] of inner.holes) {
            const name = holeMarker(missing.size);
            renamed.set(marker, name);
            missing.set(name, gap);
            firstMissing ??= gap.value;
          }
          const piece = inner.text.replace(HOLE_MARKER, (marker) => renamed.get(marker) ?? marker);
          text += piece;
          for (let k = 0; k < piece.length; k++) offsets.push(at);
          json = jsonState(piece, json);
          placeholders.push(interpolated);
          continue;
        }
        let scalar = scalarForTemplate(value);
        const written = scalar !== undefined;
        if (scalar === undefined) {
          const reason =
            value.kind === 'unresolved'
              ? (value.reason ?? `${value.expression} cannot be resolved`)
              : `${describeValue(value)} cannot be written into a string`;
          const gap = value.kind === 'unresolved' ? value : unresolved(part.node.text, reason, interpolated.range);
          firstMissing ??= gap;
          const marker = holeMarker(missing.size);
          missing.set(marker, { value: gap, text: part.node.text });
          // In a string, the marker is part of it; as a member, a member of its own (the object is then unresolved).
          scalar = json.inString ? marker : atMemberName(json) ? `"${marker}": null` : `"${marker}"`;
        }
        text += scalar;
        json = jsonState(scalar, json);
        for (let k = 0; k < scalar.length; k++) offsets.push(at);
        if (written && scalar.length > 0) placeholders.push(interpolated);
      }
      let chars: Chars = { text, offsets };
      if (strip) chars = strip(chars);
      const end = offsets.length ? (offsets[offsets.length - 1] as number) + 1 : template.endIndex + ctx.source.delta;
      const offsetsOrigin = originFromOffsets(ctx.source.path, ctx.source.lines, [...chars.offsets, end]);
      const origin = placeholders.length ? { ...offsetsOrigin, placeholders } : offsetsOrigin;
      if (firstMissing?.kind === 'unresolved') {
        const reason = firstMissing.reason ?? `${firstMissing.expression} cannot be resolved`;
        // A long template is named by its first hole, not quoted whole in every message.
        const [firstHole] = missing.values();
        const expression = whole.length <= 100 || !firstHole ? whole : `…${firstHole.text}…`;
        return setPartialText(unresolved(expression, reason, range), { text: chars.text, origin, holes: missing });
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
  // A template file's closing marker is the wrapper's, after the file: the content is the whole file, also when its
  // last line has no line break (the line before the marker is then the file's last).
  const closeAt = close.startIndex + delta;
  const closeLineStart = closeAt > text.length ? text.length - delta : text.lastIndexOf('\n', closeAt - 1) + 1 - delta;
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
    const to = Math.min(chars.offsets.length, position + line.length + (index < lines.length - 1 ? 1 : 0));
    for (let k = position + skip; k < to; k++) offsets.push(chars.offsets[k] as number);
    position += line.length + 1;
  });
  return { text, offsets };
}

const TEMPLATE_MARKER = 'ECSGUARD_TEMPLATE_END';

/**
 * A template's text (a template file, a .tf.json string) parsed as a heredoc's body, so every `${…}` keeps its place
 * in the text: `use` gets the heredoc and the delta from the parse's indexes to the text's (`SourceText.delta`).
 * Undefined when the text does not parse as a template. The tree lives only while `use` runs.
 */
export function withTemplateBody<T>(parser: Parser, text: string, use: (heredoc: Node, delta: number) => T): T | undefined {
  const prefix = `x = <<${TEMPLATE_MARKER}\n`;
  const tree = parser.parse(`${prefix}${text}\n${TEMPLATE_MARKER}\n`);
  try {
    const heredoc = tree?.rootNode.descendantsOfType('heredoc_template')[0];
    if (!heredoc || tree?.rootNode.hasError) return undefined;
    return use(heredoc, -prefix.length);
  } finally {
    tree?.delete();
  }
}
