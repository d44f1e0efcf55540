import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs `use` in a fresh temporary folder (its name starts `ecsguard-<label>-`), removed after, whatever happens. */
export async function inTempFolder(label: string, use: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), `ecsguard-${label}-`));
  try {
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
