/**
 * Source positions. Lines and columns are 1-based; columns and offsets count
 * UTF-16 code units (JavaScript string indexes), which is SARIF's default
 * `columnKind` and what yaml, jsonc-parser and web-tree-sitter report.
 */
export interface Position {
  line: number;
  column: number;
  /** 0-based index into the file's text; fixers splice text here. */
  offset: number;
}

export interface SourceRange {
  /** The file as the user named it (relative stays relative). */
  file: string;
  start: Position;
  end: Position;
}

/** Turns string offsets into line/column pairs for one text. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - (this.lineStarts[low] ?? 0) + 1, offset: clamped };
  }

  range(file: string, startOffset: number, endOffset: number): SourceRange {
    return { file, start: this.position(startOffset), end: this.position(endOffset) };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line - 1, this.lineStarts.length - 1))] ?? 0;
  }
}

export function formatPosition(range: SourceRange | undefined): string {
  if (!range) return '';
  return `${range.file}:${range.start.line}:${range.start.column}`;
}
