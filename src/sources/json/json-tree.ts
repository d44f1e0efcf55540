import { type Node as JsonNode, printParseErrorCode } from 'jsonc-parser';
import { type JsonRangeMapper, buildJsonValue } from './json-values.js';
import type { ScanError } from '../../model/finding.js';
import { LineIndex } from '../../model/location.js';
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
  const rangeOf = (offset: number, length: number) => index.range(file, baseOffset + offset, baseOffset + offset + length);
  const built = buildJsonValue(text, rangeOf, true, true);
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

/** Converts a jsonc-parser tree to a ValueNode tree; `text` is what the tree was parsed from. */
export function jsonTreeToValue(node: JsonNode, text: string, rangeOf: JsonRangeMapper): ValueNode {
  // Object literals built in one go (no spread of a shared base): this runs for every value of every file.
  const range = rangeOf(node.offset, node.length);
  switch (node.type) {
    case 'object': {
      const entries: ObjectEntry[] = [];
      const properties = node.children;
      if (properties) {
        for (const property of properties) {
          const children = property.children;
          const keyNode = children?.[0];
          const valueNode = children?.[1];
          if (!keyNode || !valueNode) continue;
          const key = String(keyNode.value);
          const keyRange = rangeOf(keyNode.offset, keyNode.length);
          const value = jsonTreeToValue(valueNode, text, rangeOf);
          entries.push(keyRange ? { key, sourceKey: key, keyRange, value } : { key, sourceKey: key, value });
        }
      }
      return range ? { kind: 'object', entries, range, syntax: 'json' } : { kind: 'object', entries, syntax: 'json' };
    }
    case 'array': {
      const children = node.children;
      const items: ValueNode[] = children ? new Array<ValueNode>(children.length) : [];
      if (children) for (let i = 0; i < children.length; i++) items[i] = jsonTreeToValue(children[i] as JsonNode, text, rangeOf);
      return range ? { kind: 'array', items, range, syntax: 'json' } : { kind: 'array', items, syntax: 'json' };
    }
    case 'string': {
      const value = String(node.value);
      return range ? { kind: 'string', value, range, syntax: 'json' } : { kind: 'string', value, syntax: 'json' };
    }
    case 'number': {
      const value = Number(node.value);
      const raw = text.slice(node.offset, node.offset + node.length);
      return range ? { kind: 'number', value, raw, range, syntax: 'json' } : { kind: 'number', value, raw, syntax: 'json' };
    }
    case 'boolean': {
      const value = Boolean(node.value);
      return range ? { kind: 'boolean', value, range, syntax: 'json' } : { kind: 'boolean', value, syntax: 'json' };
    }
    default:
      return range ? { kind: 'null', range, syntax: 'json' } : { kind: 'null', syntax: 'json' };
  }
}
