/**
 * Less optimizing-compiler work in a long scan run by the command line. A file scan's CPU goes largely to V8's
 * optimizing compiler (TurboFan, on background threads): in a profile of a 3,000-file scan, about a quarter of the
 * process's CPU, and each thread compiles its own copies of the parsers and checks.
 * - Less inlining: the hot functions inline deep call trees (a check calls per-container judgements that call value
 *   helpers). A smaller budget (V8's default is 920 bytes of bytecode per function) makes each compile cheaper and the
 *   code hardly slower.
 * - Later tier-up: V8 optimizes a function once it has run for an interrupt budget of bytecode (66 KB by default). In
 *   a scan of a few thousand files many functions reach that early and are optimized (and optimized again as the tree
 *   shapes they see change) for little run time left. A budget six times larger lets fewer, hotter functions be
 *   optimized, with steadier type feedback: in interleaved runs, 2,000 task-definition files with --jobs 1 took
 *   11-19% less CPU and the mixed bench corpus (default jobs) 10-24% less.
 * - Young-generation collections on the collecting thread alone: V8 splits each one into tasks for its platform
 *   threads and waits for them, but in a scan every core already runs a lane, so the collecting thread waits for
 *   threads that are waiting for a core. In interleaved runs on two cores: 0.94-0.96x the wall time of the mixed
 *   bench corpus and of 1,000 templates, the same CPU.
 *
 * Only the command line's bundle tunes (the flags are the whole process's, which a library must not change for its
 * caller), and only a scan that is not short: loading node:v8 costs a one-file scan about 5% of its start-up. The
 * flags are set before the workers start (they share them), or when a large file is read (a plan, a big template).
 * The bundle's code cache (bin/load-bundle.js) is made just before, with the default flags it is read with. A folder
 * scan that starts a worker before the bundle loads (bin/early-worker.js) has the same flags set from the start.
 */
import { createRequire } from 'node:module';

/** Defined (true) by the command line's bundle (scripts/build-cli.mjs); undefined in the library. */
declare const ECSGUARD_CLI_BUNDLE: boolean | undefined;

/** A scan of at least this many files is tuned from its start. */
export const TUNE_FROM_FILES = 300;
/** A file this long (UTF-16 code units) is tuned for when it is read. */
export const TUNE_FROM_CHARS = 1024 * 1024;

const INLINE_BUDGET = 200;
const INTERRUPT_BUDGET = 400 * 1024;
export const TUNED_V8_FLAGS =
  `--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET} --interrupt-budget=${INTERRUPT_BUDGET} ` + '--no-parallel-scavenge';

/** Set from the command line's start when it tuned them already, for a scan that starts a worker early (bin/early-worker.js). */
const TUNED_AT_START = Symbol.for('ecsguard.v8FlagsTuned');

let tuned = (globalThis as Record<symbol, unknown>)[TUNED_AT_START] === true;

/** Called when a file scan starts, with the number of files it will read. */
export function tuneCompilerForScan(files: number): void {
  if (files >= TUNE_FROM_FILES) tune();
}

/** Called for each file read, with the length of its text. */
export function tuneCompilerForFile(chars: number): void {
  if (chars >= TUNE_FROM_CHARS) tune();
}

/** Whether this process's V8 flags were tuned ('tuned') or are V8's ('default'): a code cache is valid for one only. */
export function compilerFlags(): 'tuned' | 'default' {
  return tuned ? 'tuned' : 'default';
}

function tune(): void {
  if (tuned || typeof ECSGUARD_CLI_BUNDLE === 'undefined' || !ECSGUARD_CLI_BUNDLE) return;
  tuned = true;
  try {
    // The bundle's code cache is made now, under the flags it is read with (bin/load-bundle.js).
    const beforeFlagsChange = (globalThis as Record<symbol, unknown>)[Symbol.for('ecsguard.beforeV8FlagsChange')];
    if (typeof beforeFlagsChange === 'function') (beforeFlagsChange as () => void)();
    const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
    v8.setFlagsFromString(TUNED_V8_FLAGS);
  } catch {
    // Only ever an optimisation.
  }
}
