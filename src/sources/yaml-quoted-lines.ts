import { yamlPackage } from './yaml-lazy.js';

/**
 * CloudFormation's YAML parser reads a multi-line quoted scalar whose
 * continuation lines are indented only as far as its key:
 *
 *     Description: 'Ships logs
 *     to the central bucket'
 *
 * YAML 1.2 requires those lines to be indented further, and the `yaml` package
 * has no option to relax it (strict, version and uniqueKeys do not change the
 * lexer), so such a file would be a syntax error and lose every task
 * definition in it. The leading white space of a continuation line is not part
 * of a quoted scalar's value (line folding drops it), so indenting those lines
 * changes nothing but the parse. This module does that, and maps positions in
 * the indented text back to the file.
 */
export interface IndentedText {
  text: string;
  /** Offset in `text` → offset in the original text. */
  toOriginal(offset: number): number;
}

interface Insertion {
  /** Offset in the original text (a line start). */
  at: number;
  spaces: number;
}

/** Tokens the lexer emits that have no width in the text. */
const ZERO_WIDTH = new Set(['\u{FEFF}', '\x02', '\x18', '\x1f']);
/** A hostile file cannot make this quadratic for long. */
const MAX_REPAIRS = 200;

/** The text with under-indented quoted-scalar lines indented, or undefined when there is nothing to repair. */
export function indentQuotedContinuations(original: string): IndentedText | undefined {
  const insertions: Insertion[] = [];
  let text = original;
  let map = (offset: number) => offset;
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const start = firstUnterminatedQuote(text);
    if (start === undefined) break;
    const known = new Set(insertions.map((i) => i.at));
    const found = continuationsToIndent(original, map(start)).filter((i) => !known.has(i.at));
    if (!found.length) break;
    insertions.push(...found);
    insertions.sort((a, b) => a.at - b.at);
    ({ text, map } = apply(original, insertions));
  }
  return insertions.length ? { text, toOriginal: map } : undefined;
}

/** Offset of the first quoted scalar the lexer ends at a line end without its closing quote. */
function firstUnterminatedQuote(text: string): number | undefined {
  let offset = 0;
  const { Lexer } = yamlPackage();
  for (const token of new Lexer().lex(text)) {
    if (ZERO_WIDTH.has(token)) continue;
    const quote = token[0];
    if ((quote === "'" || quote === '"') && closingQuote(token, 0) !== token.length - 1) return offset;
    offset += token.length;
  }
  return undefined;
}

/** Index of the quote that closes the scalar opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/**
 * Continuation lines of the scalar opened at `open` that need more indentation
 * than the node holding it: the column after the opening line's indentation
 * and sequence dashes, plus one.
 */
function continuationsToIndent(text: string, open: number): Insertion[] {
  const close = closingQuote(text, open);
  if (close === -1) return [];
  const lineStart = text.lastIndexOf('\n', open - 1) + 1;
  const prefix = /^[ ]*(?:-[ ]+)*/.exec(text.slice(lineStart, open))?.[0] ?? '';
  const required = prefix.length + 1;
  const insertions: Insertion[] = [];
  for (let nl = text.indexOf('\n', open); nl !== -1 && nl < close; nl = text.indexOf('\n', nl + 1)) {
    const at = nl + 1;
    let indent = 0;
    while (text[at + indent] === ' ') indent++;
    const next = text[at + indent];
    if (next === '\n' || next === '\r' || next === undefined) continue; // blank lines fold to line breaks
    if (indent < required) insertions.push({ at, spaces: required - indent });
  }
  return insertions;
}

function apply(original: string, insertions: Insertion[]): { text: string; map: (offset: number) => number } {
  let text = '';
  let last = 0;
  const shifted: Array<{ from: number; to: number; original: number }> = [];
  for (const { at, spaces } of insertions) {
    text += original.slice(last, at);
    const from = text.length;
    text += ' '.repeat(spaces);
    shifted.push({ from, to: text.length, original: at });
    last = at;
  }
  text += original.slice(last);
  const map = (offset: number): number => {
    let shift = 0;
    for (const s of shifted) {
      if (offset < s.from) break;
      if (offset < s.to) return s.original; // inside inserted spaces: the line start
      shift += s.to - s.from;
    }
    return offset - shift;
  };
  return { text, map };
}
