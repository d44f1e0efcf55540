import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PendingFile } from '../../src/engine/discover.js';
import { collectGarbage } from '../../src/engine/heap.js';
import { BOUND_HEAP_FROM_FILES, scanFiles } from '../../src/engine/scan-files.js';
import { heapGrowthBounded } from '../../src/sources/heap-growth.js';
import type { FileSource } from '../../src/sources/source.js';

describe('collectGarbage: a full collection between batches of a long scan', () => {
  it('frees what nothing refers to any more, at once', async () => {
    const refs = Array.from({ length: 3 }, (_, i) => new WeakRef({ batch: i, texts: new Array(10_000).fill(`text ${i}`) }));
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    assert.deepEqual(
      refs.map((r) => r.deref()),
      [undefined, undefined, undefined],
    );
    const kept = { still: 'referenced' };
    const ref = new WeakRef(kept);
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    assert.equal(ref.deref(), kept);
  });
});

describe("a long file scan runs with the old generation's growth bounded", () => {
  /** Scans `count` one-line files read from memory with a source that notes whether the bound held while it loaded. */
  async function boundedWhileLoading(count: number): Promise<boolean[]> {
    const seen: boolean[] = [];
    const source: FileSource = {
      kind: 'json',
      independentFiles: true,
      detect: () => true,
      load: () => {
        seen.push(heapGrowthBounded());
        return Promise.resolve({ definitions: [], failures: [], errors: [] });
      },
    };
    const pending: PendingFile[] = Array.from({ length: count }, (_, i) => ({
      display: `td-${i}.json`,
      explicit: true,
      stdin: { text: '{}', encoding: 'utf-8', bom: false },
    }));
    const result = await scanFiles(pending, { paths: [], checks: [], jobs: 1, fileSources: [source] });
    assert.equal(result.filesScanned, count);
    return seen;
  }

  it('from BOUND_HEAP_FROM_FILES files on, and not after it ends', async () => {
    const seen = await boundedWhileLoading(BOUND_HEAP_FROM_FILES);
    assert.equal(seen.length, BOUND_HEAP_FROM_FILES);
    assert.ok(seen.every(Boolean));
    assert.equal(heapGrowthBounded(), false);
  });

  it('not below it', async () => {
    const seen = await boundedWhileLoading(BOUND_HEAP_FROM_FILES - 1);
    assert.equal(seen.length, BOUND_HEAP_FROM_FILES - 1);
    assert.ok(seen.every((bounded) => !bounded));
  });
});
