import { type SourceRange, endOffsetOf, startOffsetOf } from '../../model/location.js';
import type { ArrayNode, ObjectEntry, ObjectNode, Origin, Syntax } from '../../model/value.js';
import type { TextEdit } from '../text-edit.js';
import { type Layout, renderEntry, renderScalar, renderValue } from './render.js';
import { eolOf, indentAt, lineEndOf, lineStartOf, restIsCommentOrBlank, sameLine, trimEndOffset } from './text-layout.js';

export const syntaxOf = (node: { syntax?: Syntax }): Syntax => node.syntax ?? 'json';

/**
 * How many quoted strings the JSON at `at` (a key's or a string's opening quote) is written in: 0 for plain JSON, 1
 * for JSON in a string (`\"name\"`, or `\u0022name\u0022`), 2 for JSON in a string in a string (`\\\"name\\\"`, an
 * HCL string in a .tf.json template), and so on: each layer doubles the backslashes before the quote, plus one.
 */
export function jsonStringDepth(text: string, at: number): number {
  let run = 0;
  while (text.charCodeAt(at + run) === 0x5c) run++;
  if (run === 0) return 0;
  if (text[at + run] === '"') return quoteDepth(run);
  return text.startsWith('u0022', at + run) ? escapedQuoteDepth(run) : 0;
}

/** The backslashes before the quote that closes the key of a JSON member whose value is at `at`, as a depth (above). */
function memberDepth(text: string, at: number): number {
  let i = skipSpaceBack(text, at - 1);
  if (text[i] !== ':') return 0;
  i = skipSpaceBack(text, i - 1);
  if (text[i] === '"') {
    const run = backslashesBefore(text, i);
    return run === 0 ? 0 : quoteDepth(run);
  }
  if (text.slice(i - 4, i + 1) !== 'u0022') return 0;
  const run = backslashesBefore(text, i - 4);
  return run === 0 ? 0 : escapedQuoteDepth(run);
}

function backslashesBefore(text: string, at: number): number {
  let run = 0;
  while (text.charCodeAt(at - 1 - run) === 0x5c) run++;
  return run;
}

/** The depth of a quote after `run` backslashes: each layer of string doubles the run before it, plus one. */
const quoteDepth = (run: number): number => Math.round(Math.log2(run + 1));

/**
 * The depth of a quote written `\u0022` after `run` backslashes: one layer of string writes it with one backslash, and
 * each layer around doubles them (the escape has no quote of its own to escape).
 */
const escapedQuoteDepth = (run: number): number => Math.round(Math.log2(run)) + 1;

/** Back from `at` over white space, written as it is or escaped in a string (`\n`, `\\t`), to what comes before. */
function skipSpaceBack(text: string, at: number): number {
  let i = at;
  for (;;) {
    if (i >= 0 && /\s/.test(text[i] as string)) i--;
    else if (i >= 1 && /[ntr]/.test(text[i] as string) && text[i - 1] === '\\') {
      i--;
      while (i >= 0 && text[i] === '\\') i--;
    } else return i;
  }
}

/**
 * The JSON's depth of strings (jsonStringDepth) at its first key or string, or for an empty one at the key it is the
 * value of (`\"linuxParameters\":{}`); 0 for HCL and YAML.
 */
export function escapedJsonDepth(text: string, node: ObjectNode | ArrayNode): number {
  if (syntaxOf(node) !== 'json' || !node.range) return 0;
  const first = node.kind === 'object' ? node.entries[0]?.keyRange : node.items[0]?.range;
  const at = first?.start.offset;
  return at === undefined ? memberDepth(text, startOffsetOf(node.range)) : jsonStringDepth(text, at);
}

/**
 * JSON kept inside a quoted string (HCL, or a JSON string in a .tf.json file): its quotes are escaped. What is written
 * there is escaped as `\"` (render.ts), which reads back the same whichever way the file writes its quotes.
 */
export function isEscapedJson(text: string, node: ObjectNode | ArrayNode): boolean {
  return escapedJsonDepth(text, node) > 0;
}

/**
 * Edits written where the node's text is, escaped for every string around it that the renderer did not escape for:
 * JSON `depth` strings deep (jsonStringDepth) was rendered for one of them (escapedJson); HCL in a .tf.json file is a
 * template in the file's JSON string (`"${jsonencode([…])}"`), which the HCL renderer knows nothing of.
 */
