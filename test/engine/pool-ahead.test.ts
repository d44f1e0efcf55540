import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { ALL_FINDING_DETAILS } from '../../src/engine/evaluate.js';
import { AHEAD_MAX_CHARS, type BatchTask, ScanPool, WORKER_AHEAD, WorkerOutOfMemory } from '../../src/engine/pool.js';
import { FILE_BATCH, TAIL_BATCH, batchSize } from '../../src/engine/scan-files.js';
import type { BatchResult } from '../../src/engine/scan.js';
import { FILE_SOURCES } from '../../src/sources/registry.js';

// A worker holds its next batches (pool.ts, WORKER_AHEAD) so it never waits for the main thread between two; a batch
// it holds and has not started can still be taken back by the main thread (steal), and exactly one side runs it.

const JSON_SOURCE = FILE_SOURCES.findIndex((s) => s.kind === 'json');
const file = (name: string) => {
  const at = path.join('examples/json', name);
  return { path: at, text: readFileSync(at, 'utf8') };
};
const task = (files: BatchTask['files']): BatchTask => ({
  sourceIndex: JSON_SOURCE,
  files,
  checkIds: CHECKS.map((c) => c.meta.id),
  includePassed: false,
  varFiles: [],
  findingLines: false,
  findingDetails: ALL_FINDING_DETAILS,
});
const privileged = (r: BatchResult) =>
  r.findings.filter((f) => f.checkId === 'no-privileged-containers' && f.status === 'FAIL').map((f) => `${f.resource.file} ${f.container}`);

describe('scan pool: batches held by a worker ahead of time', () => {
  it('the main thread takes back every batch no worker started, held or queued; each is run once, by one side', async () => {
    const pool = new ScanPool(1);
    try {
      const host = file('monitoring-agent-host.json');
      const batches = Array.from({ length: WORKER_AHEAD + 2 }, () => pool.run(task([host])));
      // The worker is still starting: it has claimed none of them.
      assert.equal(pool.backlog(), WORKER_AHEAD + 2);
      const taken: Array<ReturnType<ScanPool['steal']>> = [];
      for (let next = pool.steal(); next; next = pool.steal()) taken.push(next);
      assert.equal(taken.length, WORKER_AHEAD + 2);
      assert.equal(pool.backlog(), 0);
      const ours: BatchResult = { findings: [], errors: [], warnings: [], taskDefinitions: 41 };
      for (const t of taken) t?.settle(Promise.resolve(ours));
      for (const result of await Promise.all(batches)) assert.equal(result, ours);
      // The worker received the batches it held and skipped them: the next batch is its first, and it runs it.
      const real = await pool.run(task([host, file('web-secure-host.json')]));
      assert.equal(real.taskDefinitions, 2);
      assert.deepEqual(privileged(real), privileged(await pool.run(task([host]))));
      assert.ok(privileged(real).length > 0);
    } finally {
      await pool.close();
    }
  });

  it('batches a worker held when it ran out of memory go to the fresh worker, in order', async () => {
    // A small heap and a batch under AHEAD_MAX_CHARS that does not fit it: the worker holds the small batches meanwhile.
    const pool = new ScanPool(1, undefined, { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 });
    const containers = Array.from({ length: 12 }, (_, c) => ({
      name: `c${c}`,
      image: 'nginx:1.27',
      environment: Array.from({ length: 1500 }, (_, i) => ({ name: `VARIABLE_${i}`, value: 'v'.repeat(40) })),
    }));
    const large = { path: 'large.json', text: JSON.stringify({ family: 'large', containerDefinitions: containers }, null, 2) };
    assert.ok(large.text.length < AHEAD_MAX_CHARS);
    try {
      const outcome = pool.run(task([large])).then(
        () => 'checked',
        (error: unknown) => (error instanceof WorkerOutOfMemory ? 'out of memory' : String(error)),
      );
      const names = ['monitoring-agent-host.json', 'web-secure-host.json', 'hardened-api.json'];
      const small = names.map((name) => pool.run(task([file(name)])));
      assert.equal(await outcome, 'out of memory');
      const results = await Promise.all(small);
      assert.deepEqual(
        results.map((r) => [r.taskDefinitions, r.errors.length, r.findings[0]?.resource.file]),
        [
          [1, 0, 'examples/json/monitoring-agent-host.json'],
          [1, 0, 'examples/json/web-secure-host.json'],
          [1, 0, undefined], // hardened: no failing finding
        ],
      );
    } finally {
      await pool.close();
    }
  });

  it('batches shrink towards the end of the reading, to TAIL_BATCH files; with one job they stay whole', () => {
    assert.equal(batchSize(3000, 2), FILE_BATCH);
    assert.equal(batchSize(400, 2), 50);
    assert.equal(batchSize(100, 2), TAIL_BATCH);
    assert.equal(batchSize(0, 2), TAIL_BATCH);
    assert.equal(batchSize(100, 1), FILE_BATCH);
  });
});
