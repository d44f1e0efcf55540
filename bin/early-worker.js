'use strict';
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file (bin/package.json) */

// A scan's first worker thread, started by bin/ecsguard.js before the CLI's bundle loads, for a scan that will use
// workers: Node's own start-up of a worker thread (about 70 ms of CPU here, compiling Node's internal modules) then
// runs on the second core while this thread loads the bundle and walks the folders, instead of after. The pool takes
// it (src/engine/pool.ts, takeEarlyWorker) and tells it the V8 flags the scan runs under, which name the code cache
// it then loads its bundle with (bin/scan-worker.js). A scan that uses no workers never takes it: it is unreferenced,
// so it never keeps the process alive.
const fs = require('node:fs');
const path = require('node:path');

/** The pool's limits for a worker (WORKER_RESOURCE_LIMITS in src/engine/pool.ts; a test holds them equal). */
const EARLY_WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };
/** The V8 flags of a long scan: src/engine/compiler-tuning.ts's TUNED_V8_FLAGS (test/cli/early-worker.test.ts). */
const TUNED_V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=409600 --no-parallel-scavenge';
/** The files a scan needs before it uses workers (MIN_FILES_FOR_WORKERS in src/engine/scan-files.ts). */
const MIN_LIKELY_FILES = 300;
/** Folders skipped by the walk (src/engine/discover.ts). */
const SKIPPED = new Set(['.git', 'node_modules', '.terraform']);
/** A folder tree larger than this is not counted to the end: the walk will say. */
const MAX_ENTRIES = 20000;

const likelyInput = (name) => /\.(?:json|tf|ya?ml|template)$/i.test(name);

/** True when the folders hold at least MIN_LIKELY_FILES likely inputs, counted as the walk counts them (no links). */
function holdsEnoughInputs(folders) {
  let likely = 0;
  let entries = 0;
  const queue = [...folders];
  while (queue.length && entries < MAX_ENTRIES) {
    let list;
    try {
      list = fs.readdirSync(queue.shift(), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of list) {
      entries++;
      if (entry.isFile() && likelyInput(entry.name) && ++likely >= MIN_LIKELY_FILES) return true;
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) queue.push(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return false;
}

/**
 * Whether this command line is a file scan that will use workers: `scan` with folders that hold enough likely inputs,
 * more than one core, and nothing that keeps a scan in one thread (--jobs 1, --resolve-image-users). A wrong guess
 * costs a worker's start on the other core, never a result.
 */
function wantsEarlyWorker(args, cores) {
  if (args[0] !== 'scan' || cores < 2) return false;
  const folders = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') continue;
    if (arg === '-h' || arg === '--help' || arg === '--resolve-image-users') return false;
    const jobs = /^(?:--jobs=|-j)(\d+)$/.exec(arg) ?? ((arg === '--jobs' || arg === '-j') && /^(\d+)$/.exec(args[i + 1] ?? ''));
    if (jobs && Number(jobs[1]) <= 1) return false;
    if (arg.startsWith('-')) continue;
    try {
      if (fs.statSync(arg).isDirectory()) folders.push(arg);
    } catch {
      // An option's value, or a path the scan will report.
    }
  }
  return folders.length > 0 && holdsEnoughInputs(folders);
}

/** Where the held signal waits for src/cli/interrupt.ts (takeHeldStopSignal). */
const HELD_KEY = Symbol.for('ecsguard.heldStopSignal');

/** The signals src/cli/interrupt.ts stops a scan on, with their numbers. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/**
 * Holds a stop signal that arrives before the scan's own handlers are in place (src/cli/interrupt.ts takes it over):
 * this start-up reads the folders, and a Ctrl-C then must stop the scan as one during the scan does (exit 130, no
 * report), not end the process in the middle. A second signal ends it at once.
 */
function holdStopSignals() {
  const held = { signal: undefined, handlers: [] };
  for (const [name, number] of Object.entries(STOP_SIGNALS)) {
    const handler = () => {
      if (held.signal !== undefined) process.exit(128 + number);
      held.signal = name;
    };
    process.on(name, handler);
    held.handlers.push([name, handler]);
  }
  held.release = () => {
    delete globalThis[HELD_KEY];
    for (const [name, handler] of held.handlers) process.off(name, handler);
    return held.signal;
  };
  globalThis[HELD_KEY] = held;
  return held;
}

/** Starts the worker when the command line wants one, for the pool to take (Symbol.for('ecsguard.earlyWorker')). */
function startEarlyWorker(args, entry) {
  if (args[0] !== 'scan') return;
  // Held from before the folders are read.
  const held = holdStopSignals();
  if (!wantsEarlyWorker(args, require('node:os').availableParallelism())) {
    const signal = held.release();
    // As if nothing had held it.
    if (signal !== undefined) process.kill(process.pid, signal);
    return;
  }
  // The scan will tune V8's flags (src/engine/compiler-tuning.ts): tuned now, the worker loads its bundle with the code
  // cache made under them at once, while this thread loads its own, instead of waiting for the pool to say which.
  require('node:v8').setFlagsFromString(TUNED_V8_FLAGS);
  globalThis[Symbol.for('ecsguard.v8FlagsTuned')] = true;
  const { Worker } = require('node:worker_threads');
  const key = Symbol.for('ecsguard.earlyWorker');
  const worker = new Worker(entry, { resourceLimits: EARLY_WORKER_LIMITS, workerData: { v8Flags: 'tuned' } });
  worker.unref();
  // A worker that failed or ended before the pool took it is not taken: the pool starts its own.
  const drop = () => {
    if (globalThis[key] === worker) delete globalThis[key];
  };
  worker.on('error', drop);
  worker.on('exit', drop);
  globalThis[key] = worker;
}

module.exports = { startEarlyWorker, wantsEarlyWorker, holdStopSignals, EARLY_WORKER_LIMITS, MIN_LIKELY_FILES, TUNED_V8_FLAGS };
