import { type ParseError, parseTree } from 'jsonc-parser';
import type { SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { describeJsonError, jsonTreeToValue } from '../json/json-tree.js';
import type { TemplatePlaceholder, TextOrigin } from './values.js';

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
  const root = jsonTreeToValue(tree, text, rangeOf);
  return { root: origin?.placeholders?.length ? markPlaceholders(root, origin.placeholders) : root };
}

/**
 * A scalar written (even partly) by a template placeholder gets the placeholder
 * as its origin: its text in the template is `${user}`, shared by every caller,
 * not a literal the template owns. A substituted character sits at the offset
 * of its `${`, so the scalar's range covers that offset.
 */
function markPlaceholders(node: ValueNode, placeholders: TemplatePlaceholder[]): ValueNode {
  switch (node.kind) {
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: markPlaceholders(e.value, placeholders) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => markPlaceholders(item, placeholders)) };
    case 'string':
    case 'number':
    case 'boolean':
    case 'null': {
      const range = node.range;
      const placeholder = range
        ? placeholders.find((p) => p.range.file === range.file && range.start.offset <= p.range.start.offset && p.range.start.offset < range.end.offset)
        : undefined;
      if (!placeholder) return node;
      return { ...node, origin: { expression: placeholder.expression, range: placeholder.range, templateArgument: placeholder.argument } };
    }
    default:
      return node;
  }
}

/** The identity origin of a whole file's text. */
export function wholeTextOrigin(path: string, lines: TextOrigin['lines']): TextOrigin {
  return { path, lines, offsetAt: (index) => Math.min(index, lines.text.length) };
}
