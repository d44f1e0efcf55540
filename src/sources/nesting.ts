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

/**
 * YAML nested deeper than this is not read. Its parsers recurse per level of block indentation, compact `- ` entry and
 * flow bracket, and ran out of the main thread's stack (about 1 MB) at 800 to 900 levels; a worker's 4 MB stack reads
 * deeper, so without a limit below both, a scan's result would depend on which thread read the file. No real input
 * comes close (templates nest a few dozen levels).
 */
export const MAX_YAML_NESTING = 400;

/** Why a YAML text nested past MAX_YAML_NESTING is not read. */
export const YAML_TOO_DEEP = `nested more than ${MAX_YAML_NESTING} levels deep (indentation, \`- \` entries, [ and {); not read`;

/**
 * The offset of the line (or bracket) where a YAML text's nesting first exceeds `limit`, or undefined. Nesting is
 * counted as its parsers recurse: the block indentation levels open at a line, the compact entries (`- - a`) on it and
 * the flow collections open there. It counts what could nest, never less: block scalars' content and quoted scalars
 * are skipped, and a bracket counts where it opens a value.
 */
export function yamlTooDeepAt(text: string, limit = MAX_YAML_NESTING): number | undefined {
  if (certainlyWithin(text, limit)) return undefined;
  const indents: number[] = [];
  const length = text.length;
  let flow = 0;
  /** Inside a block scalar: the indentation its content lines exceed; -1 outside one. */
  let scalarIndent = -1;
  /** A quoted scalar that goes on past its line: its quote character; 0 when none. */
  let quote = 0;
  for (let start = 0; start < length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    let i = start;
    while (text.charCodeAt(i) === 32) i++;
    const indent = i - start;
    const c = i < end ? text.charCodeAt(i) : -1;
    const blank = c === -1 || c === 13 || c === 35;
    if (scalarIndent >= 0 && (blank || indent > scalarIndent)) {
      start = end + 1;
      continue;
    }
    scalarIndent = -1;
    if (quote !== 0) {
      // A line inside a quoted scalar: nothing nests until it closes.
      const closed = skipQuoted(text, i, end, quote);
      if (closed >= end) {
        start = end + 1;
        continue;
      }
      quote = 0;
      i = closed + 1;
    } else if (flow === 0 && !blank) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
      // Compact entries: each `- ` opens a sequence whose entry starts further on.
      while (text.charCodeAt(i) === 45 && isSpaceOrEnd(text.charCodeAt(i + 1))) {
        i++;
        while (text.charCodeAt(i) === 32) i++;
        indents.push(i - start);
      }
      if (indents.length > limit) return start;
      i = blockValueStart(text, i, end);
    }
    // What the line opens from `i`: a flow collection, a quoted scalar, a block scalar.
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 91 || ch === 123) {
        if (++flow + indents.length > limit) return i;
      } else if (flow > 0 && (ch === 93 || ch === 125)) {
        if (--flow === 0) break;
      } else if ((ch === 34 || ch === 39) && startsScalar(text, i, flow)) {
        const closed = skipQuoted(text, i + 1, end, ch);
        if (closed >= end) {
          quote = ch;
          break;
        }
        i = closed;
      } else if (ch === 35 && (i === 0 || isSpaceOrEnd(text.charCodeAt(i - 1)))) break;
      else if (flow === 0) {
        if ((ch === 124 || ch === 62) && startsScalar(text, i, 0)) scalarIndent = indent;
        break;
      }
    }
    start = end + 1;
  }
  return undefined;
}

const isSpaceOrEnd = (c: number) => c === 32 || c === 10 || c === 13 || Number.isNaN(c);

/** Where a node may start at `i` (a line's content): past a key and its `: `, and past tags and anchors. */
function blockValueStart(text: string, i: number, end: number): number {
  let at = i;
  const first = text.charCodeAt(at);
  // A quoted key: its end, so a `: ` inside it is not taken for the separator.
  if (first === 34 || first === 39) at = skipQuoted(text, at + 1, end, first) + 1;
  const separator = text.indexOf(': ', at);
  const colonAtEnd = text.charCodeAt(end - 1) === 58 || (text.charCodeAt(end - 1) === 13 && text.charCodeAt(end - 2) === 58);
  let value = separator !== -1 && separator < end && !/[[{"']/.test(text.slice(i, separator)) ? separator + 2 : i;
  if (value === i && colonAtEnd) return end;
  // Tags (`!Ref`) and anchors (`&a`) before the value.
  for (;;) {
    while (text.charCodeAt(value) === 32) value++;
    const c = text.charCodeAt(value);
    if (c !== 33 && c !== 38) return value;
    while (value < end && text.charCodeAt(value) !== 32) value++;
  }
}

/** Whether a quote or block-scalar indicator at `i` starts a scalar: at a value's start, or after a flow separator. */
function startsScalar(text: string, i: number, flow: number): boolean {
  let before = i - 1;
  while (before >= 0 && text.charCodeAt(before) === 32) before--;
  const c = before < 0 ? 10 : text.charCodeAt(before);
  if (c === 10 || c === 45 || c === 58 || c === 33) return true;
  return flow > 0 && (c === 91 || c === 123 || c === 44 || c === 63);
}

/** The offset of the quote that closes a quoted scalar from `i`, or `end` when it goes on past the line. */
function skipQuoted(text: string, i: number, end: number, quote: number): number {
  for (let at = i; at < end; at++) {
    const c = text.charCodeAt(at);
    if (quote === 34 && c === 92) at++;
    else if (c === quote) {
      if (quote === 39 && text.charCodeAt(at + 1) === 39) at++;
      else return at;
    }
  }
  return end;
}

/**
 * Whether a text certainly nests no deeper than `limit`, from native searches alone: block nesting at a line is at most
 * its indentation plus its compact entries, flow nesting at most the brackets. So no line indented by half the limit,
 * and fewer `- ` and brackets together than the other half, is within it.
 */
function certainlyWithin(text: string, limit: number): boolean {
  const half = Math.floor(limit / 2);
  const indented = ' '.repeat(half);
  if (text.startsWith(indented) || text.includes(`\n${indented}`)) return false;
  let marks = 0;
  for (const mark of ['- ', '-\n', '[', '{']) {
    for (let i = text.indexOf(mark); i !== -1; i = text.indexOf(mark, i + 1)) if (++marks >= limit - half) return false;
  }
  return true;
}
