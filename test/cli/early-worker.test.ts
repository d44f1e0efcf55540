import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TUNED_V8_FLAGS, TUNE_FROM_FILES } from '../../src/engine/compiler-tuning.js';
import { WORKER_RESOURCE_LIMITS } from '../../src/engine/pool.js';
import { MIN_FILES_FOR_WORKERS } from '../../src/engine/scan-files.js';
import { InterruptedError, interruptible } from '../../src/cli/interrupt.js';
import { PassThrough } from 'node:stream';
import { REPO_ROOT, runBuiltCliAsync } from '../support/cli.js';
import { inTempFolder } from '../support/temp-folder.js';

// bin/ecsguard.js starts a folder scan's first worker before the bundle loads (bin/early-worker.js); the pool takes it.

interface EarlyWorkerModule {
  wantsEarlyWorker: (args: string[], cores: number) => boolean;
  EARLY_WORKER_LIMITS: unknown;
  MIN_LIKELY_FILES: number;
  TUNED_V8_FLAGS: string;
  holdStopSignals: () => void;
}
const early = createRequire(import.meta.url)(path.join(REPO_ROOT, 'bin/early-worker.js')) as EarlyWorkerModule;

const taskDefinition = (i: number) =>
  JSON.stringify({
    family: `service-${i}`,
    networkMode: i % 3 === 0 ? 'host' : 'awsvpc',
    containerDefinitions: [
      { name: 'app', image: `registry.example.com/app:${i}`, privileged: i % 7 === 0, user: i % 5 === 0 ? '0' : '1000' },
    ],
  });

/** A folder `big` of 300 task definitions, `small` of 5, and `vendored` of 5 with 400 under node_modules. */
function writeFolders(dir: string): void {
  for (const [name, count] of [
    ['big', 300],
    ['small', 5],
    ['vendored', 5],
  ] as const) {
    mkdirSync(path.join(dir, name, 'nested'), { recursive: true });
    for (let i = 0; i < count; i++) writeFileSync(path.join(dir, name, i % 2 ? 'nested' : '', `td-${i}.json`), taskDefinition(i));
  }
  mkdirSync(path.join(dir, 'vendored', 'node_modules', 'pkg'), { recursive: true });
  for (let i = 0; i < 400; i++) writeFileSync(path.join(dir, 'vendored', 'node_modules', 'pkg', `${i}.json`), '{}');
}

describe('the early worker of a folder scan', () => {
  it('has the limits, the threshold and the V8 flags the pool and the scan use', () => {
    assert.deepEqual(early.EARLY_WORKER_LIMITS, WORKER_RESOURCE_LIMITS);
    assert.equal(early.MIN_LIKELY_FILES, MIN_FILES_FOR_WORKERS);
    assert.equal(early.TUNED_V8_FLAGS, TUNED_V8_FLAGS);
    assert.equal(TUNE_FROM_FILES, MIN_FILES_FOR_WORKERS, 'a scan that starts a worker early tunes its flags');
  });

  it('is started only for a scan that will use workers', async () => {
    await inTempFolder('early-worker', async (dir) => {
      writeFolders(dir);
      const at = (name: string) => path.join(dir, name);
      const cases: Array<[string[], number, boolean]> = [
        [['scan', at('big')], 2, true],
        [['scan', at('big'), '--format', 'json'], 4, true],
        [['scan', '--jobs', '2', at('big')], 2, true],
        [['scan', at('big')], 1, false],
        [['scan', at('small')], 2, false],
        [['scan', at('vendored')], 2, false],
        [['scan', at('big/td-0.json')], 2, false],
        [['scan', at('big'), '--jobs', '1'], 2, false],
        [['scan', at('big'), '-j1'], 2, false],
        [['scan', at('big'), '--jobs=1'], 2, false],
        [['scan', at('big'), '--resolve-image-users'], 2, false],
        [['scan', at('big'), '--help'], 2, false],
        [['fix', at('big')], 2, false],
      ];
      for (const [args, cores, expected] of cases) {
        const shown = args.map((a) => a.replace(dir, '<dir>')).join(' ');
        assert.equal(early.wantsEarlyWorker(args, cores), expected, `${shown} on ${cores} cores`);
      }
    });
  });

  it('a scan that takes it reports what one thread reports, byte for byte', async () => {
    await inTempFolder('early-worker-scan', async (dir) => {
      writeFolders(dir);
      const big = path.join(dir, 'big');
      const [lanes, oneLane] = await Promise.all([
        runBuiltCliAsync(['scan', big, '--format', 'json', '--jobs', '2']),
        runBuiltCliAsync(['scan', big, '--format', 'json', '--jobs', '1']),
      ]);
      assert.equal(lanes.code, 1, lanes.stderr);
      assert.equal(lanes.stdout, oneLane.stdout);
      const report = JSON.parse(lanes.stdout) as { summary: { filesScanned: number; taskDefinitions: number } };
      assert.deepEqual([report.summary.filesScanned, report.summary.taskDefinitions], [300, 300]);
    });
  });

  it('a scan that never uses workers ends as soon as it is done (the worker it did not take is not waited for)', async () => {
    await inTempFolder('early-worker-unused', async (dir) => {
      // 300 likely names, none a task definition: the worker starts, the scan sees too few inputs to use it.
      for (let i = 0; i < 300; i++) writeFileSync(path.join(dir, `settings-${i}.json`), JSON.stringify({ name: `pkg-${i}` }));
      writeFileSync(path.join(dir, 'task.json'), taskDefinition(0));
      const run = await runBuiltCliAsync(['scan', dir, '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as { summary: { filesScanned: number; filesSkipped: number } };
      assert.deepEqual([report.summary.filesScanned, report.summary.filesSkipped], [1, 300]);
    });
  });

  it('a Ctrl-C while the command line starts (reading the folders) stops the scan as one during it does', async () => {
    const listeners = process.listenerCount('SIGINT');
    early.holdStopSignals();
    process.kill(process.pid, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += String(chunk)));
    let sawAborted = false;
    await assert.rejects(
      interruptible(async (signal) => {
        sawAborted = signal.aborted;
        return 'report';
      }, stderr),
      (error: unknown) =>
        error instanceof InterruptedError &&
        error.exitCode === 130 &&
        error.message === 'interrupted by the user: the scan is incomplete and no report was written',
    );
    assert.equal(sawAborted, true);
    assert.equal(written, '\necsguard: interrupted; stopping (press Ctrl-C again to force)\n');
    assert.equal(process.listenerCount('SIGINT'), listeners, 'the held handlers are gone');
  });
});
