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
 * files from disk), and returns, per file, the first input error it has beyond those the file had before the fix: a text an
 * edit broke (a syntax error, JSON in a string that no longer decodes). Such a file must not be written; nothing else
 * is judged here.
 */
export async function errorsMadeByFixes(
  changed: ReadonlyArray<{ file: string; after: string }>,
  before: readonly ScanError[],
  options: ReadBackOptions,
): Promise<Map<string, ScanError>> {
  const made = new Map<string, ScanError>();
  if (changed.length === 0) return made;
  const result = await scan({
    paths: [],
    texts: changed.map((c) => ({ path: c.file, text: c.after })),
    checks: [],
    skipUnrecognized: true,
    ...(options.varFiles ? { varFiles: options.varFiles } : {}),
    ...(options.fileSources ? { fileSources: options.fileSources } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  const count = (errors: readonly ScanError[], file: string) => errors.filter((e) => e.file === file).length;
  for (const { file } of changed) {
    const after = result.errors.filter((e) => e.file === file);
    if (after.length > count(before, file)) made.set(file, after.find((e) => e.line !== undefined) ?? (after[0] as ScanError));
  }
  return made;
}
