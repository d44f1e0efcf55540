import type { LineIndex } from '../../model/location.js';
import type { TextOrigin } from './values.js';

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Maps every character of a JSON string literal's value to its offset in the
 * file, so JSON nested in the string (a plan's container_definitions) points
 * at the escaped text in the plan file. `start` is the offset of the opening quote.
 */
export function jsonStringOrigin(path: string, lines: LineIndex, start: number, length: number): TextOrigin {
  const text = lines.text;
  const end = start + length - 1; // the closing quote
  const offsets: number[] = [];
  let i = start + 1;
  while (i < end) {
    if (text[i] === '\\') {
      const next = text[i + 1] ?? '';
      if (next === 'u') {
        offsets.push(i);
        i += 6;
        continue;
      }
      if (SIMPLE_ESCAPES[next] !== undefined) {
        offsets.push(i);
        i += 2;
        continue;
      }
    }
    offsets.push(i);
    i += 1;
  }
  offsets.push(end);
  return { path, lines, offsets };
}
