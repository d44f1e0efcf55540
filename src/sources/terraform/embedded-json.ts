import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { SourceRange } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
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
    const code = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    const range = rangeOf(first.offset, first.length);
    return { error: `invalid JSON: ${code}`, ...(range ? { range } : {}) };
  }
  if (!tree) {
    const range = rangeOf(0, text.length);
    return { error: 'invalid JSON: the string is empty', ...(range ? { range } : {}) };
  }
  const convert = (node: JsonNode): ValueNode => {
    const range = rangeOf(node.offset, node.length);
    const base = { ...(range ? { range } : {}), syntax: 'json' as const };
    switch (node.type) {
      case 'object': {
        const entries: ObjectEntry[] = [];
        for (const property of node.children ?? []) {
          const [keyNode, valueNode] = property.children ?? [];
          if (!keyNode || !valueNode) continue;
          const key = String(keyNode.value);
          const keyRange = rangeOf(keyNode.offset, keyNode.length);
          entries.push({ key, sourceKey: key, ...(keyRange ? { keyRange } : {}), value: convert(valueNode) });
        }
        return { kind: 'object', entries, ...base };
      }
      case 'array':
        return { kind: 'array', items: (node.children ?? []).map(convert), ...base };
      case 'string':
        return { kind: 'string', value: String(node.value), ...base };
      case 'number':
        return { kind: 'number', value: Number(node.value), raw: text.slice(node.offset, node.offset + node.length), ...base };
      case 'boolean':
        return { kind: 'boolean', value: Boolean(node.value), ...base };
      default:
        return { kind: 'null', ...base };
    }
  };
  return { root: convert(tree) };
}

/** The identity origin of a whole file's text. */
export function wholeTextOrigin(path: string, lines: TextOrigin['lines']): TextOrigin {
  return { path, lines, offsetAt: (index) => Math.min(index, lines.text.length) };
}
