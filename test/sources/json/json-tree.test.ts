import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type Node as JsonNode, type ParseError, parseTree } from 'jsonc-parser';
import { LineIndex, detachRanges } from '../../../src/model/location.js';
import type { ObjectEntry, ValueNode } from '../../../src/model/value.js';
import { parseJsonWithPositions } from '../../../src/sources/json/json-tree.js';
import type { JsonRangeMapper } from '../../../src/sources/json/json-values.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The reference: converts a jsonc-parser tree to a ValueNode tree; `text` is what the tree was parsed from. */
function jsonTreeToValue(node: JsonNode, text: string, rangeOf: JsonRangeMapper): ValueNode {
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

const CASES: Array<[string, string]> = [
  [
    'comments, escapes, numbers as written',
    '// c\n{"a": 1 /* x */, "b": [1, 2.50, -0, 1e3, "s\\n\\u00e9"], "c": null, "d": true, "e": {}}',
  ],
  ['duplicate keys', '{"a":1,"a":2}'],
  ['nested empties', '[[[]],[{}]]'],
  ['a bare number', '42'],
  ['a bare string', '"x"'],
  ['CRLF lines', '{\r\n  "family": "web",\r\n  "containerDefinitions": []\r\n}\r\n'],
];

describe('parseJsonWithPositions builds from parser events what jsonTreeToValue builds from the parsed tree', () => {
  it('the same nodes, ranges and key order, for every JSON fixture and example and the edge cases', () => {
    const inputs: Array<[string, string]> = [
      ...[...jsonFiles('test/fixtures'), ...jsonFiles('examples')].map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
      ...CASES,
    ];
    let compared = 0;
    for (const [name, text] of inputs) {
      const errors: ParseError[] = [];
      const tree = parseTree(text, errors, { disallowComments: false, allowTrailingComma: false });
      const parsed = parseJsonWithPositions(text, 'in.json');
      if (errors.length || !tree) {
        assert.equal(parsed.root, undefined, name);
        assert.equal(parsed.errors.length, 1, name);
        continue;
      }
      const index = new LineIndex(text);
      const expected = jsonTreeToValue(tree, text, (offset, length) => index.range('in.json', offset, offset + length));
      // Ranges hold offsets only; their JSON form and their plain copies are what eager ranges hold.
      assert.equal(JSON.stringify(parsed.root), JSON.stringify(expected), `${name}: key order`);
      assert.deepEqual(detachRanges(parsed.root), expected, name);
      compared++;
    }
    assert.ok(compared > 20, `compared ${compared} files`);
  });

  it('syntax errors: the first one, with its line and column; an empty file', () => {
    assert.deepEqual(parseJsonWithPositions('{\n  "a": }', 'bad.json').errors, [
      { file: 'bad.json', line: 2, column: 8, message: 'invalid JSON: value expected' },
    ]);
    assert.deepEqual(parseJsonWithPositions('{"a":1,}', 'trailing.json').errors, [
      { file: 'trailing.json', line: 1, column: 8, message: 'invalid JSON: property name expected' },
    ]);
    assert.equal(parseJsonWithPositions('{} {}', 'two.json').errors[0]?.message, 'invalid JSON: end of file expected');
    assert.deepEqual(parseJsonWithPositions('  \n', 'empty.json').errors, [
      { file: 'empty.json', line: 2, column: 1, message: 'invalid JSON: value expected' },
    ]);
  });
});
