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
 * Reads each changed input file's text back as the scan read the file, before and after the fix (a Terraform file
 * with its folder's other files from disk, on its own: a module's file as a root, with its variables' defaults), and
 * returns, per file, the first input error the new text has that the old one did not: a text an edit broke (a syntax
 * error, JSON in a string that no longer decodes). Errors are compared by what they say, not counted: a file that had
 * an error elsewhere and now fails to parse at all has one error either way. Such a file must not be written; nothing
 * else is judged here.
 */
export async function errorsMadeByFixes(
  changed: ReadonlyArray<{ file: string; before: string; after: string }>,
  options: ReadBackOptions,
): Promise<Map<string, ScanError>> {
  const made = new Map<string, ScanError>();
  if (changed.length === 0) return made;
  const read = async (texts: Array<{ path: string; text: string }>) =>
    (
      await scan({
        paths: [],
        texts,
        checks: [],
        skipUnrecognized: true,
        ...(options.varFiles ? { varFiles: options.varFiles } : {}),
        ...(options.fileSources ? { fileSources: options.fileSources } : {}),
        ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
      })
    ).errors;
  const before = await read(changed.map((c) => ({ path: c.file, text: c.before })));
  const after = await read(changed.map((c) => ({ path: c.file, text: c.after })));
  // What an error says, without the numbers an edit shifts (`at line 12, column 7` in a YAML parser's message).
  const said = (e: ScanError) => `${e.resource ?? ''}\u0000${(e.message.split('\n')[0] ?? '').replace(/\d+/g, '#')}`;
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