function inStrings(edits: TextEdit[], file: string, syntax: Syntax, depth: number): TextEdit[] {
  const times = syntax === 'json' ? depth - 1 : syntax === 'hcl' && file.endsWith('.tf.json') ? 1 : 0;
  if (times <= 0) return edits;
  return edits.map((e) => {
    let written = e.text;
    for (let layer = 0; layer < times; layer++) written = JSON.stringify(written).slice(1, -1);
    return { ...e, text: written };
  });
}

function lastEntry(node: ObjectNode): (ObjectEntry & { value: { range: NonNullable<ObjectEntry['value']['range']> } }) | undefined {
  let best: (ObjectEntry & { value: { range: NonNullable<ObjectEntry['value']['range']> } }) | undefined;
  // Offsets without lines and columns (a lazy range computes those when read).
  const range = node.range;
  const start = range && startOffsetOf(range);
  const end = range && endOffsetOf(range);
  const within = (r: SourceRange | undefined): r is SourceRange =>
    r !== undefined && (!range || (r.file === range.file && startOffsetOf(r) >= (start as number) && endOffsetOf(r) <= (end as number)));
  for (const e of node.entries) {
    // A merged entry's text is the merged mapping's (it may even sit inside this one, `<<: {…}`): never an anchor here.
    if (!e.value.range || !e.keyRange || e.merged) continue;
    if (range && (startOffsetOf(e.keyRange) < (start as number) || e.keyRange.file !== range.file)) continue;
    // A value defined elsewhere (a variable default in another file) is written here as its reference; the branch a
    // known condition chose (`apm ? [{…}] : []`) ends before the rest of its conditional, and an interpolation before
    // its string's quote: the entry's text ends where its expression does (valueWritten).
    let written: SourceRange | undefined;
    for (const candidate of [e.value.range, e.value.origin?.range, e.value.origin?.chosenBy?.range, e.valueWritten])
      if (within(candidate) && (!written || endOffsetOf(candidate) > endOffsetOf(written))) written = candidate;
    if (!written) continue;
    if (!best || endOffsetOf(best.value.range) < endOffsetOf(written))
      best = written === e.value.range ? (e as typeof best) : { ...e, value: { ...e.value, range: written } };
  }
  return best;
}

/**
 * Keys in the object's own casing: PascalCase when its keys are (CloudFormation).
 * Only keys that are names count: a YAML merge key (`<<`) has no casing.
 */
export function writesPascal(node: ObjectNode, fallback: boolean): boolean {
  const first = node.entries.find((e) => e.keyRange && /^[A-Za-z]/.test(e.sourceKey))?.sourceKey;
  return first === undefined ? fallback : /^[A-Z]/.test(first);
}

/** A Terraform block's arguments (`file_system_id`), in HCL or JSON syntax: new keys are written in snake_case too. */
export function writesSnake(node: ObjectNode): boolean {
  // Keys the source read as another name (`file_system_id` as fileSystemId): a Terraform block, in HCL or in .tf.json.
  return node.entries.some((e) => e.keyRange && e.sourceKey.includes('_') && e.sourceKey !== e.key);
}

/** HCL keys aligned on `=` (as terraform fmt does): the width to pad a new key to, or 0. */
function hclKeyWidth(text: string, node: ObjectNode, last: ObjectEntry): number {
  const eqColumn = (e: ObjectEntry): { column: number; gap: number } | undefined => {
    if (!e.keyRange) return undefined;
    const eq = text.indexOf('=', e.keyRange.end.offset);
    if (eq === -1 || !sameLine(text, e.keyRange.end.offset, eq)) return undefined;
    return { column: eq - lineStartOf(text, eq), gap: eq - e.keyRange.end.offset };
  };
  const lastEq = eqColumn(last);
  if (!lastEq || !last.keyRange) return 0;
  const index = node.entries.findIndex((e) => e.keyRange === last.keyRange);
  const previous = index > 0 ? node.entries[index - 1] : undefined;
  const previousEq = previous ? eqColumn(previous) : undefined;
  const aligned = lastEq.gap > 1 || (previousEq !== undefined && previousEq.column === lastEq.column);
  if (!aligned) return 0;
  return lastEq.column - (last.keyRange.start.offset - lineStartOf(text, last.keyRange.start.offset)) - 1;
}

/**
 * Whether {@link insertEntries} has a place in the object's own text: an entry written there, or the braces of `{}`.
 * A YAML block mapping of merged keys only (`- <<: *base`) has neither: its entries are the anchor's text.
 */
