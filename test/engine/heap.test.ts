import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectGarbage } from '../../src/engine/heap.js';

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
