import { temporaryName } from './temporary-name.js';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to a temporary file beside `path` and renames it into place, so a
 * reader never sees half a file. `flush` (default) syncs first: journals and plans
 * must survive a crash; caches, which are re-fetched when lost, skip it for speed.
 */
export async function writeFileAtomic(path: string, text: string, { flush = true }: { flush?: boolean } = {}): Promise<void> {
  const temporary = join(dirname(path), temporaryName(basename(path), '.tmp'));
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      if (flush) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
