/**
 * The linters as part of `npm test`: a lint error or an unformatted file fails the run and shows in the runner's
 * closing counts, and linting runs alongside the other test files instead of before them. Same commands as
 * `npm run lint`. Both cache their results under node_modules/.cache (by file content), so a fresh clone lints
 * everything and a repeat run lints only what changed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/paths.js';

function run(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

describe('lint', { concurrency: true }, () => {
  it('ESLint (typescript-eslint strict, type-checked) reports no errors', async () => {
    const eslint = await run('node_modules/eslint/bin/eslint.js', [
      '--cache',
      '--cache-strategy',
      'content',
      '--cache-location',
      // Errors only: --quiet also skips running the rules still at 'warn' (the debt in eslint.config.js), about half the
      // cost; `npm run lint` lists them. Its own cache, so the two never hand each other results.
      'node_modules/.cache/eslint/errors-only/',
      '--quiet',
      '.',
    ]);
    assert.equal(eslint.code, 0, eslint.output);
  });

  it('Prettier finds every file formatted', async () => {
    const prettier = await run('node_modules/prettier/bin/prettier.cjs', [
      '--check',
      '--cache',
      '--cache-strategy',
      'content',
      '--cache-location',
      'node_modules/.cache/prettier/.prettier-cache',
      '**/*.{ts,js,mjs}',
    ]);
    assert.equal(prettier.code, 0, prettier.output);
  });
});
