import { LineIndex, type Position, type SourceRange } from '../../model/location.js';
import type { TextOrigin } from './values.js';

/**
 * A string value's own text (a heredoc's template, a .tf.json template) whose positions map back through the string's
 * origin to the file it is written in: ranges name the file's lines, columns and offsets.
 */
export class MappedLines extends LineIndex {
  constructor(
    text: string,
    readonly origin: TextOrigin,
  ) {
    super(text);
  }

  /** The file offset of a character of this text; a template is parsed wrapped, and its wrapper's characters are its ends. */
  fileOffset(offset: number): number {
    return this.origin.offsetAt(Math.max(0, Math.min(offset, this.text.length)));
  }

  override position(offset: number): Position {
    return this.origin.lines.position(this.fileOffset(offset));
  }

  override range(_file: string, startOffset: number, endOffset: number): SourceRange {
    return this.origin.lines.range(this.origin.path, this.fileOffset(startOffset), this.fileOffset(endOffset));
  }
}
