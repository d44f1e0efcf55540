import { OffsetRange, type SourceRange } from '../../model/location.js';

/**
 * The range from the start of `from` to the end of `to` (a resource from its logical id to its last line). Lazy
 * when both are (the YAML fast path's and JSON's ranges): its line and column are computed only if it is shown.
 */
export function spanRange(from: SourceRange, to: SourceRange): SourceRange {
  if (from instanceof OffsetRange && to instanceof OffsetRange && from.ranges === to.ranges) {
    return from.ranges.range(from.startOffset, to.endOffset);
  }
  return { file: from.file, start: from.start, end: to.end };
}
