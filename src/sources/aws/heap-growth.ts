import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, while an organization or
 * aggregator scan runs: 1.5x instead of V8's dynamic factor (up to 4x when collections look cheap).
 *
 * Why: such a scan keeps tens of thousands of AWS calls going for minutes. Each call's request, signer, retry and
 * response objects (about 30 KB) live as long as the call, and with hundreds of account-regions at once a call
 * outlives two young-generation collections, so they die in the old generation. The live heap stays small (bench:org,
 * 200 accounts: 170 MB at most, most of it the report's findings), but V8 let the dead calls pile up to 3-4x that
 * before a full collection: a peak heap of 525-600 MB and a peak RSS of 720-800 MB, growing with the accounts
 * because the live heap it multiplies does. With 1.5x the peak follows the live heap (about 245 MB of heap,
 * 390 MB of RSS), for a few more full collections (concurrent marking, on V8's own thread).
 *
 * V8 reads the flag each time it sets the next collection's limit, so it applies from the next full collection and
 * is set back to V8's default (0: dynamic) when the last scan using it ends. A growing percent the process was
 * started with (`--heap-growing-percent`, in the command line or NODE_OPTIONS) is left alone.
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
    private readonly startedWith: () => readonly string[] = () => [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''],
  ) {}

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

/** Runs a scan with the old generation's growth bounded (see SCAN_HEAP_GROWING_PERCENT). */
export function withBoundedHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  return bound.around(work);
}
