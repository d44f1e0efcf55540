import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CHECKS } from '../../src/checks/catalogue.js';
import { newClaim } from '../../src/engine/batch-claim.js';
import { ALL_FINDING_DETAILS } from '../../src/engine/evaluate.js';
import type { BatchMessage } from '../../src/engine/pool.js';
import type { BatchResult } from '../../src/engine/scan.js';
import { FILE_SOURCES } from '../../src/sources/registry.js';
import { REPO_ROOT } from '../support/paths.js';

// The command line's scan workers start from bin/scan-worker.js: the worker's CommonJS bundle compiled with a V8 code
// cache of its own, one per set of V8 flags (a long scan tunes them before it starts its workers).

const ENTRY = path.join(REPO_ROOT, 'bin/scan-worker.js');
const TEMPLATE = path.join(REPO_ROOT, 'test/fixtures/cloudformation/conditions.yaml');

/** Runs one batch (a template) in a fresh worker started from bin/; returns its result once the worker has ended. */
async function runInWorker(cacheFolder: string, v8Flags: 'tuned' | 'default'): Promise<BatchResult> {
  const worker = new Worker(ENTRY, { workerData: { v8Flags, cacheFolder } });
  try {
    const message: BatchMessage = {
      id: 0,
      claim: newClaim(),
      task: {
        sourceIndex: FILE_SOURCES.findIndex((s) => s.kind === 'cloudformation'),
        files: [{ path: TEMPLATE, text: readFileSync(TEMPLATE, 'utf8') }],
        checkIds: CHECKS.map((c) => c.meta.id),
        includePassed: true,
        varFiles: [],
        findingLines: true,
        findingDetails: ALL_FINDING_DETAILS,
      },
    };
    const answer = new Promise<{ result?: BatchResult; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage(message);
    const { result, error } = await answer;
    assert.ok(result, error);
    return result;
  } finally {
    await worker.terminate();
  }
}

const caches = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.v8cache'))
    .sort();

describe('the scan worker started by the command line', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'ecsguard-worker-cache-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('makes its code cache after its first batch, and the next worker checks the same from it', async () => {
    const first = await runInWorker(folder, 'default');
    assert.ok(first.findings.some((f) => f.status === 'FAIL'));
    const [made] = caches(folder);
    assert.match(made ?? '', /^worker-default-[0-9a-f]{32}-/);
    const written = statSync(path.join(folder, made as string));
    // A cache bigger than the bundle's top level alone: it holds the functions the batch compiled.
    assert.ok(written.size > 100_000, `${written.size} bytes`);

    const second = await runInWorker(folder, 'default');
    assert.deepEqual(second, first);
    // Used, not made again.
    assert.deepEqual(caches(folder), [made]);
    assert.equal(statSync(path.join(folder, made as string)).mtimeMs, written.mtimeMs);
  });

  it('keeps a cache of its own for tuned V8 flags, beside the default one', async () => {
    await runInWorker(folder, 'tuned');
    assert.deepEqual(
      caches(folder).map((name) => name.split('-').slice(0, 2).join('-')),
      ['worker-default', 'worker-tuned'],
    );
  });
});

describe('a command line whose install lacks the worker bundle', () => {
  it('checks a scan large enough for workers in one thread, as when workers cannot start', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ecsguard-no-worker-bundle-'));
    try {
      cpSync(path.join(REPO_ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
      const bundle = path.join(REPO_ROOT, 'dist/bundle');
      mkdirSync(path.join(root, 'dist/bundle'), { recursive: true });
      for (const name of readdirSync(bundle).filter((n) => !n.startsWith('scan-worker.')))
        cpSync(path.join(bundle, name), path.join(root, 'dist/bundle', name), { recursive: true });
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
      const definitions = path.join(root, 'definitions');
      mkdirSync(definitions);
      // Enough files and text for a scan to start workers (MIN_FILES_FOR_WORKERS and the text per worker).
      for (let i = 0; i < 400; i++) {
        const container = { name: 'app', image: 'nginx', user: '0', privileged: true };
        const body = { family: `f${i}`, networkMode: 'host', containerDefinitions: [container] };
        writeFileSync(path.join(definitions, `td-${i}.json`), JSON.stringify(body));
      }
      const run = spawnSync(
        process.execPath,
        [path.join(root, 'bin/ecsguard.js'), '--no-config', 'scan', definitions, '--jobs', '2', '-q'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /^400 task definitions checked from 400 files: 2000 failed, 0 unknown, /m);
      assert.equal(run.status, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
