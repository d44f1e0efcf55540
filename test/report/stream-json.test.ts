import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonChunks, lazyArray } from '../../src/report/stream-json.js';

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
