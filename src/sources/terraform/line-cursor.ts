import type { LineIndex, Position, SourceRange } from '../../model/location.js';

/**
 * Line/column of offsets that mostly fall on the line looked up last: a plan's
 * JSON strings (container_definitions) are single lines holding hundreds of
 * values, and a plan has hundreds of thousands of lines to search otherwise.
 * Gives exactly what {@link LineIndex.position} gives.
 */
export class LineCursor {
  private line = 0;
  private start = 0;
  /** Offset of the next line's first character (Infinity on the last line); 0 until a line is known. */
  private next = 0;

  constructor(readonly lines: LineIndex) {}

  position(offset: number): Position {
    if (offset >= this.start && offset < this.next && offset <= this.lines.text.length) {
      return { line: this.line, column: offset - this.start + 1, offset };
    }
    // The next line or two (a pretty-printed plan has one value a line): no search.
    for (let step = 0; step < 2 && offset >= this.next && this.next <= this.lines.text.length; step++) {
      const following = this.lines.lineStart(this.line + 2);
      this.line += 1;
      this.start = this.next;
      this.next = following > this.start ? following : Number.POSITIVE_INFINITY;
      if (offset < this.next && offset <= this.lines.text.length) return { line: this.line, column: offset - this.start + 1, offset };
    }
    const position = this.lines.position(offset);
    this.line = position.line;
    this.start = position.offset - position.column + 1;
    const following = this.lines.lineStart(position.line + 1);
    this.next = following > this.start ? following : Number.POSITIVE_INFINITY;
    return position;
  }

  range(file: string, startOffset: number, endOffset: number): SourceRange {
    return { file, start: this.position(startOffset), end: this.position(endOffset) };
  }
}

const cursors = new WeakMap<LineIndex, LineCursor>();

/** The cursor of a text's line index (one per text, shared by every value read from it). */
export function lineCursor(lines: LineIndex): LineCursor {
  let cursor = cursors.get(lines);
  if (!cursor) cursors.set(lines, (cursor = new LineCursor(lines)));
  return cursor;
}
