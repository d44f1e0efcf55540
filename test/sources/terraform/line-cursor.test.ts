import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../src/model/location.js';
import { LineCursor } from '../../../src/sources/terraform/line-cursor.js';

describe('LineCursor', () => {
  it('gives the line index positions for offsets in any order, including line ends, empty lines and the end of the text', () => {
    const texts = ['', 'one line', 'a\nb', '\n\n\n', 'x\r\n\r\ny\n', '{\n  "a": 1,\n\n  "b": "x\\ny"\n}\n'];
    for (const text of texts) {
      const lines = new LineIndex(text);
      const offsets = [...Array(text.length + 3).keys()].map((i) => i - 1);
      const orders = [offsets, [...offsets].reverse(), offsets.map((_, i) => offsets[(i * 7) % offsets.length] as number)];
      for (const order of orders) {
        const cursor = new LineCursor(lines);
        for (const offset of order) assert.deepEqual(cursor.position(offset), lines.position(offset), `${JSON.stringify(text)} @${offset}`);
      }
    }
  });

  it('a range is the line index range', () => {
    const lines = new LineIndex('{\n  "user": "0"\n}');
    assert.deepEqual(new LineCursor(lines).range('p.json', 12, 15), lines.range('p.json', 12, 15));
    assert.deepEqual(new LineCursor(lines).range('p.json', 12, 15).start, { line: 2, column: 11, offset: 12 });
  });
});
