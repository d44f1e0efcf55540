import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The text of `file`: the one in `known` (as a scan read and decoded it), else the file from disk, read once and
 * kept there (a Terraform variable default in a module folder, JSON a `file()` reads); undefined when unreadable.
 */
export function cachedText(file: string, known: Map<string, string>): string | undefined {
  const hit = known.get(file) ?? known.get(path.resolve(file));
  if (hit !== undefined) return hit;
  try {
    const text = readFileSync(file, 'utf8');
    known.set(file, text);
    return text;
  } catch {
    return undefined;
  }
}
