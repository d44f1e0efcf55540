/**
 * The linters as part of `npm test`: a lint error or an unformatted file fails the run and shows in the runner's
 * closing counts. The commands are in test/support/linters.mjs; run-tests.mjs starts them before the build (they
 * read the sources) and this test waits for their results; run on its own, it runs them itself.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './support/paths.js';

interface Linters {
  lintResult(name: string): Promise<{ code: number | null; output: string }>;
}

/** Plain JavaScript beside run-tests.mjs (which needs it before the build), so loaded from the repository. */
async function lintResult(name: string): Promise<{ code: number | null; output: string }> {
  const linters = (await import(pathToFileURL(path.join(REPO_ROOT, 'test/support/linters.mjs')).href)) as Linters;
  return linters.lintResult(name);
}

describe('lint', { concurrency: true }, () => {
  it('Oxlint (typescript-eslint strict type-checked rules, type-aware) reports no errors', async () => {
    const oxlint = await lintResult('oxlint');
    assert.equal(oxlint.code, 0, oxlint.output);
  });

  it('Biome finds every file formatted', async () => {
    const biome = await lintResult('biome');
    assert.equal(biome.code, 0, biome.output);
  });
});
