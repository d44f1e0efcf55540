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
  /** The line (0-based) of the last lookup: sources ask in text order, so the next answer is usually there or next. */
  private hint = 0;

  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.lineStarts = starts;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    const last = starts.length - 1;
    let line = this.hint;
    if (!((starts[line] as number) <= clamped && (line === last || clamped < (starts[line + 1] as number)))) {
      if (line < last && (starts[line + 1] as number) <= clamped && (line + 1 === last || clamped < (starts[line + 2] as number))) line++;
      else {
        let low = 0;
        let high = last;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if ((starts[mid] as number) <= clamped) low = mid;
          else high = mid - 1;
        }
        line = low;
      }
      this.hint = line;
    }
    return { line: line + 1, column: clamped - (starts[line] as number) + 1, offset: clamped };
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
