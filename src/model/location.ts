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
  // Fields declared, and set by the constructor only: class field initializers would define each one first (an
  // extra store per field, and a function of their own until optimized) for every index and range a scan makes.
  declare readonly text: string;
  /** Offset of each line's first character (a typed array: a 40 MB file has a million lines). */
  declare private readonly lineStarts: Int32Array;
  /** The line (0-based) of the last lookup: sources ask in text order, so the next answer is usually there or next. */
  declare private hint: number;

  constructor(text: string) {
    this.text = text;
    let count = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
    const starts = new Int32Array(count);
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
    this.lineStarts = starts;
    this.hint = 0;
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

  /** Ranges in this text under the file name `file` that hold offsets only (see {@link OffsetRange}). */
  lazyRanges(file: string): LazyRanges {
    return new LazyRanges(file, this);
  }
}

/** Makes the {@link OffsetRange}s of one file: its name as the user gave it, and its line index. */
export class LazyRanges {
  declare readonly file: string;
  declare readonly lines: LineIndex;

  constructor(file: string, lines: LineIndex) {
    this.file = file;
    this.lines = lines;
  }

  range(startOffset: number, endOffset: number): OffsetRange {
    return new OffsetRange(this, startOffset, endOffset);
  }
}

/**
 * A range that holds its offsets and computes line and column when they are read: a large file's tree has millions
 * of ranges, and only the few that end up in findings or errors are ever shown. Read like any {@link SourceRange};
 * it refers to its file's text, so whatever outlives the scan of the file (findings, results sent between threads)
 * holds {@link plainRange} copies instead ({@link detachRanges}).
 */
export class OffsetRange implements SourceRange {
  declare readonly ranges: LazyRanges;
  declare readonly startOffset: number;
  declare readonly endOffset: number;

  constructor(ranges: LazyRanges, startOffset: number, endOffset: number) {
    this.ranges = ranges;
    this.startOffset = startOffset;
    this.endOffset = endOffset;
  }

  get file(): string {
    return this.ranges.file;
  }

  get start(): Position {
    return this.ranges.lines.position(this.startOffset);
  }

  get end(): Position {
    return this.ranges.lines.position(this.endOffset);
  }

  toJSON(): SourceRange {
    return { file: this.file, start: this.start, end: this.end };
  }
}

/** The line index a lazy range computes its positions with (over its file's whole text), when it is one. */
export function lineIndexOf(range: SourceRange | undefined): LineIndex | undefined {
  return range instanceof OffsetRange ? range.ranges.lines : undefined;
}

/** Where a range starts in its text, without computing its line and column. */
export function startOffsetOf(range: SourceRange): number {
  return range instanceof OffsetRange ? clamp(range.startOffset, range.ranges.lines.text) : range.start.offset;
}

/** Where a range ends in its text, without computing its line and column. */
export function endOffsetOf(range: SourceRange): number {
  return range instanceof OffsetRange ? clamp(range.endOffset, range.ranges.lines.text) : range.end.offset;
}

/** The offset {@link LineIndex.position} gives for `offset`. */
const clamp = (offset: number, text: string): number => Math.max(0, Math.min(offset, text.length));

/** The range as a plain record (the same range when it is one already). */
export function plainRange(range: SourceRange): SourceRange {
  return range instanceof OffsetRange ? range.toJSON() : range;
}

/**
 * Replaces, in place, every {@link OffsetRange} below `value` (plain records and arrays) by its plain copy, so the
 * value no longer refers to a file's text and survives structured cloning. A range met twice becomes one copy.
 */
export function detachRanges<T>(value: T): T {
  if (value !== null && typeof value === 'object') new RangeDetacher().below(value);
  return value;
}

/** Keys of findings that never hold a range (strings, verdicts of other tools): not walked. */
const RANGELESS_KEYS = new Set(['peers', 'fieldPath', 'controls', 'options', 'warnings', 'suppression', 'effectiveUser', 'usage']);

/**
 * Detaches ranges as {@link detachRanges} does, across several calls: a range met twice becomes one copy. `range`
 * detaches one range a caller knows the place of (a finding's location), without walking anything.
 */
export class RangeDetacher {
  private copies: Map<OffsetRange, SourceRange> | undefined;
  private readonly seen = new Set<object>();

  range(range: SourceRange): SourceRange {
    return range instanceof OffsetRange ? this.copy(range) : range;
  }

  below(value: object): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item instanceof OffsetRange) value[i] = this.copy(item);
        else if (item !== null && typeof item === 'object') this.below(item);
      }
      return;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype || this.seen.has(value)) return;
    this.seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (item instanceof OffsetRange) record[key] = this.copy(item);
      else if (item !== null && typeof item === 'object' && !RANGELESS_KEYS.has(key)) this.below(item);
    }
  }

  private copy(item: OffsetRange): SourceRange {
    this.copies ??= new Map();
    let copy = this.copies.get(item);
    if (!copy) this.copies.set(item, (copy = item.toJSON()));
    return copy;
  }
}

export function formatPosition(range: SourceRange | undefined): string {
  if (!range) return '';
  return `${range.file}:${range.start.line}:${range.start.column}`;
}
