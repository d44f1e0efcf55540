import type { LineIndex } from '../../model/location.js';
import type { TextOrigin } from './values.js';

/** `"`, `\\`, `/`, `b`, `f`, `n`, `r`, `t`: the characters after a backslash that make a two-character escape. */
const isSimpleEscape = (code: number): boolean =>
  code === 34 || code === 92 || code === 47 || code === 98 || code === 102 || code === 110 || code === 114 || code === 116;

/**
 * The escapes of one JSON string literal, in order: escape k writes value character `value[k]` from the backslash at
 * file offset `file[k]`, and the characters after it, up to the next escape, are written from `after[k]` plus their
 * value index. Typed arrays of one entry per escape: plans hold megabytes of such strings (arrays of runs grown by
 * push allocated about 70 MB for a 5,000-resource plan).
 */
interface Escapes {
  count: number;
  value: Int32Array;
  file: Int32Array;
  after: Int32Array;
  valueLength: number;
}

/**
 * Maps the characters of a JSON string literal's value to offsets in the file,
 * so JSON nested in the string (a plan's container_definitions) points at the
 * escaped text in the plan file. `start` is the offset of the opening quote.
 */
export function jsonStringOrigin(path: string, lines: LineIndex, start: number, length: number): TextOrigin {
  const end = start + length - 1; // the closing quote
  // Built on first use: most strings of a plan are never decoded.
  let escapes: Escapes | undefined;
  let last = -1; // the escape found last: decoding asks for offsets in order, mostly
  return {
    path,
    lines,
    offsetAt(index) {
      escapes ??= findEscapes(lines.text, start, end);
      const { count, value, file, after, valueLength } = escapes;
      if (index >= valueLength) return end;
      // The last escape at or before `index` (-1: none). Offsets come mostly in increasing order, a few escapes
      // apart: step forward from the last one found, else search.
      let at = last;
      if (at >= 0 && (value[at] as number) > index) at = -1;
      let steps = 0;
      while (at + 1 < count && (value[at + 1] as number) <= index && steps++ < 8) at++;
      if (at + 1 < count && (value[at + 1] as number) <= index) {
        let low = at + 1;
        let high = count - 1;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if ((value[mid] as number) <= index) low = mid;
          else high = mid - 1;
        }
        at = low;
      }
      last = at;
      if (at < 0) return start + 1 + index;
      return value[at] === index ? (file[at] as number) : (after[at] as number) + index;
    },
  };
}

/** The escapes between the quotes at `start` and `end` (a backslash that starts no escape is a character). */
function findEscapes(text: string, start: number, end: number): Escapes {
  let backslashes = 0;
  for (let i = text.indexOf('\\', start + 1); i !== -1 && i < end; i = text.indexOf('\\', i + 1)) backslashes++;
  const value = new Int32Array(backslashes);
  const file = new Int32Array(backslashes);
  const after = new Int32Array(backslashes);
  let count = 0;
  let valueIndex = 0;
  let i = start + 1;
  while (i < end) {
    const backslash = text.indexOf('\\', i);
    if (backslash === -1 || backslash >= end) {
      valueIndex += end - i;
      break;
    }
    valueIndex += backslash - i;
    const next = text.charCodeAt(backslash + 1); // NaN past the end: no escape
    const width = next === 117 /* u */ ? 6 : isSimpleEscape(next) ? 2 : 1;
    if (width > 1) {
      value[count] = valueIndex;
      file[count] = backslash;
      after[count] = backslash + width - valueIndex - 1;
      count++;
    }
    valueIndex += 1;
    i = backslash + width;
  }
  return { count, value, file, after, valueLength: valueIndex };
}
