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
  // Built on first use: most strings of a plan are never decoded. Three numbers per escape, in one array: the value
  // index of the character it writes, the offset of its backslash, and the offset that, plus a value index, gives
  // the characters after it (up to the next escape). Runs grown by push in two arrays, and typed arrays per string,
  // cost more CPU for a 5,000-resource plan.
  let escapes: number[] | undefined;
  let valueLength = 0;
  let last = -1; // the escape found last: decoding asks for offsets in order, mostly
  return {
    path,
    lines,
    offsetAt(index) {
      if (!escapes) {
        escapes = [];
        valueLength = findEscapes(lines.text, start, end, escapes);
      }
      if (index >= valueLength) return end;
      const count = escapes.length / 3;
      // The last escape at or before `index` (-1: none). Offsets come mostly in increasing order, a few escapes
      // apart: step forward from the last one found, else search.
      let at = last;
      if (at >= 0 && (escapes[at * 3] as number) > index) at = -1;
      let steps = 0;
      while (at + 1 < count && (escapes[(at + 1) * 3] as number) <= index && steps++ < 8) at++;
      if (at + 1 < count && (escapes[(at + 1) * 3] as number) <= index) {
        let low = at + 1;
        let high = count - 1;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if ((escapes[mid * 3] as number) <= index) low = mid;
          else high = mid - 1;
        }
        at = low;
      }
      last = at;
      if (at < 0) return start + 1 + index;
      return escapes[at * 3] === index ? (escapes[at * 3 + 1] as number) : (escapes[at * 3 + 2] as number) + index;
    },
  };
}

/**
 * Appends each escape's value index, file offset and after-offset to `out` (a backslash that starts no escape is a
 * character); returns the value's length.
 */
function findEscapes(text: string, start: number, end: number, out: number[]): number {
  let valueIndex = 0;
  let i = start + 1;
  while (i < end) {
    if (text.charCodeAt(i) === 92 /* \\ */) {
      const next = text.charCodeAt(i + 1); // NaN past the end: no escape
      const width = next === 117 ? 6 : isSimpleEscape(next) ? 2 : 1;
      if (width > 1) {
        out.push(valueIndex, i, i + width - valueIndex - 1);
        valueIndex += 1;
        i += width;
        continue;
      }
    }
    valueIndex += 1;
    i += 1;
  }
  return valueIndex;
}
