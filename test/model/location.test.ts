import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../src/model/location.js';

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
