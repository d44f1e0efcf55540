import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, OffsetRange, detachRanges, plainRange } from '../../src/model/location.js';

/** Line and column by counting, the definition LineIndex must agree with. */
function counted(text: string, offset: number) {
  const at = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - (before.lastIndexOf('\n') + 1) + 1, offset: at };
}

describe('LineIndex', () => {
  it('agrees with counting for every offset, asked in text order, backwards and out of order', () => {
    for (const text of ['', 'a', '\n', 'ab\ncd\n\nef', '\n\n\nx\n', 'line1\r\nline2\r\n', '{\n  "a": [\n    1,\n    2\n  ]\n}']) {
      const index = new LineIndex(text);
      const offsets = Array.from({ length: text.length + 3 }, (_, i) => i - 1);
      const shuffled = offsets.map((_, i) => offsets[(i * 7) % offsets.length] as number);
      for (const order of [offsets, [...offsets].reverse(), shuffled]) {
        for (const offset of order) assert.deepEqual(index.position(offset), counted(text, offset), `${JSON.stringify(text)} at ${offset}`);
      }
    }
  });

  it('gives the start of each line', () => {
    const index = new LineIndex('ab\ncd\n\nef');
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((line) => index.lineStart(line)),
      [0, 0, 3, 6, 7, 7],
    );
  });
});

describe('OffsetRange', () => {
  const text = 'ab\ncd\n\nef';
  const lines = new LineIndex(text);
  const ranges = lines.lazyRanges('dir/f.json');

  it('reads as the range LineIndex computes, for every pair of offsets', () => {
    for (let start = -1; start <= text.length + 1; start++)
      for (let end = start; end <= text.length + 1; end++) {
        const lazy = ranges.range(start, end);
        const eager = lines.range('dir/f.json', start, end);
        assert.deepEqual([lazy.file, lazy.start, lazy.end], [eager.file, eager.start, eager.end]);
        assert.deepEqual(plainRange(lazy), eager);
        assert.equal(JSON.stringify(lazy), JSON.stringify(eager));
      }
  });

  it('detachRanges replaces every one in place by a plain copy, once per range, and leaves plain ranges alone', () => {
    const shared = ranges.range(3, 5);
    const plain = lines.range('dir/f.json', 0, 2);
    const node = { kind: 'string', value: 'cd', range: shared };
    const finding = {
      location: shared,
      other: plain,
      fix: { changes: [{ current: node }], manual: [{ where: ranges.range(7, 9) }] },
    };
    assert.equal(detachRanges(finding), finding);
    assert.ok(!(finding.location instanceof OffsetRange));
    assert.equal(Object.getPrototypeOf(finding.location), Object.prototype);
    assert.deepEqual(finding.location, {
      file: 'dir/f.json',
      start: { line: 2, column: 1, offset: 3 },
      end: { line: 2, column: 3, offset: 5 },
    });
    assert.equal(node.range, finding.location, 'the same range is one copy');
    assert.equal(finding.other, plain);
    assert.deepEqual(finding.fix.manual[0]?.where, lines.range('dir/f.json', 7, 9));
    // What a worker thread or a copy made to let go of a file's text receives.
    assert.deepEqual(structuredClone(finding), JSON.parse(JSON.stringify(finding)));
  });
});
