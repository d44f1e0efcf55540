/**
 * A full garbage collection between batches of a long file scan. V8 lets the old generation grow to several times
 * its live size before it collects; in a scan the garbage is every file's text and every batch's copied records, so
 * without this the peak follows the corpus rather than what is live (the findings). One collection every
 * COLLECT_EVERY_FILES files costs little (the live heap is small) and keeps the peak near the live size.
 * The collector is reached the way test runners reach it (an exposed `gc` in a fresh context); if that is not
 * possible, nothing happens.
 */
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

export const COLLECT_EVERY_FILES = 2000;

let collector: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  try {
    // node:v8 is loaded here, on first use: a short scan never collects, and the module costs start-up time.
    (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** Collects garbage now (a full, synchronous collection). */
export function collectGarbage(): void {
  collector ??= gcFunction();
  collector?.();
}
