/**
 * The linters as part of `npm test`: a lint error, an unformatted file or an over-long line fails the run and shows in
 * the runner's closing counts. The commands are in test/support/linters.mjs; run-tests.mjs starts them before the build
 * (they read the sources) and this test waits for their results; run on its own, it runs them itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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

/** The longest code line, in characters (Biome's formatter lays code out to this width but leaves strings and comments). */
const MAX_LINE = 140;
/** Folders of code (JavaScript and TypeScript) under the root, and those left out: inputs, generated files. */
const CODE_FOLDERS = ['src', 'test', 'bench', 'scripts', 'bin'];
const NOT_CODE = ['test/fixtures/'];

/** Every code file of the repository (relative, with /), the root's own included. */
function codeFiles(): string[] {
  const isCode = (name: string) => /\.(?:[cm]?js|[cm]?ts)$/.test(name) && !name.endsWith('.d.ts');
  const files = readdirSync(REPO_ROOT).filter(isCode);
  for (const folder of CODE_FOLDERS) {
    for (const name of readdirSync(path.join(REPO_ROOT, folder), { recursive: true })) {
      const file = `${folder}/${String(name).split(path.sep).join('/')}`;
      if (isCode(file) && !NOT_CODE.some((prefix) => file.startsWith(prefix))) files.push(file);
    }
  }
  return files.sort();
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

  it(`no code line is longer than ${MAX_LINE} characters`, () => {
    const long: string[] = [];
    for (const file of codeFiles()) {
      const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        const length = [...line.replace(/\r$/, '')].length;
        if (length > MAX_LINE) long.push(`${file}:${index + 1}: ${length} characters`);
      });
    }
    assert.deepEqual(long, [], `wrap these lines (strings split with +, comments re-flowed):\n${long.join('\n')}`);
  });
});
