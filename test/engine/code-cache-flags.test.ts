import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';

// A long scan changes V8's flags (src/engine/compiler-tuning.ts), and V8 rejects a code cache made under other flags
// than the ones it is read with. bin/load-bundle.js therefore makes the cache just before the flags change: the next
// run, started with the default flags, uses it instead of compiling the bundle again and rewriting the cache.

const LOADER = path.join(REPO_ROOT, 'bin/load-bundle.js');
const TUNING = '--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=409600';

/** Loads the bundle in a fresh process; `tune` changes the flags as a long scan does, announced or not. */
function run(bundle: string, folder: string, tune: 'announced' | 'unannounced' | 'none'): string {
  const script = `
    const { loadBundle } = require(${JSON.stringify(LOADER)});
    const options = { cacheFolder: ${JSON.stringify(folder)} };
    const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(path.dirname(bundle))}, options);
    loaded.exports.answer();
    const tune = ${JSON.stringify(tune)};
    if (tune === 'announced') globalThis[Symbol.for('ecsguard.beforeV8FlagsChange')]();
    if (tune !== 'none') require('node:v8').setFlagsFromString(${JSON.stringify(TUNING)});
    loaded.exports.answer();
    loaded.saveCache();
    process.stdout.write(loaded.cache);`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout;
}

function writeBundle(file: string): void {
  const body = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  const source = `"use strict";\n${body}\nexports.answer = () => f0(1) + f49(2);\n`;
  writeFileSync(file, source);
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(source).digest('hex')}\n`);
}

describe('the CLI bundle’s code cache and a long scan’s compiler flags', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cache-flags-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cache made before the flags change is used by the next run', () => {
    const bundle = path.join(dir, 'announced.cjs');
    writeBundle(bundle);
    const folder = path.join(dir, 'announced-cache');
    assert.deepEqual([run(bundle, folder, 'announced'), run(bundle, folder, 'none')], ['none', 'used']);
  });

  // The premise: a cache made after the flags changed is one V8 rejects (each run would compile and rewrite it).
  it('a cache made after the flags changed is rejected by the next run', () => {
    const bundle = path.join(dir, 'unannounced.cjs');
    writeBundle(bundle);
    const folder = path.join(dir, 'unannounced-cache');
    assert.deepEqual([run(bundle, folder, 'unannounced'), run(bundle, folder, 'none')], ['none', 'rejected']);
  });
});
