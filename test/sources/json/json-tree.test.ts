import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type ParseError, parseTree } from 'jsonc-parser';
import { LineIndex } from '../../../src/model/location.js';
import { jsonTreeToValue, parseJsonWithPositions } from '../../../src/sources/json/json-tree.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name));
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
      assert.deepEqual(parsed.root, expected, name);
      assert.equal(JSON.stringify(parsed.root), JSON.stringify(expected), `${name}: key order`);
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
