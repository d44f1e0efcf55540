/**
 * A scanner of strict JSON (RFC 8259, whitespace of space, tab, CR and LF only) over a text's character codes: it
 * validates every character and builds no string. Readers built on it (strict-json-values.ts, the plan index) throw
 * NOT_STRICT at the first character that is anything else, and leave that text to jsonc-parser, which reads comments,
 * trailing commas and other whitespace where asked and says where a text is wrong. So what is reported about a text
 * never depends on these readers; they only make strict JSON, nearly every input, faster to read.
 */

/** Thrown at the first character that is not strict JSON; caught by the reader that started the scan. */
class NotStrictJson extends Error {}

/** The one instance thrown (made once: a stack trace per text read would cost more than the scan saves). */
export const NOT_STRICT = new NotStrictJson('not strict JSON');

export const QUOTE = 0x22;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
const BACKSLASH = 0x5c;

/** Whether the string literal skipped last had an escape: its text is then decoded, not sliced. */
let escaped = false;

/** The value of the string literal [start, end) that skipString read last. */
export function stringValue(text: string, start: number, end: number): string {
  return escaped ? (JSON.parse(text.slice(start, end)) as string) : text.slice(start + 1, end - 1);
}

/** Whether the string literal skipString read last had an escape. */
export const lastStringEscaped = (): boolean => escaped;

export function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** The offset after the string literal that opens at `open` (a quote). */
export function skipString(text: string, open: number): number {
  let i = open + 1;
  let sawEscape = false;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      sawEscape = true;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        if (
          !(
            isHex(text.charCodeAt(i + 2)) &&
            isHex(text.charCodeAt(i + 3)) &&
            isHex(text.charCodeAt(i + 4)) &&
            isHex(text.charCodeAt(i + 5))
          )
        )
          throw NOT_STRICT;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2;
      else throw NOT_STRICT;
    } else if (c >= 0x20) i++;
    else throw NOT_STRICT; // a control character, or the end of the text (NaN)
  }
  escaped = sawEscape;
  return i + 1;
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The offset after `true`, `false` or `null` at `i`. */
export function skipWord(text: string, i: number, word: 'true' | 'false' | 'null'): number {
  if (!text.startsWith(word, i)) throw NOT_STRICT;
  return i + word.length;
}

/** The offset after the number at `i`. What follows it is the caller's to check (a delimiter or the end). */
export function skipNumber(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x2d) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30) i++;
  else if (first >= 0x31 && first <= 0x39) while (isDigit(text.charCodeAt(++i)));
  else throw NOT_STRICT;
  if (text.charCodeAt(i) === 0x2e) {
    if (!isDigit(text.charCodeAt(++i))) throw NOT_STRICT;
    while (isDigit(text.charCodeAt(++i)));
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const sign = text.charCodeAt(++i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) throw NOT_STRICT;
    while (isDigit(text.charCodeAt(++i)));
  }
  return i;
}

/** Validates the value at `i` and returns the offset after it. */
export function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE) return skipObject(text, i);
  if (c === OPEN_BRACKET) return skipArray(text, i);
  if (c === 0x74) return skipWord(text, i, 'true');
  if (c === 0x66) return skipWord(text, i, 'false');
  if (c === 0x6e) return skipWord(text, i, 'null');
  return skipNumber(text, i);
}

export function skipObject(text: string, open: number): number {
  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw NOT_STRICT;
    i = skipSpace(text, skipString(text, i));
    if (text.charCodeAt(i) !== COLON) throw NOT_STRICT;
    i = skipSpace(text, skipValue(text, skipSpace(text, i + 1)));
    i = afterMember(text, i, CLOSE_BRACE);
    if (i < 0) return -i;
  }
}

export function skipArray(text: string, open: number): number {
  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = afterMember(text, skipSpace(text, skipValue(text, i)), CLOSE_BRACKET);
    if (i < 0) return -i;
  }
}

/**
 * After a member at `i`: a comma (returns where the next member starts) or the container's `close` (returns minus the
 * offset after it, which is never 0).
 */
export function afterMember(text: string, i: number, close: number): number {
  const c = text.charCodeAt(i);
  if (c === COMMA) return skipSpace(text, i + 1);
  if (c === close) return -(i + 1);
  throw NOT_STRICT;
}
