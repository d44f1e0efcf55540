/**
 * Who runs a batch the pool sent to a worker ahead of time (pool.ts, WORKER_AHEAD), decided once by compare-and-swap
 * on one Int32 both threads share: the worker claims the batch when it starts it, the main thread when it takes it
 * back (ScanPool.steal), whichever comes first. Its own module: the worker imports it without the pool.
 */
export const UNCLAIMED = 0;
export const CLAIMED_BY_WORKER = 1;
export const CLAIMED_BY_MAIN = 2;

/** A fresh claim, shared with the worker the batch is sent to. */
export function newClaim(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Claims the batch for `by`; false when the other side has it already. */
export function claim(cell: Int32Array, by: typeof CLAIMED_BY_WORKER | typeof CLAIMED_BY_MAIN): boolean {
  return Atomics.compareExchange(cell, 0, UNCLAIMED, by) === UNCLAIMED;
}

export function isUnclaimed(cell: Int32Array): boolean {
  return Atomics.load(cell, 0) === UNCLAIMED;
}

export function isClaimedByWorker(cell: Int32Array): boolean {
  return Atomics.load(cell, 0) === CLAIMED_BY_WORKER;
}
