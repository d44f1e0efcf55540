import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, while a scan that makes much
 * garbage that dies old runs: 1.5x instead of V8's dynamic factor (up to 4x when collections look cheap, a choice it
 * makes from its own timing). The organization and aggregator scans run under it, and so does a file scan of
 * `BOUND_HEAP_FROM_FILES` files or more (`src/engine/scan-files.ts`).
 *
 * Why, live: such a scan keeps tens of thousands of AWS calls going for minutes. Each call's request, signer, retry and
 * response objects (about 30 KB) live as long as the call, and with hundreds of account-regions at once a call
 * outlives two young-generation collections, so they die in the old generation. The live heap stays small (bench:org,
 * 200 accounts: 170 MB at most, most of it the report's findings), but V8 let the dead calls pile up to 3-4x that
 * before a full collection: a peak heap of 525-600 MB and a peak RSS of 720-800 MB, growing with the accounts
 * because the live heap it multiplies does. With 1.5x the peak follows the live heap (about 245 MB of heap,
 * 390 MB of RSS), for a few more full collections (concurrent marking, on V8's own thread).
 *
 * Why, in files: the main thread checks batches of files itself, and a batch's texts and trees outlive two
 * young-generation collections, so they too die old. The same 50,000-file scan peaked at 200-212 MB in some runs and
 * at 293-301 MB in others, as V8 picked its factor; bounded, 196-212 MB (median 208 of 6 runs, against 293).
 *
 * V8 reads the flag each time it sets the next collection's limit, so it applies from the next full collection and
 * is set back to V8's default (0: dynamic) when the last scan using it ends. A growing percent the process was
 * started with (`node --heap-growing-percent=N`; Node refuses the flag in NODE_OPTIONS) is left alone. One a host
 * application set at run time (`v8.setFlagsFromString`) is not known to V8's API: a library scan that bounds growth
 * sets it back to V8's default when it ends.
 */
export const SCAN_HEAP_GROWING_PERCENT = 50;

/**
 * Sets the bound while at least one scan runs. `setFlags` and `startedWith` are V8's and the process's (tests pass
 * their own).
 */
export class HeapGrowthBound {
  private users = 0;

  constructor(
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
    private readonly startedWith: () => readonly string[] = () => process.execArgv,
  ) {}

  /** Whether a scan runs under the bound now. */
  get active(): boolean {
    return this.users > 0;
  }

  async around<T>(work: () => Promise<T>): Promise<T> {
    if (this.startedWith().some((arg) => /heap[-_]growing[-_]percent/.test(arg))) return work();
    if (this.users++ === 0) this.setFlags(`--heap-growing-percent=${SCAN_HEAP_GROWING_PERCENT}`);
    try {
      return await work();
    } finally {
      if (--this.users === 0) this.setFlags('--heap-growing-percent=0');
    }
  }
}

const bound = new HeapGrowthBound();

/** Whether the process's scans run under the bound now (tests). */
export function heapGrowthBounded(): boolean {
  return bound.active;
}

/** Runs a scan with the old generation's growth bounded (see SCAN_HEAP_GROWING_PERCENT). */
export function withBoundedHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  return bound.around(work);
}
