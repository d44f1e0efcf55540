import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CHECKS } from '../../src/checks/catalogue.js';
import { FILE_BATCH } from '../../src/engine/scan-files.js';
import { type BatchResult, type FindingSink, handFindings, scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/finding.js';
import { InlineSuppressions } from '../../src/mute/inline.js';
import { createMuter } from '../../src/mute/mute.js';

/**
 * A streamed report's memory must follow the largest batch, not the corpus: once the sink took a batch's findings,
 * nothing in the scan may hold them, and nothing may be kept per file read. These tests fail when a per-finding or
 * per-file structure is held again.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const finding = (file: string, checkId: string): Finding =>
  ({
    checkId,
    status: 'FAIL',
    severity: 'high',
    title: checkId,
    message: 'privileged is true',
    resource: { kind: 'file', source: 'json', file, id: 'web' },
    remediation: 'set it to false',
  }) as unknown as Finding;

const FILES = FILE_BATCH * 2 + 1;

describe('a streamed scan holds no finding the sink took, and nothing per file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-streamed-memory-'));
    // Three batches (the last one file): the pool path holds batches the same way (handFindings, above), but starting a
    // worker would cost this test most of its CPU.
    mkdirSync(path.join(dir, 'defs'));
    for (let i = 0; i < FILES; i++) {
      const body = { family: `svc-${i}`, containerDefinitions: [{ name: 'app', image: 'nginx', privileged: true }] };
      writeFileSync(path.join(dir, 'defs', `svc-${i}.json`), JSON.stringify(body));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('handFindings empties the batch it hands over (a promise of the batch may outlive it)', () => {
    const taken: Finding[] = [];
    const sink: FindingSink = { take: (findings) => taken.push(...findings) };
    const batch: BatchResult = {
      findings: [finding('a.json', 'no-privileged-containers'), finding('a.json', 'no-root-user')],
      errors: [],
      warnings: [],
      taskDefinitions: 1,
      lines: [[1], [2]],
    };
    const rest = handFindings(batch, { findingSink: sink }, 0);
    assert.equal(taken.length, 2);
    assert.deepEqual(batch.findings, []);
    assert.equal(batch.lines, undefined);
    assert.deepEqual(rest.findings, []);
    assert.equal(rest.taskDefinitions, 1);
  });

  it("each batch's findings are collectable once the next batch arrives, and inline suppressions keep nothing per file", async () => {
    const inline = new InlineSuppressions();
    const mute = createMuter({ inline, now: new Date('2026-06-01T00:00:00Z') }).mute;
    const earlier: Array<WeakRef<Finding>> = [];
    let batches = 0;
    let total = 0;
    const held: number[] = [];
    const sink: FindingSink = {
      take(findings) {
        // A batch checked in this thread is handed over twice, the second time empty, in the same job: a WeakRef
        // keeps its target until the job ends, so only a batch with findings (a later job) looks back.
        if (!findings.length) return;
        // Everything an earlier batch handed over must be garbage by now.
        gc();
        held.push(earlier.filter((ref) => ref.deref() !== undefined).length);
        for (const f of findings) {
          mute(f);
          earlier.push(new WeakRef(f));
        }
        batches++;
        total += findings.length;
      },
    };
    const result = await scan({
      paths: [dir],
      checks: CHECKS,
      jobs: 2,
      findingSink: sink,
      onFileRead: inline.onFileRead,
      onFindingLines: inline.onFindingLines,
    });
    assert.equal(result.findings.length, 0);
    assert.equal(result.summary.taskDefinitions, FILES);
    assert.ok(batches >= 3, `${batches} batches`);
    assert.ok(total >= FILES, `${total} findings`);
    assert.deepEqual(
      held,
      held.map(() => 0),
      `findings of earlier batches still held when each batch arrived: ${held.join(', ')}`,
    );
    // No file held a directive: nothing is remembered for any of them.
    assert.equal((inline as unknown as { parsed: Map<string, unknown> }).parsed.size, 0);
  });
});