export function hasPlaceToInsert(text: string, node: ObjectNode): boolean {
  if (lastEntry(node)?.keyRange) return true;
  return syntaxOf(node) !== 'yaml' || (node.range !== undefined && text[node.range.start.offset] === '{');
}

/** Inserts `entries` after the object's last entry, in its syntax, indentation and style. */
export function insertEntries(
  text: string,
  file: string,
  node: ObjectNode,
  entries: Array<[string, unknown]>,
  pascalFallback: boolean,
): TextEdit[] {
  return inStrings(insertInOneLayer(text, file, node, entries, pascalFallback), file, syntaxOf(node), escapedJsonDepth(text, node));
}

function insertInOneLayer(
  text: string,
  file: string,
  node: ObjectNode,
  entries: Array<[string, unknown]>,
  pascalFallback: boolean,
): TextEdit[] {
  const syntax = syntaxOf(node);
  const range = node.range;
  if (!range) throw new Error('object has no source range');
  const eol = eolOf(text);
  const pascal = writesPascal(node, pascalFallback);
  const snake = writesSnake(node);
  const escapedJson = isEscapedJson(text, node);
  const last = lastEntry(node);
  if (!last || !last.keyRange) {
    // An empty `{}`: write inside the braces, on one line.
    const open = text.indexOf('{', range.start.offset);
    const layout: Layout = { syntax, inline: true, indent: '', unit: '  ', eol, pascal, snake, escapedJson };
    const body = entries.map(([k, v]) => renderEntry(k, v, layout)).join(', ');
    return [{ file, start: open + 1, end: open + 1, text: syntax === 'yaml' ? body : ` ${body} ` }];
  }
  const inline =
    syntax === 'yaml' ? text[range.start.offset] === '{' : escapedJson || sameLine(text, range.start.offset, last.value.range.end.offset);
  const indent = indentAt(text, last.keyRange.start.offset);
  const parentIndent = indentAt(text, range.start.offset);
  const unit = indent.length > parentIndent.length && indent.startsWith(parentIndent) ? indent.slice(parentIndent.length) : '  ';
  // An HCL key written quoted (`"name" = …`, or `\"name\" = …` in a .tf.json template): new keys are quoted too.
  const quotedKeys = syntax === 'hcl' && /^\\?"/.test(text.slice(last.keyRange.start.offset, last.keyRange.start.offset + 2));
  const layout: Layout = { syntax, inline, indent, unit, eol, pascal, snake, escapedJson, quotedKeys };
  const valueEnd = trimEndOffset(text, last.value.range.end.offset);

  if (inline) {
    const body = entries.map(([k, v]) => renderEntry(k, v, layout)).join(', ');
    // A last value written empty (`{…, user: }`) has no text to go after, and a fix may write one there: the new
    // entries go before its key instead (a mapping's order means nothing).
    const emptyLast = syntax === 'yaml' && last.value.range.start.offset === last.value.range.end.offset;
    if (emptyLast) return [{ file, start: last.keyRange.start.offset, end: last.keyRange.start.offset, text: `${body}, ` }];
    return [{ file, start: valueEnd, end: valueEnd, text: `, ${body}` }];
  }
  const width = syntax === 'hcl' ? hclKeyWidth(text, node, last) : 0;
  const lines = entries.map(([k, v]) => `${indent}${renderEntry(k, v, layout, width)}`);
  const body = lines.join(syntax === 'json' ? `,${eol}` : eol);
  const lineEnd = lineEndOf(text, valueEnd);
  const rest = text.slice(valueEnd, lineEnd);
  if (syntax === 'json') {
    if (/^\s*$/.test(rest) || !restIsCommentOrBlank(rest)) return [{ file, start: valueEnd, end: valueEnd, text: `,${eol}${body}` }];
    // A comment after the last value stays on its line: the comma goes before it, the entry after it.
    return [
      { file, start: valueEnd, end: valueEnd, text: ',' },
      { file, start: lineEnd, end: lineEnd, text: `${eol}${body}` },
    ];
  }
  // An HCL object written with commas (`"privileged" : true,`): the new entries go after the comma, which stays put.
  const afterComma = syntax === 'hcl' && /^\s*,/.test(rest) && restIsCommentOrBlank(rest.replace(/^\s*,/, ''));
  const at = keptLinesEnd(text, last.value.range.start.offset, valueEnd) ?? (afterComma || restIsCommentOrBlank(rest) ? lineEnd : valueEnd);
  return [{ file, start: at, end: at, text: `${eol}${body}` }];
}

