import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeapGrowthBound, SCAN_HEAP_GROWING_PERCENT } from '../../src/sources/heap-growth.js';

describe("the old generation's growth during organization and aggregator scans", () => {
  it('is bounded while any scan runs, and back to V8 dynamic growth when the last one ends', async () => {
    const set: string[] = [];
    const bound = new HeapGrowthBound(
      (flags) => set.push(flags),
      () => [],
    );
    let finishFirst: () => void = () => undefined;
    const first = bound.around(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = bound.around(async () => 'second');
    assert.equal(await second, 'second');
    // The first scan still runs: the bound stays.
    assert.deepEqual(set, [`--heap-growing-percent=${SCAN_HEAP_GROWING_PERCENT}`]);
    finishFirst();
    await first;
    assert.deepEqual(set, [`--heap-growing-percent=${SCAN_HEAP_GROWING_PERCENT}`, '--heap-growing-percent=0']);
  });

  it('is set back when the scan fails', async () => {
    const set: string[] = [];
    const bound = new HeapGrowthBound(
      (flags) => set.push(flags),
      () => [],
    );
    await assert.rejects(
      bound.around(() => Promise.reject(new Error('AccessDenied'))),
      /AccessDenied/,
    );
    assert.deepEqual(set.at(-1), '--heap-growing-percent=0');
  });

  it('leaves a growing percent the process was started with alone', async () => {
    for (const startedWith of [['--heap-growing-percent=20'], ['--max-old-space-size=4096', '--heap_growing_percent=30']]) {
      const set: string[] = [];
      const bound = new HeapGrowthBound(
        (flags) => set.push(flags),
        () => startedWith,
      );
      assert.equal(await bound.around(async () => 1), 1);
      assert.deepEqual(set, []);
    }
  });
});
