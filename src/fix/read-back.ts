import { availableParallelism } from 'node:os';
import { scan } from '../engine/scan.js';
import type { ScanError } from '../model/finding.js';
import type { FileSource } from '../sources/source.js';

/** What a file's new text is read back with: the sources and Terraform variable files the fix's scan used. */
export interface ReadBackOptions {
  varFiles?: string[];
  fileSources?: readonly FileSource[];
  maxFileBytes?: number;
}

/**
 * Reads each changed input file's new text back as the scan read the file (a Terraform file with its folder's other
 * files from disk, on its own), and returns, per file, the first input error it has that the old text did not: a text
 * an edit broke (a syntax error, JSON in a string that no longer decodes). Errors are compared by what they say, not
 * counted: a file that had an error elsewhere and now fails to parse at all has one error either way. An error the
 * scan did not report for the old text is looked for in the old text read the same way (a module's file read on its
 * own has its variables' defaults), so only what the edits made counts. Such a file must not be written; nothing else
 * is judged here.
 */
export async function errorsMadeByFixes(
  changed: ReadonlyArray<{ file: string; before: string; after: string }>,
  scanned: readonly ScanError[],
  options: ReadBackOptions,
): Promise<Map<string, ScanError>> {
  if (changed.length === 0) return new Map();
  const read = async (texts: Array<{ path: string; text: string }>) =>
    (
      await scan({
        paths: [],
        texts,
        checks: [],
        skipUnrecognized: true,
        // No trees are kept: a long list of files is read in every lane.
        jobs: availableParallelism(),
        ...(options.varFiles ? { varFiles: options.varFiles } : {}),
        ...(options.fileSources ? { fileSources: options.fileSources } : {}),
        ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
      })
    ).errors;
  const after = await read(changed.map((c) => ({ path: c.file, text: c.after })));
  const suspect = newErrors(changed, after, scanned);
  if (suspect.size === 0) return suspect;
  const before = await read(changed.filter((c) => suspect.has(c.file)).map((c) => ({ path: c.file, text: c.before })));
  return newErrors(
    changed.filter((c) => suspect.has(c.file)),
    after,
    before,
  );
}

/** What an error says, without the numbers an edit shifts (`at line 12, column 7` in a YAML parser's message). */
const said = (e: ScanError) => `${e.resource ?? ''}\u0000${(e.message.split('\n')[0] ?? '').replace(/\d+/g, '#')}`;

/** Per file, the first error of `after` that `before` does not have (each error of `before` matches one). */
function newErrors(
  changed: ReadonlyArray<{ file: string }>,
  after: readonly ScanError[],
  before: readonly ScanError[],
): Map<string, ScanError> {
  const made = new Map<string, ScanError>();
  for (const { file } of changed) {
    const had = new Map<string, number>();
    for (const e of before) if (e.file === file) had.set(said(e), (had.get(said(e)) ?? 0) + 1);
    for (const e of after) {
      if (e.file !== file) continue;
      const left = had.get(said(e)) ?? 0;
      if (left > 0) had.set(said(e), left - 1);
      else if (!made.has(file)) made.set(file, e);
    }
  }
  return made;
}
