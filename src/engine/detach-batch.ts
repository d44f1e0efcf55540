/**
 * Makes the results of a batch checked in this thread safe to hold after the batch: no record may keep a file's text
 * alive. Ranges are plain already (detachRanges); what is left are strings. V8 makes a substring of 13 characters or
 * more a view of its parent, and a string joined from one refers to its parts, so a container name, a message quoting
 * a value or a field path taken from a 20 MB plan would hold all 20 MB. Every such string is replaced by a flat copy.
 *
 * The records are kept and changed in place: a batch's results are fresh, nothing outside them refers to their parts
 * once the batch is done, and the strings keep their content. This costs a walk, far less than structuredClone (which
 * serializes every record and builds it again: 13% of the CPU of a 5,000-resource plan).
 */
import type { BatchResult } from './scan.js';

/** V8's SlicedString::kMinLength: shorter substrings are copies, and joins shorter than ConsString::kMinLength (13) are flat. */
const MIN_VIEW_LENGTH = 13;

/** Above this many strings the table starts afresh, so it never grows with the batch. */
const MAX_ENTRIES = 50_000;

/** Replaces, in place, every string below the batch's records that may refer to a file's text by a flat copy. Returns it. */
export function detachBatch(result: BatchResult): BatchResult {
  const detacher = new StringDetacher();
  detacher.list(result.findings);
  detacher.list(result.errors);
  detacher.list(result.warnings);
  return result;
}

/**
 * Deeper than this, a value is cloned (structuredClone handles cycles): results are JSON-like records a few levels deep,
 * so only a cycle gets there, and it must not overflow the stack.
 */
const MAX_DEPTH = 64;

class StringDetacher {
  /** Copies made so far, by content: a string that recurs (a file path, a message) is copied once. */
  private readonly copies = new Map<string, string>();

  private string(s: string): string {
    if (s.length < MIN_VIEW_LENGTH) return s;
    const known = this.copies.get(s);
    if (known !== undefined) return known;
    if (this.copies.size >= MAX_ENTRIES) this.copies.clear();
    // Joining flattens into a new string of its own; the slice of that is a view of the copy, not of the text.
    const copy = ` ${s}`.slice(1);
    this.copies.set(copy, copy);
    return copy;
  }

  list(items: unknown[], depth = 0): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string') items[i] = this.string(item);
      else if (item !== null && typeof item === 'object') items[i] = this.object(item, depth + 1);
    }
  }

  /**
   * The object with its strings detached: the same object when it is a plain record or array; a copy when it is frozen
   * (a shared constant, such as the default fix options: the compactor shares strings in place, as in any copy) or of
   * another kind (none is expected in results; cloned, as before). A part shared by several records (a resource) is
   * walked once per record: cheaper than remembering every object walked, and its strings are the same copies.
   */
  private object(value: object, depth: number): object {
    if (depth > MAX_DEPTH) return structuredClone(value);
    const frozen = Object.isFrozen(value);
    if (Array.isArray(value)) {
      const list: unknown[] = frozen ? [...(value as unknown[])] : (value as unknown[]);
      this.list(list, depth);
      return list;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
    const record = (frozen ? { ...value } : value) as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (typeof item === 'string') record[key] = this.string(item);
      else if (item !== null && typeof item === 'object') record[key] = this.object(item, depth + 1);
    }
    return record;
  }
}

/**
 * How a batch checked in this thread is made safe to hold. A batch of one file (a plan, a large file) is detached in
 * place: a copy would double its peak and cost more CPU than checking it (5,000-resource plan: 13%). Smaller files are
 * copied: structuredClone builds compact records, while records changed in place keep the layouts they grew while
 * being built, which across a corpus adds up (20,000 files, JSON report: about 275 MB peak copied, 320 MB in place).
 * `sinkTakesFindings`: a streamed report's sink takes the findings next (handFindings), so only the rest is copied.
 */
export function releaseBatch(result: BatchResult, files: number, sinkTakesFindings = false): BatchResult {
  if (sinkTakesFindings && files !== 1) {
    // A streamed report renders the findings as soon as the batch settles and drops them: copying them first would
    // only cost CPU on the main thread. The errors and warnings are held to the end: they are copied.
    const { findings, lines, ...rest } = result;
    const released = structuredClone(rest) as BatchResult;
    released.findings = findings;
    if (lines) released.lines = lines;
    return released;
  }
  return files === 1 ? detachBatch(result) : structuredClone(result);
}
