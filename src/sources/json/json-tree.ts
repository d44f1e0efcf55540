import { printParseErrorCode } from 'jsonc-parser';
import { buildJsonValue } from './json-values.js';
import type { ScanError } from '../../model/finding.js';
import { LineIndex } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';

export interface ParsedJson {
  root?: ValueNode;
  errors: ScanError[];
  lines: LineIndex;
}

/**
 * Parses JSON into a value tree whose every node and key carries its range, so
 * findings point at the exact property and fixes can splice the text there.
 * Any syntax error makes the whole file unreadable: a half-parsed definition is
 * never checked (it could pass only because its tail was lost).
 */
export function parseJsonWithPositions(text: string, file: string, baseOffset = 0, lines?: LineIndex, trailingCommas = false): ParsedJson {
  const index = lines ?? new LineIndex(text);
  // Offsets only: line and column are computed for the few ranges a finding or an error shows.
  const built = buildJsonValue(text, { ranges: index.lazyRanges(file), base: baseOffset }, true, true, trailingCommas);
  if ('error' in built) {
    // Only the first error: the parser's later ones are consequences of it.
    const at = index.position(baseOffset + built.error.offset);
    const message = `invalid JSON: ${describeJsonError(built.error.code)}`;
    return { errors: [{ file, line: at.line, column: at.column, message }], lines: index };
  }
  if ('empty' in built) return { errors: [{ file, line: 1, column: 1, message: 'invalid JSON: the file is empty' }], lines: index };
  return { root: built.root, errors: [], lines: index };
}

/**
 * The first character that is not whitespace or a comment: JSON files with a
 * leading line or block comment are read like those with inline comments.
 */
export function firstSignificantChar(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') i++;
    else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      if (end === -1) return undefined;
      i = end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return undefined;
      i = end + 2;
    } else return c;
  }
  return undefined;
}

export function describeJsonError(code: number): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
