import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root: the nearest folder above this module with ecsguard's package.json. npm test runs the tests
 * compiled under node_modules/.cache/ecsguard-test, so paths are found from here rather than relative to a test file.
 */
export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src/cli/main.ts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ecsguard repository above ${start}`);
  }
}
