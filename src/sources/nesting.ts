/** Brackets nested deeper than this are not read: no real input comes close, and parsers recurse per level. */
export const MAX_NESTING = 1000;

/**
 * True when `[` / `{` nest deeper than `limit` (double-quoted strings skipped).
 * Runs before any parser so a hostile file becomes an error of its own instead
 * of a stack overflow somewhere in a source, a check or a fixer.
 */
export function nestedTooDeep(text: string, limit = MAX_NESTING): boolean {
  return tooDeepAt(text, limit) !== undefined;
}

/** The offset of the bracket that opens level `limit` + 1, or undefined when nothing nests that deep. */
export function tooDeepAt(text: string, limit = MAX_NESTING): number | undefined {
  // Most texts (all YAML, most JSON) have too few brackets to nest that deep: counted without reading every character.
  if (bracketsAtMost(text, limit)) return undefined;
  let depth = 0;
  const length = text.length;
  const lineBreaks: LineBreakCursor = { next: 0 };
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i, lineBreaks);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** A line break after the string read last (-1: none left), kept across strings: searched again once passed. */
interface LineBreakCursor {
  next: number;
}

/**
 * Where the string opened at `open` ends: its closing quote, or a line break (an unclosed string, as in YAML or broken
 * JSON); `text.length` if neither. A backslash escapes the character after it. The closing quote is found with
 * indexOf (a plan's strings are half its text, mostly escaped JSON): a quote after an odd run of backslashes is
 * escaped. A line break before it leaves the string to the character loop, which sees escaped line breaks.
 */
function stringEnd(text: string, open: number, lineBreaks: LineBreakCursor): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote === -1) quote = text.length;
    else {
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
      if (backslashes % 2 === 1) continue;
    }
    break;
  }
  if (lineBreaks.next !== -1 && lineBreaks.next <= open) lineBreaks.next = text.indexOf('\n', open + 1);
  if (lineBreaks.next === -1 || lineBreaks.next > quote) return quote;
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22 || c === 0x0a) return i;
  }
  return text.length;
}

/** True when `text` has at most `limit` opening brackets ([ and {), in strings or not. */
function bracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++count > limit) return false;
  }
  return true;
}
