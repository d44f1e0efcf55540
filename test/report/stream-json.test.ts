import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indented, jsonChunks, lazyArray, stringifyIndented, stringifyMembers } from '../../src/report/stream-json.js';

describe('jsonChunks: the same bytes as JSON.stringify, written in pieces', () => {
  const findings = [
    { id: 'a', n: 1, nested: { list: [1, 2, { deep: true }], empty: [], none: {} } },
    { id: 'b', skipped: undefined, text: 'line\nbreak "quoted"', nothing: null },
  ];
  const report = (findingsValue: unknown) => ({
    version: 2,
    tool: { name: 'ecsguard' },
    findings: findingsValue,
    dropped: undefined,
    runs: [{ results: findingsValue, empty: findingsValue === findings ? [] : lazyArray([], (x) => x) }],
    summary: { total: 2 },
  });

  for (const space of [2, 4]) {
    it(`lazy arrays at several depths, indent ${space}`, () => {
      const expected = JSON.stringify(report(findings), null, space);
      const mapped: number[] = [];
      const lazy = lazyArray([0, 1], (i) => {
        mapped.push(i);
        return findings[i];
      });
      const pieces = [...jsonChunks(report(lazy), space)];
      assert.equal(pieces.join(''), expected);
      assert.ok(pieces.length > 10, 'written in pieces');
      assert.deepEqual(mapped, [0, 1, 0, 1], 'each element mapped when written');
    });
  }

  it('an empty lazy array, and a top-level one', () => {
    assert.equal([...jsonChunks({ a: lazyArray([], (x) => x) })].join(''), JSON.stringify({ a: [] }, null, 2));
    assert.equal([...jsonChunks(lazyArray([1, undefined], (x) => x))].join(''), JSON.stringify([1, undefined], null, 2));
  });
});

describe('stringifyIndented: JSON.stringify with the lines after the first indented', () => {
  // Written out by hand: a finding-like value at the report's findings depth (4 spaces).
  it('an object at depth 2', () => {
    assert.equal(
      stringifyIndented({ id: 'a', list: [1, { b: null }], empty: {} }, '    '),
      '{\n      "id": "a",\n      "list": [\n        1,\n        {\n          "b": null\n        }\n      ],\n' +
        '      "empty": {}\n    }',
    );
  });

  const values: unknown[] = [
    { text: 'line\nbreak "quoted" \u2028 é 🙂', n: -0, skip: undefined, f: () => 1 },
    [],
    {},
    [[], [{}], 'x'],
    'plain',
    42,
    null,
    undefined,
  ];
  for (const space of [2, 4]) {
    for (const indent of ['', ' '.repeat(space), ' '.repeat(space * 3), '   ']) {
      it(`space ${space}, indent ${indent.length}: the same text as indenting every line afterwards`, () => {
        for (const value of values) {
          const expected = indented(JSON.stringify(value, null, space) ?? 'null', indent);
          assert.equal(stringifyIndented(value, indent, space), expected, JSON.stringify(value));
        }
      });
    }
  }
});

describe('stringifyMembers: an object from parts, some rendered before', () => {
  it('the same text as stringifyIndented of the whole, whatever parts are empty or rendered', () => {
    const peers = [{ tool: 'prowler', verdict: 'FAIL', why: 'privileged is true' }];
    const resource = { kind: 'file', file: 'a.json', declaredAt: null };
    for (const indent of ['', '    ', ' '.repeat(10)]) {
      const inner = `${indent}  `;
      const cases: Array<[Record<string, unknown>, Parameters<typeof stringifyMembers>[0]]> = [
        [
          { checkId: 'x', resource, location: null, peers },
          [
            { checkId: 'x' },
            ['resource', stringifyIndented(resource, inner)],
            { location: null },
            ['peers', stringifyIndented(peers, inner)],
          ],
        ],
        [{ peers: [] }, [{}, ['peers', '[]'], { skipped: undefined }]],
        [{ a: 1, b: 'é 🙂' }, [{ a: 1 }, {}, { b: 'é 🙂', c: undefined }]],
        [{}, [{}, { gone: undefined }]],
      ];
      for (const [whole, parts] of cases) {
        assert.equal(stringifyMembers(parts, indent), stringifyIndented(whole, indent), `${JSON.stringify(whole)} at ${indent.length}`);
      }
    }
  });
});
