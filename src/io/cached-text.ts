import path from 'node:path';
import { readTextFile } from './read-text-file.js';

/**
 * The text of `file`: the one in `known` (as a scan read and decoded it), else the file from disk, read once and
 * kept there (a Terraform variable default in a module folder, JSON a `file()` reads); undefined when unreadable.
 */
export function cachedText(file: string, known: Map<string, string>): string | undefined {
  const hit = known.get(file) ?? known.get(path.resolve(file));
  if (hit !== undefined) return hit;
  // Decoded as the scan decodes the files it reads (no byte order mark, UTF-16), so offsets agree.
  const read = readTextFile(file);
  if (!('text' in read)) return undefined;
  known.set(file, read.text);
  return read.text;
}
