import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { ScanError } from '../../model/finding.js';
import { LineIndex, type SourceRange } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';

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
export function parseJsonWithPositions(text: string, file: string, baseOffset = 0, lines?: LineIndex): ParsedJson {
  const index = lines ?? new LineIndex(text);
  const parseErrors: ParseError[] = [];
  const tree = parseTree(text, parseErrors, { disallowComments: false, allowTrailingComma: false });
  const first = parseErrors[0];
  if (first) {
    // Only the first error: the parser's later ones are consequences of it.
    const at = index.position(baseOffset + first.offset);
    const message = `invalid JSON: ${describeJsonError(first.error)}`;
    return { errors: [{ file, line: at.line, column: at.column, message }], lines: index };
  }
  if (!tree) return { errors: [{ file, line: 1, column: 1, message: 'invalid JSON: the file is empty' }], lines: index };
  const root = jsonTreeToValue(tree, text, (offset, length) => index.range(file, baseOffset + offset, baseOffset + offset + length));
  return { root, errors: [], lines: index };
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

/** Maps a JSON text's offset and length to a range in the file (identity for a file, through escapes for a string). */
export type JsonRangeMapper = (offset: number, length: number) => SourceRange | undefined;

/** Converts a jsonc-parser tree to a ValueNode tree; `text` is what the tree was parsed from. */
export function jsonTreeToValue(node: JsonNode, text: string, rangeOf: JsonRangeMapper): ValueNode {
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
        entries.push({ key, sourceKey: key, ...(keyRange ? { keyRange } : {}), value: jsonTreeToValue(valueNode, text, rangeOf) });
      }
      return { kind: 'object', entries, ...base };
    }
    case 'array':
      return { kind: 'array', items: (node.children ?? []).map((c) => jsonTreeToValue(c, text, rangeOf)), ...base };
    case 'string':
      return { kind: 'string', value: String(node.value), ...base };
    case 'number':
      return { kind: 'number', value: Number(node.value), raw: text.slice(node.offset, node.offset + node.length), ...base };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), ...base };
    default:
      return { kind: 'null', ...base };
  }
}
