import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { ALL_FINDING_DETAILS } from '../../src/engine/evaluate.js';
import { ScanPool, WorkerOutOfMemory } from '../../src/engine/pool.js';
import { FILE_SOURCES } from '../../src/sources/registry.js';
import { runBuiltCliAsync } from '../support/cli.js';

// A worker thread has a bounded heap (src/engine/pool.ts). A batch holding one file too large for it makes the
// worker run out of memory; that batch must then be checked in the main thread, with the same report.
describe('scan --jobs: a file too large for a worker is checked in the main thread', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ecsguard-pool-memory-'));
    for (let copy = 0; copy < 110; copy++) {
      const dir = path.join(root, `team-${String(copy).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (const file of ['monitoring-agent-host.json', 'payments-api-describe-output.json', 'web-secure-host.json']) {
        cpSync(path.join('examples/json', file), path.join(dir, file));
      }
    }
    // About 10 MB of JSON: its position tree alone outgrows a worker's heap.
    const containers = Array.from({ length: 60 }, (_, c) => ({
      name: `c${c}`,
      image: 'nginx:1.27',
      ...(c % 7 === 0 ? { privileged: true } : {}),
      ...(c % 5 === 0 ? { user: 'root' } : {}),
      environment: Array.from({ length: 1600 }, (_, i) => ({ name: `VARIABLE_${i}`, value: 'v'.repeat(40) })),
    }));
    writeFileSync(
      path.join(root, 'team-050', 'large.json'),
      JSON.stringify({ family: 'large', networkMode: 'host', containerDefinitions: containers }, null, 2),
    );
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("--jobs 1 and --jobs 2 write the same report, with the large file's findings", async () => {
    const one = await runBuiltCliAsync(['scan', root, '--format', 'json', '--jobs', '1', '--quiet']);
    const two = await runBuiltCliAsync(['scan', root, '--format', 'json', '--jobs', '2', '--quiet']);
    assert.equal(one.code, 1, one.stderr);
    assert.equal(two.code, 1, two.stderr);
    assert.equal(two.stderr, one.stderr);
    assert.equal(two.stdout, one.stdout);
    const report = JSON.parse(two.stdout) as { findings: Array<{ checkId: string; resource: { file: string }; container?: string }> };
    const large = report.findings.filter((f) => f.resource.file.endsWith('large.json'));
    assert.deepEqual(
      large.filter((f) => f.checkId === 'no-privileged-containers').map((f) => f.container),
      ['c0', 'c7', 'c14', 'c21', 'c28', 'c35', 'c42', 'c49', 'c56'],
    );
  });

  // The scan above may check the large file's batch in the main thread (one of the lanes) before a worker takes it:
  // this case sends it to a worker, so the out-of-memory path is exercised every time.
  it('a worker that runs out of memory on a batch rejects it with WorkerOutOfMemory, and the pool goes on with others', async () => {
    const pool = new ScanPool(1);
    const task = (file: string) => ({
      sourceIndex: FILE_SOURCES.findIndex((s) => s.kind === 'json'),
      files: [{ path: file, absolutePath: file, text: readFileSync(file, 'utf8') }],
      checkIds: CHECKS.map((c) => c.meta.id),
      includePassed: false,
      varFiles: [],
      findingLines: false,
      findingDetails: ALL_FINDING_DETAILS,
    });
    try {
      await assert.rejects(pool.run(task(path.join(root, 'team-050', 'large.json'))), WorkerOutOfMemory);
      const small = await pool.run(task(path.join(root, 'team-000', 'web-secure-host.json')));
      assert.ok(small.findings.length > 0);
    } finally {
      await pool.close();
    }
  });
});
