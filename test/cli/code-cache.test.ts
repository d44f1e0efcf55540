import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';

// bin/load-bundle.js compiles the CLI's bundle with V8's code cache. The cache may only ever make a start faster:
// these runs give it no cache, a cache of another bundle, garbage, a folder it cannot write and a folder another user
// could have written, and each still runs the bundle's own code.

const LOADER = path.join(REPO_ROOT, 'bin/load-bundle.js');

interface Loaded {
  cache: 'none' | 'used' | 'rejected' | 'off';
  answer: string;
}

/** Loads `bundle` in a fresh process with the cache in `folder`, calls its `answer()`, saves the cache. */
function load(bundle: string, folder: string, cachePrefix?: string): Loaded {
  const script =
    `
    const { loadBundle } = require(${JSON.stringify(LOADER)});
    const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(path.dirname(bundle))}, { ` +
    `cacheFolder: ${JSON.stringify(folder)}${cachePrefix ? `, cachePrefix: ${JSON.stringify(cachePrefix)}` : ''} });
    const answer = loaded.exports.answer();
    loaded.saveCache();
    process.stdout.write(JSON.stringify({ cache: loaded.cache, answer }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Loaded;
}

/** A small CommonJS bundle as the build writes one: the file, and its content hash beside it. */
function writeBundle(file: string, answer: string): void {
  // Enough functions that V8's cache has something to hold; `answer` decides what the bundle returns.
  const body = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  const source = `"use strict";\n${body}\nexports.answer = () => ${JSON.stringify(answer)} + f0(0);\n`;
  writeFileSync(file, source);
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(source).digest('hex')}\n`);
}

const cacheFiles = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.v8cache'));

