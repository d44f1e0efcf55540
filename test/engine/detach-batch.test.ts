import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detachBatch } from '../../src/engine/detach-batch.js';
import type { BatchResult } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/finding.js';
import { DEFAULT_FIX_OPTIONS } from '../../src/model/proposed-fix.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** A batch whose strings are slices of `text`, or joined from slices, as a source's values and messages are. */
function batchOf(text: string, findings: number): BatchResult {
  const result: BatchResult = { findings: [], errors: [], warnings: [], taskDefinitions: findings };
  for (let i = 0; i < findings; i++) {
    const at = (i * 97) % (text.length - 100);
    const name = text.slice(at, at + 20);
    result.findings.push({
      checkId: 'no-privileged-containers',
      status: 'FAIL',
      message: `container "${name}": privileged is true`,
      container: name,
      fieldPath: ['containerDefinitions', text.slice(at + 20, at + 40), 'privileged'],
      resource: { kind: 'file', source: 'terraform-plan', id: text.slice(at + 40, at + 60), file: 'plan.json' },
      location: { file: 'plan.json', start: { line: 1, column: at + 1, offset: at }, end: { line: 1, column: at + 21, offset: at + 20 } },
    } as unknown as Finding);
  }
  result.errors.push({ file: 'plan.json', message: `invalid value ${text.slice(5, 40)}` });
  return result;
}

/** 48 MB of distinct one-byte characters, like a large plan's text. */
const bigText = (): string =>
  Array.from({ length: 48 * 1024 }, (_, i) => `${String(i).padStart(8, '0')}${'abcdefghij'.repeat(100)}`.slice(0, 1024)).join('');

/** Heap bytes still used by what `make` returns once the text it was given is unreachable. */
async function retainedBytes(make: (text: string) => unknown): Promise<number> {
  collect();
  const before = process.memoryUsage().heapUsed;
  const kept = make(bigText());
  // A turn of the event loop: until then the text may still be referred to from this call's frames.
  await setImmediate();
  collect();
  const used = process.memoryUsage().heapUsed - before;
  assert.ok(kept);
  return used;
}

describe('detachBatch', () => {
  it('lets go of the file text that the strings of the records were cut from', async () => {
    // The control: without detaching, the slices hold the whole text.
    assert.ok((await retainedBytes((text) => batchOf(text, 2_000))) > 40 * 1024 * 1024);
    assert.ok((await retainedBytes((text) => detachBatch(batchOf(text, 2_000)))) < 8 * 1024 * 1024);
  });

  it('keeps every record and value as it was, in place', () => {
    const text = 'x'.repeat(50) + '"web-frontend-container-name" and more text after it';
    const result = batchOf(text, 3);
    const expected = structuredClone(result);
    const finding = result.findings[0] as Finding;
    const detached = detachBatch(result);
    assert.equal(detached, result);
    assert.equal(detached.findings[0], finding);
    assert.deepEqual(detached, expected);
  });

  it('copies frozen parts (shared constants) and reads cyclic ones without overflowing', () => {
    const cyclic: Record<string, unknown> = { name: 'a cyclic record of a caller' };
    cyclic.self = cyclic;
    const finding = { checkId: 'x', fix: { options: DEFAULT_FIX_OPTIONS }, extra: cyclic } as unknown as Finding;
    const result: BatchResult = { findings: [finding], errors: [], warnings: [], taskDefinitions: 1 };
    detachBatch(result);
    const options = (finding as unknown as { fix: { options: object } }).fix.options;
    assert.notEqual(options, DEFAULT_FIX_OPTIONS);
    assert.equal(Object.isFrozen(options), false);
    assert.deepEqual(options, { ...DEFAULT_FIX_OPTIONS });
    const extra = (finding as unknown as { extra: { name: string; self: unknown } }).extra;
    assert.equal(extra.name, 'a cyclic record of a caller');
    assert.ok(extra.self);
  });
});
