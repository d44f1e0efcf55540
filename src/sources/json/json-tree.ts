import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { LineIndex } from '../../model/location.js';
import type { ScanError } from '../../model/finding.js';
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
    const message = `invalid JSON: ${describeJsonError(printParseErrorCode(first.error))}`;
    return { errors: [{ file, line: at.line, column: at.column, message }], lines: index };
  }
  if (!tree) return { errors: [{ file, line: 1, column: 1, message: 'invalid JSON: the file is empty' }], lines: index };
  return { root: convert(tree, file, index, baseOffset), errors: [], lines: index };
}

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function convert(node: JsonNode, file: string, index: LineIndex, base: number): ValueNode {
  const range = index.range(file, base + node.offset, base + node.offset + node.length);
  switch (node.type) {
    case 'object': {
      const entries: ObjectEntry[] = [];
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode || !valueNode) continue;
        const key = String(keyNode.value);
        entries.push({
          key,
          sourceKey: key,
          keyRange: index.range(file, base + keyNode.offset, base + keyNode.offset + keyNode.length),
          value: convert(valueNode, file, index, base),
        });
      }
      return { kind: 'object', entries, range, syntax: 'json' };
    }
    case 'array':
      return { kind: 'array', items: (node.children ?? []).map((c) => convert(c, file, index, base)), range, syntax: 'json' };
    case 'string':
      return { kind: 'string', value: String(node.value), range, syntax: 'json' };
    case 'number': {
      const raw = index.text.slice(base + node.offset, base + node.offset + node.length);
      return { kind: 'number', value: Number(node.value), raw, range, syntax: 'json' };
    }
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), range, syntax: 'json' };
    default:
      return { kind: 'null', range, syntax: 'json' };
  }
}
