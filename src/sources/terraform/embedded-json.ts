import { type ParseError, parseTree } from 'jsonc-parser';
import type { SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { describeJsonError, jsonTreeToValue } from '../json/json-tree.js';
import type { TextOrigin } from './values.js';

export type DecodedJson = { root: ValueNode } | { error: string; range?: SourceRange };

/**
 * Decodes JSON held in a string value (heredoc, quoted string, file(), a plan's
 * `container_definitions`). With the string's origin, every node and key points
 * at the characters in the file that wrote it; without one, at `fallback`.
 */
export function decodeEmbeddedJson(text: string, origin: TextOrigin | undefined, fallback: SourceRange | undefined): DecodedJson {
  const rangeOf = (offset: number, length: number): SourceRange | undefined => {
    if (!origin) return fallback;
    return origin.lines.range(origin.path, origin.offsetAt(offset), origin.offsetAt(offset + length));
  };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) {
    const range = rangeOf(first.offset, first.length);
    return { error: `invalid JSON: ${describeJsonError(first.error)}`, ...(range ? { range } : {}) };
  }
  if (!tree) {
    const range = rangeOf(0, text.length);
    return { error: 'invalid JSON: the string is empty', ...(range ? { range } : {}) };
  }
  return { root: jsonTreeToValue(tree, text, rangeOf) };
}

/** The identity origin of a whole file's text. */
export function wholeTextOrigin(path: string, lines: TextOrigin['lines']): TextOrigin {
  return { path, lines, offsetAt: (index) => Math.min(index, lines.text.length) };
}
