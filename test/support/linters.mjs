// The linters `npm test` runs (test/lint.test.ts asserts they pass). They read the TypeScript sources, not the build;
// run-tests.mjs starts them once the build is done, beside the tests (the build is the step nothing runs beside).
// Oxlint with type-aware rules (.oxlintrc.json: the rules eslint.config.js holds as errors, typescript-eslint's strict
// type-checked set, the type-aware ones run by tsgolint on TypeScript 7) lints the whole tree in about 5 CPU seconds
// from nothing; ESLint with typescript-eslint builds a TypeScript 5.9 program for the same rules, about 40 from nothing
// (docs/architecture.md, "Build, lint, test"), and stays `npm run lint`. Biome's formatter checks the layout.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** @type {Array<{ name: string; script: string; args: string[] }>} */
export const LINTERS = [
  {
    name: 'oxlint',
    script: 'node_modules/oxlint/bin/oxlint',
    // Errors only, as ESLint's --quiet: .oxlintrc.json leaves out the rules eslint.config.js keeps at 'warn' (debt).
    args: ['--type-aware', '--deny-warnings', '--format', 'default', '.'],
  },
  {
    // The formatter (biome.json: 140 columns, single quotes, trailing commas; the style Prettier had). Checks only.
    name: 'biome',
    script: 'node_modules/@biomejs/biome/bin/biome',
    args: ['format', '--colors=off', '.'],
  },
];

/**
 * Runs a linter; with `resultsDir`, also writes its result there as `<name>.json` when it ends.
 * @param {{ name: string; script: string; args: string[] }} linter
 * @param {string} [resultsDir]
 * @returns {{ child: import('node:child_process').ChildProcess; result: Promise<{ code: number | null; output: string }> }}
 */
export function startLinter(linter, resultsDir) {
  const child = spawn(process.execPath, [path.join(ROOT, linter.script), ...linter.args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const result = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ended = { code, output: signal ? `${output}\n(stopped by ${signal})` : output };
      if (resultsDir) {
        mkdirSync(resultsDir, { recursive: true });
        const file = path.join(resultsDir, `${linter.name}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify(ended));
        renameSync(`${file}.tmp`, file); // whole, for a reader polling for it
      }
      resolve(ended);
    });
  });
  return { child, result };
}

/**
 * The linter's result: the one run-tests.mjs started (ECSGUARD_LINT_RESULTS names where it writes them), waited
 * for, or else a run of its own.
 * @param {string} name
 * @returns {Promise<{ code: number | null; output: string }>}
 */
export async function lintResult(name) {
  const linter = LINTERS.find((l) => l.name === name);
  if (!linter) throw new Error(`no linter ${name}`);
  const dir = process.env.ECSGUARD_LINT_RESULTS;
  if (!dir) return startLinter(linter).result;
  const file = path.join(dir, `${name}.json`);
  while (!existsSync(file)) await sleep(250);
  return JSON.parse(readFileSync(file, 'utf8'));
}
