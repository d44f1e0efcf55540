import type { LineIndex } from '../../model/location.js';
import type { TextOrigin } from './values.js';

const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Maps the characters of a JSON string literal's value to offsets in the file,
 * so JSON nested in the string (a plan's container_definitions) points at the
 * escaped text in the plan file. `start` is the offset of the opening quote.
 * Stored as runs between escapes: plans hold megabytes of such strings.
 */
export function jsonStringOrigin(path: string, lines: LineIndex, start: number, length: number): TextOrigin {
  const end = start + length - 1; // the closing quote
  // Run k starts at value index runValue[k] and file offset runFile[k]; inside a run both advance together.
  // Built on first use: most strings of a plan are never decoded.
  let runs: { runValue: number[]; runFile: number[]; valueLength: number } | undefined;
  let last = 0; // the run found last: decoding asks for offsets in order, mostly
  return {
    path,
    lines,
    offsetAt(index) {
      runs ??= escapeRuns(lines.text, start, end);
      const { runValue, runFile, valueLength } = runs;
      if (index >= valueLength) return end;
      // Offsets come mostly in increasing order, a few runs apart: step forward from the last run found.
      let low = last;
      if ((runValue[low] as number) <= index) {
        let steps = 0;
        while (low + 1 < runValue.length && (runValue[low + 1] as number) <= index && steps++ < 8) low++;
      }
      if ((runValue[low] as number) > index || (low + 1 < runValue.length && (runValue[low + 1] as number) <= index)) {
        low = 0;
        let high = runValue.length - 1;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if ((runValue[mid] as number) <= index) low = mid;
          else high = mid - 1;
        }
      }
      last = low;
      return (runFile[low] as number) + (index - (runValue[low] as number));
    },
  };
}

function escapeRuns(text: string, start: number, end: number): { runValue: number[]; runFile: number[]; valueLength: number } {
  const runValue: number[] = [0];
  const runFile: number[] = [start + 1];
  let valueIndex = 0;
  let i = start + 1;
  while (i < end) {
    if (text.charCodeAt(i) === 92 /* \\ */) {
      const next = text[i + 1] ?? '';
      const width = next === 'u' ? 6 : SIMPLE_ESCAPES.has(next) ? 2 : 1;
      if (width > 1) {
        // The escape is one character at its backslash; a new run starts after it.
        runValue.push(valueIndex);
        runFile.push(i);
        valueIndex += 1;
        i += width;
        runValue.push(valueIndex);
        runFile.push(i);
        continue;
      }
    }
    valueIndex += 1;
    i += 1;
  }
  return { runValue, runFile, valueLength: valueIndex };
}