/** A YAML block scalar header with keep chomping (`|+`, `>2+`): its trailing blank lines are part of its value. */
const KEEP_CHOMPING_HEADER = /[|>](?:[1-9]?\+|\+[1-9]?)[ \t]*(?:#.*)?$/m;

/**
 * When the YAML written from `start` to `end` (a value, its trailing blank lines trimmed) holds a block scalar that
 * keeps its trailing blank lines, the end of the last blank line after `end`: text inserted there leaves them in the
 * scalar. Undefined otherwise (text may go right after the value).
 */
function keptLinesEnd(text: string, start: number, end: number): number | undefined {
  if (!KEEP_CHOMPING_HEADER.test(text.slice(start, end))) return undefined;
  let at = lineEndOf(text, end);
  for (;;) {
    const next = text.indexOf('\n', at);
    // The text's final line break ends the last line: nothing after it is a blank line.
    if (next === -1 || next + 1 === text.length) return at;
    const following = lineEndOf(text, next + 1);
    if (text.slice(next + 1, following).trim() !== '') return at;
    at = following;
  }
}

/** Adds `extra` items after the last item of a non-empty list, in its style. */
export function appendItems(text: string, file: string, node: ArrayNode, extra: unknown[]): TextEdit[] {
  return inStrings(appendInOneLayer(text, file, node, extra), file, syntaxOf(node), escapedJsonDepth(text, node));
}

function appendInOneLayer(text: string, file: string, node: ArrayNode, extra: unknown[]): TextEdit[] {
  const syntax = syntaxOf(node);
  const range = node.range;
  const last = node.items[node.items.length - 1];
  if (!range || !last?.range) throw new Error('list has no source range');
  const escapedJson = isEscapedJson(text, node);
  const layout = { syntax, escapedJson };
  const lastEnd = trimEndOffset(text, last.range.end.offset);
  const rendered = extra.map((item) => renderScalar(item, layout));
  const inline = syntax === 'yaml' ? text[range.start.offset] === '[' : escapedJson || sameLine(text, range.start.offset, lastEnd);
  if (inline) return [{ file, start: lastEnd, end: lastEnd, text: `, ${rendered.join(', ')}` }];
  const eol = eolOf(text);
  if (syntax === 'yaml') {
    const prefix = text.slice(lineStartOf(text, last.range.start.offset), last.range.start.offset);
    const dash = /^\s*-\s+$/.test(prefix) ? prefix : `${' '.repeat(Math.max(0, prefix.length - 2))}- `;
    const at = keptLinesEnd(text, last.range.start.offset, lastEnd) ?? lineEndOf(text, lastEnd);
    return [{ file, start: at, end: at, text: rendered.map((r) => `${eol}${dash}${r}`).join('') }];
  }
  const indent = indentAt(text, last.range.start.offset);
  return [{ file, start: lastEnd, end: lastEnd, text: rendered.map((r) => `,${eol}${indent}${r}`).join('') }];
}

/** Replaces a whole value (a scalar, an empty list, a null) with `value` on one line. */
export function replaceValue(
  text: string,
  file: string,
  node: { range?: { start: { offset: number }; end: { offset: number } }; syntax?: Syntax; origin?: Origin },
  fixedValue: unknown,
  forceDoubleQuotes: boolean,
  pascal = false,
): TextEdit {
  // A CloudFormation String parameter's Default must stay a string: `Default: "false"`, not `false`.
  const value =
    node.origin?.definitionTakesStrings && (typeof fixedValue === 'boolean' || typeof fixedValue === 'number')
      ? String(fixedValue)
      : fixedValue;
  const range = node.range;
  if (!range) throw new Error('value has no source range');
  const syntax = syntaxOf(node);
  const raw = text.slice(range.start.offset, range.end.offset);
  // A string of JSON inside a quoted string starts with an escaped quote, `\"` or `\u0022` (see jsonStringDepth); any
  // other value there is known by its key's closing quote.
  const depth =
    syntax !== 'json' ? 0 : raw.startsWith('\\') ? jsonStringDepth(text, range.start.offset) : memberDepth(text, range.start.offset);
  const escapedJson = depth > 0;
  const style = raw.startsWith("'") ? 'single' : raw.startsWith('"') || forceDoubleQuotes ? 'double' : 'plain';
  const layout: Layout = { syntax, inline: true, indent: '', unit: '  ', eol: eolOf(text), pascal, escapedJson };
  const rendered = typeof value === 'object' && value !== null ? renderValue(value, layout) : renderScalar(value, layout, style);
  if (raw === '' && syntax === 'yaml') return fillEmptyValue(text, file, range.start.offset, rendered);
  const start = syntax === 'yaml' ? standardTagStart(text, range.start.offset) : range.start.offset;
  return inStrings([{ file, start, end: range.end.offset, text: rendered }], file, syntax, depth)[0] as TextEdit;
}

/**
 * Where a standard tag written just before a YAML value starts (`!!int 0`, `!!null`), or `at` when there is none: the
 * tag goes with the old value, since it would tag the new one (`!!int "1000:1000"` is no string).
 */
function standardTagStart(text: string, at: number): number {
  const tag = /!![A-Za-z]+[ \t]*$/.exec(text.slice(lineStartOf(text, at), at));
  return tag ? at - tag[0].length : at;
}

/**
 * Writes a value where a YAML key has none, a zero-length node at `at`. Glued to the colon or to a comment's `#` it
 * would no longer be YAML (`user:"1000"`) or a comment (`"1000"# TODO`); a key written without a colon (`{…, user}`,
 * `? user`) gets one, for an explicit key on a line of its own below the `?`.
 */
function fillEmptyValue(text: string, file: string, at: number, rendered: string): TextEdit {
  // `user: !!null` is empty too.
  const start = standardTagStart(text, at);
  let previous = start - 1;
  while (previous >= 0 && (text[previous] === ' ' || text[previous] === '\t')) previous--;
  const after = text[at] === '#' ? ' ' : '';
  if (text[previous] === ':') {
    const before = /\s/.test(text[start - 1] ?? ' ') ? '' : ' ';
    return { file, start, end: at, text: `${before}${rendered}${after}` };
  }
  const explicitKey = /^([ \t]*(?:-[ \t]+)?)\?/.exec(text.slice(lineStartOf(text, previous), previous + 1));
  if (explicitKey) {
    const end = lineEndOf(text, previous);
    return { file, start: end, end, text: `${eolOf(text)}${' '.repeat(explicitKey[1]?.length ?? 0)}: ${rendered}` };
  }
  return { file, start: at, end: at, text: `: ${rendered}${after}` };
}

/**
 * Deletes one `key: value` entry written from `keyStart` to `valueEnd`: its
 * whole line when it has one (with a JSON comma the previous entry no longer
 * needs), otherwise the entry and one comma beside it. Undefined when the
 * entry shares its line with something else a deletion would break (a YAML
 * sequence dash).
 */
export function removeEntry(text: string, file: string, syntax: Syntax, keyStart: number, valueEnd: number): TextEdit[] | undefined {
  const lineStart = lineStartOf(text, keyStart);
  const before = text.slice(lineStart, keyStart);
  const lineEnd = lineEndOf(text, valueEnd);
  const after = text.slice(valueEnd, lineEnd);
  if (/^\s*$/.test(before) && /^\s*,?\s*((\/\/|#).*)?$/.test(after)) {
    const nextLine = text[lineEnd] === '\r' ? lineEnd + 2 : lineEnd < text.length ? lineEnd + 1 : lineEnd;
    const edits: TextEdit[] = [{ file, start: lineStart, end: nextLine, text: '' }];
    if (syntax === 'json' && !/^\s*,/.test(after)) {
      // The last entry goes: the one before it loses its comma.
      const previous = trimEndOffset(text, lineStart) - 1;
      if (text[previous] === ',') edits.push({ file, start: previous, end: previous + 1, text: '' });
    }
    return edits;
  }
  if (syntax === 'yaml' && /^\s*-\s*$/.test(before)) return undefined;
  const comma = /^\s*,[ \t]*/.exec(after);
  if (comma) return [{ file, start: keyStart, end: valueEnd + comma[0].length, text: '' }];
  let i = keyStart - 1;
  while (i >= 0 && /[ \t]/.test(text[i] ?? '')) i--;
  if (text[i] === ',') return [{ file, start: i, end: valueEnd, text: '' }];
  return [{ file, start: keyStart, end: valueEnd, text: '' }];
}