describe('the code cache of the CLI bundle', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-code-cache-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is written after a run without one and used by the next; the real bundle runs the same from it', () => {
    const folder = path.join(dir, 'real');
    const bundle = path.join(REPO_ROOT, 'dist/bundle/cli.cjs');
    const script = (cacheFolder: string) =>
      `
      const { loadBundle } = require(${JSON.stringify(LOADER)});
      const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(REPO_ROOT)}, { cacheFolder: ${JSON.stringify(cacheFolder)} });
      let out = '';
      const io = { stdout: { write: (t) => ((out += t), true) }, stderr: { write: (t) => ((out += t), true) }, stdin: process.stdin, ` +
      `env: {} };
      loaded.exports.main(['checks', '--format', 'json'], io).then((code) => {
        loaded.saveCache();
        process.stdout.write(JSON.stringify({ cache: loaded.cache, code, out }));
      });`;
    const runs = [1, 2].map(() => {
      const run = spawnSync(process.execPath, ['-e', script(folder)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(run.status, 0, run.stderr);
      return JSON.parse(run.stdout) as { cache: string; code: number; out: string };
    });
    assert.deepEqual(
      runs.map((r) => r.cache),
      ['none', 'used'],
    );
    assert.equal(runs[0]?.code, 0);
    assert.equal(runs[1]?.out, runs[0]?.out);
    assert.match(runs[1]?.out ?? '', /"no-privileged-containers"/);
    assert.equal(cacheFiles(folder).length, 1);
    assert.equal(statSync(folder).mode & 0o777, 0o700, 'a folder of the user alone');
  });

  it('a rebuilt bundle (same size, other code) never reads the cache of the one before, and replaces it', () => {
    const bundle = path.join(dir, 'rebuilt.cjs');
    const folder = path.join(dir, 'rebuilt-cache');
    writeBundle(bundle, 'old');
    assert.equal(load(bundle, folder).answer, 'old0');
    assert.deepEqual(load(bundle, folder), { cache: 'used', answer: 'old0' });
    const before = cacheFiles(folder);
    writeBundle(bundle, 'new');
    assert.deepEqual(load(bundle, folder), { cache: 'none', answer: 'new0' });
    assert.deepEqual(load(bundle, folder), { cache: 'used', answer: 'new0' });
    const now = cacheFiles(folder);
    assert.equal(now.length, 1, 'the older bundle’s cache is removed');
    assert.notDeepEqual(now, before);
  });

  it('keeps the caches of prefixes that start alike apart (cli- and cli-tuned-, one for each set of V8 flags)', () => {
    const bundle = path.join(dir, 'prefixed.cjs');
    const folder = path.join(dir, 'prefixed-cache');
    const prefixes = () =>
      cacheFiles(folder)
        .map((name) => name.replace(/[0-9a-f]{32}-.*$/, ''))
        .sort();
    writeBundle(bundle, 'p');
    load(bundle, folder, 'cli-tuned-');
    load(bundle, folder, 'cli-');
    assert.deepEqual(prefixes(), ['cli-', 'cli-tuned-']);
    assert.deepEqual(load(bundle, folder, 'cli-tuned-'), { cache: 'used', answer: 'p0' });
    assert.deepEqual(load(bundle, folder, 'cli-'), { cache: 'used', answer: 'p0' });
    // A rebuilt bundle's cache replaces the one of its own prefix only.
    writeBundle(bundle, 'q');
    assert.deepEqual(load(bundle, folder, 'cli-'), { cache: 'none', answer: 'q0' });
    assert.deepEqual(prefixes(), ['cli-', 'cli-tuned-']);
    assert.deepEqual(load(bundle, folder, 'cli-tuned-'), { cache: 'none', answer: 'q0' });
    assert.deepEqual(load(bundle, folder, 'cli-tuned-'), { cache: 'used', answer: 'q0' });
    assert.equal(cacheFiles(folder).length, 2);
  });

  it('a cache V8 cannot use (garbage, cut short) is rejected, the bundle runs from source and the cache is rewritten', () => {
    const bundle = path.join(dir, 'garbage.cjs');
    const folder = path.join(dir, 'garbage-cache');
    writeBundle(bundle, 'fine');
    load(bundle, folder);
    const [name] = cacheFiles(folder);
    const file = path.join(folder, name ?? '');
    const good = readFileSync(file);
    writeFileSync(file, good.subarray(0, Math.floor(good.length / 2)));
    assert.deepEqual(load(bundle, folder), { cache: 'rejected', answer: 'fine0' });
    assert.deepEqual(load(bundle, folder), { cache: 'used', answer: 'fine0' });
    writeFileSync(file, Buffer.alloc(good.length, 0x5a));
    assert.deepEqual(load(bundle, folder), { cache: 'rejected', answer: 'fine0' });
  });

  it('a folder it cannot create or write leaves it without a cache, never without a run', () => {
    // (A read-only folder stops a cache only for a user other than root; a file in the folder's way stops everyone.)
    const bundle = path.join(dir, 'unwritable.cjs');
    writeBundle(bundle, 'ran');
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    assert.deepEqual(load(bundle, path.join(blocker, 'cache')), { cache: 'none', answer: 'ran0' });
    const readOnly = path.join(dir, 'read-only');
    mkdirSync(readOnly, { mode: 0o500 });
    assert.deepEqual(load(bundle, path.join(readOnly, 'cache')), { cache: 'none', answer: 'ran0' });
    chmodSync(readOnly, 0o700);
  });

  it('a cache folder others can write is neither read nor written: a planted cache would be code run as this user', () => {
    const bundle = path.join(dir, 'shared.cjs');
    const folder = path.join(dir, 'shared-cache');
    writeBundle(bundle, 'own');
    load(bundle, folder);
    assert.deepEqual(load(bundle, folder), { cache: 'used', answer: 'own0' });
    chmodSync(folder, 0o777);
    assert.deepEqual(load(bundle, folder), { cache: 'none', answer: 'own0' });
    chmodSync(folder, 0o700);
  });

  it('without the build’s content hash there is no cache at all', () => {
    const bundle = path.join(dir, 'unhashed.cjs');
    const folder = path.join(dir, 'unhashed-cache');
    writeBundle(bundle, 'plain');
    rmSync(`${bundle}.sha256`);
    assert.deepEqual(load(bundle, folder), { cache: 'none', answer: 'plain0' });
    assert.deepEqual(load(bundle, folder), { cache: 'none', answer: 'plain0' });
  });
});
