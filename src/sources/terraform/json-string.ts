import type { LineIndex } from '../../model/location.js';
import type { TextOrigin } from './values.js';

/** `"`, `\\`, `/`, `b`, `f`, `n`, `r`, `t`: the characters after a backslash that make a two-character escape. */
const isSimpleEscape = (code: number): boolean =>
  code === 34 || code === 92 || code === 47 || code === 98 || code === 102 || code === 110 || code === 114 || code === 116;

/**
 * Maps the characters of a JSON string literal's value to offsets in the file,
 * so JSON nested in the string (a plan's container_definitions) points at the
 * escaped text in the plan file. `start` is the offset of the opening quote.
 */
export function jsonStringOrigin(path: string, lines: LineIndex, start: number, length: number): TextOrigin {
  const end = start + length - 1; // the closing quote
  // Built on first use: most strings of a plan are never decoded. One number per escape: the value index of the
  // character it writes. An escape takes one character more than it writes (`\"`), a \uXXXX escape five: the
  // characters the escapes up to k take beyond what they write are k + 1, or `beyond[k]` once the string has a
  // \uXXXX escape. (Three numbers per escape, grown by push, were a twelfth of what a 5,000-resource plan's
  // reading allocated; runs in two arrays, and typed arrays per string, cost more CPU.)
  let escapes: number[] | undefined;
  let beyond: number[] | undefined;
  let valueLength = 0;
  let last = -1; // the escape found last: decoding asks for offsets in order, mostly
  return {
    path,
    lines,
    offsetAt(index) {
      if (!escapes) {
        const found: Escapes = { at: [], valueLength: 0 };
        findEscapes(lines.text, start, end, found);
        escapes = found.at;
        beyond = found.beyond;
        valueLength = found.valueLength;
      }
      if (index >= valueLength) return end;
      const count = escapes.length;
      // The last escape at or before `index` (-1: none). Offsets come mostly in increasing order, a few escapes
      // apart: step forward from the last one found, else search.
      let at = last;
      if (at >= 0 && (escapes[at] as number) > index) at = -1;
      let steps = 0;
      while (at + 1 < count && (escapes[at + 1] as number) <= index && steps++ < 8) at++;
      if (at + 1 < count && (escapes[at + 1] as number) <= index) {
        let low = at + 1;
        let high = count - 1;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if ((escapes[mid] as number) <= index) low = mid;
          else high = mid - 1;
        }
        at = low;
      }
      last = at;
      if (at < 0) return start + 1 + index;
      // The escape's own character is where its backslash is: after the escapes before it.
      if (escapes[at] === index) return start + 1 + index + (at === 0 ? 0 : beyond ? (beyond[at - 1] as number) : at);
      return start + 1 + index + (beyond ? (beyond[at] as number) : at + 1);
    },
  };
}

interface Escapes {
  /** The value index of each escape's character. */
  at: number[];
  /** With a \uXXXX escape: the characters the escapes up to each take beyond what they write. */
  beyond?: number[];
  valueLength: number;
}

/**
 * Finds the escapes of the string literal between `start` and `end` (its quotes); a backslash that starts none is a
 * character. Jumps from backslash to backslash with indexOf, in the literal only (a search in the whole file could
 * run far past a literal without one).
 */
function findEscapes(text: string, start: number, end: number, out: Escapes): void {
  // With the closing quote, which an escape's second character may be (as when reading the file's text).
  const literal = text.slice(start + 1, end + 1);
  const length = end - start - 1;
  const at = out.at;
  let beyond: number[] | undefined;
  let extra = 0;
  let valueIndex = 0;
  let i = 0;
  while (i < length) {
    const backslash = literal.indexOf('\\', i);
    if (backslash === -1 || backslash >= length) {
      valueIndex += length - i;
      break;
    }
    valueIndex += backslash - i;
    const next = literal.charCodeAt(backslash + 1); // NaN past the end: no escape
    const width = next === 117 ? 6 : isSimpleEscape(next) ? 2 : 1;
    if (width > 1) {
      if (width !== 2 && !beyond) beyond = Array.from({ length: at.length }, (_, k) => k + 1);
      at.push(valueIndex);
      extra += width - 1;
      beyond?.push(extra);
    }
    valueIndex += 1;
    i = backslash + width;
  }
  out.valueLength = valueIndex;
  if (beyond) out.beyond = beyond;
}
