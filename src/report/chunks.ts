/**
 * Helpers for reporters written in pieces (ChunkedReporter): a report made of lines or rows is yielded one piece at
 * a time, so a report of 100,000 findings is never one string in memory. The string form of each reporter joins the
 * same pieces, so both give the same bytes.
 */

/** The pieces of `parts.join(separator)`, without holding the parts: the separator is yielded before every part but the first. */
export function* joined(parts: Iterable<string>, separator: string): Generator<string> {
  let first = true;
  for (const part of parts) {
    if (first) first = false;
    else yield separator;
    yield part;
  }
}

/** Joins a chunked report into one string (the Reporter form; tests and the library read it whole). */
export function whole(chunks: Iterable<string>): string {
  return Array.from(chunks).join('');
}
