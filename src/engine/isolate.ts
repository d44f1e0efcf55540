import path from 'node:path';
import { type FileSource, type FileSourceOptions, type InputFile, type SourceOutput, fileError, mergeOutputs } from '../sources/source.js';

/** Why a source threw, in words a user can act on. */
export function describeLoadFailure(source: FileSource | undefined, error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return 'too deeply nested to read (the parser ran out of stack); not checked';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `internal error${source ? ` in the ${source.kind} source` : ''}, not checked: ${detail}`;
}

function byDirectory(files: InputFile[]): InputFile[][] {
  const groups = new Map<string, InputFile[]>();
  for (const file of files) {
    const dir = path.dirname(file.path);
    groups.set(dir, [...(groups.get(dir) ?? []), file]);
  }
  return [...groups.values()];
}

/**
 * Loads files through a source; if the source throws, narrows down to the file
 * that makes it throw (by directory, then by file) so one bad input never hides
 * the others. Only that file becomes an error.
 */
export async function loadIsolating(source: FileSource, files: InputFile[], options: FileSourceOptions): Promise<SourceOutput> {
  try {
    return await source.load(files, options);
  } catch (error) {
    const [only] = files;
    if (files.length === 1 && only) {
      return { definitions: [], failures: [], errors: [fileError(only.path, describeLoadFailure(source, error))] };
    }
    let groups = source.independentFiles ? files.map((f) => [f]) : byDirectory(files);
    if (groups.length === 1) groups = files.map((f) => [f]);
    const outputs: SourceOutput[] = [];
    for (const group of groups) outputs.push(await loadIsolating(source, group, options));
    return mergeOutputs(outputs);
  }
}
