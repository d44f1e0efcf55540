import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverlappingEditsError, type TextEdit, applyTextEdits } from '../../src/fix/text-edit.js';

const edit = (start: number, end: number, text: string): TextEdit => ({ file: 'f', start, end, text });

describe('applyTextEdits', () => {
  it('applies edits given in any order, from the end', () => {
    assert.equal(applyTextEdits('abcdef', [edit(0, 1, 'A'), edit(4, 6, 'EF!'), edit(2, 2, '+')]), 'Ab+cdEF!');
  });

  it('keeps the text when there are no edits', () => {
    assert.equal(applyTextEdits('same', []), 'same');
  });

  it('counts UTF-16 code units, as the sources record offsets', () => {
    // "é" is one unit, "🙂" two: the edit after them lands exactly.
    assert.equal(applyTextEdits('é🙂x', [edit(3, 4, 'y')]), 'é🙂y');
  });

  it('collapses identical duplicates', () => {
    assert.equal(applyTextEdits('abc', [edit(1, 2, 'B'), edit(1, 2, 'B')]), 'aBc');
  });

  it('accepts edits that touch end to start', () => {
    assert.equal(applyTextEdits('abcd', [edit(0, 2, 'X'), edit(2, 4, 'Y')]), 'XY');
  });

  it('rejects overlapping edits with both edits in the message', () => {
    assert.throws(
      () => applyTextEdits('abcdef', [edit(1, 4, 'x'), edit(3, 5, 'y')]),
      (error: unknown) => error instanceof OverlappingEditsError && error.message === 'overlapping edits: f[1, 4) → "x" and f[3, 5) → "y"',
    );
  });

  it('rejects two different insertions at the same offset (their order would be a guess)', () => {
    assert.throws(() => applyTextEdits('ab', [edit(1, 1, 'x'), edit(1, 1, 'y')]), OverlappingEditsError);
  });

  it('rejects an edit outside the text', () => {
    assert.throws(() => applyTextEdits('ab', [edit(1, 5, 'x')]), RangeError);
  });
});
