import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Measurement {
  exitCode: number;
  wallMs: number;
  /** Peak resident set size of the child process, in MB (the kernel's maxrss, read by GNU time or wait4). */
  peakRssMb: number;
  /** User + system CPU time of the child, in ms. */
  cpuMs: number;
  /** Minor page faults of the child: mostly pages of fresh memory it touched, also Node's own files mapped in. */
  minorFaults: number;
  stdout: string;
  stderr: string;
  /** The 1-minute load average when the run ended: other work on the machine inflates wall time (and CPU time). */
  loadAverage: number;
}

const GNU_TIME = '/usr/bin/time';
const MARKER = '@@ecsguard-bench-rusage@@';

/** This process's full garbage collection (V8's `gc`, exposed once). */
let collectGarbage: (() => void) | undefined;

/** Milliseconds the bench waits, after collecting its own garbage, before it starts a measured process. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 300);

/**
 * Lets this process's own work end before a measured one starts. Writing a corpus and parsing a report (36 MB of
 * JSON) leave garbage that V8 collects on background threads when it sees fit: on two cores, during the next
 * measured run, whose wall time then includes the bench's collection. Collected here, then a pause for the
 * collector's and the kernel's background work to finish.
 */
async function settle(): Promise<void> {
  if (SETTLE_MS <= 0) return;
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/**
 * Runs a whole process and reads its resource usage from GNU time (`%M` max RSS in kB, `%U`/`%S` CPU seconds),
 * which the kernel records at exit: no sampling, so short peaks are not missed.
 */
export async function measureProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  /** The environment the extra `env` is added to (default: this process's). */
  base: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed to measure peak RSS: apt-get install time`);
  await settle();
  const started = performance.now();
  const child = spawn(GNU_TIME, ['-f', `${MARKER} %M %U %S %R`, command, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code) => {
      resolve(code ?? -1);
    }),
  );
  const wallMs = performance.now() - started;
  const at = stderr.lastIndexOf(MARKER);
  if (at < 0) throw new Error(`no resource usage from ${GNU_TIME}: ${stderr.slice(-500)}`);
  const [kb, user, system, minorFaults] = stderr
    .slice(at + MARKER.length)
    .trim()
    .split(/\s+/)
    .map(Number);
  stderr = stderr.slice(0, at);
  // GNU time reports "Command exited with non-zero status N" before its format line: drop it.
  stderr = stderr.replace(/Command exited with non-zero status \d+\n$/, '');
  return {
    exitCode,
    wallMs,
    peakRssMb: (kb ?? 0) / 1024,
    cpuMs: ((user ?? 0) + (system ?? 0)) * 1000,
    minorFaults: minorFaults ?? 0,
    stdout,
    stderr,
    loadAverage: loadavg()[0] ?? 0,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** "met" / "NOT MET", so a reader scanning the output sees every target at a glance. */
export function mark(met: boolean): string {
  return met ? 'met' : 'NOT MET';
}

/**
 * "load 0.42 on 2 CPUs": printed next to every figure. A load above the CPU count means other processes competed
 * for the cores, so wall times (and rates) are pessimistic; compare CPU times then, and re-run on a quiet machine.
 */
export function loadNote(loadAverage: number): string {
  return `load ${loadAverage.toFixed(2)} on ${availableParallelism()} CPUs`;
}

/**
 * A line about NODE_EXTRA_CA_CERTS when it is set, else undefined: Node reads the whole bundle when it starts, before
 * any of ecsguard's code, so every process measured here (bare `node -e 0` too) pays it. Measured, not removed: a
 * user's shell with the same setting pays it as well.
 */
export async function extraCaCertsNote(runs = 5): Promise<string | undefined> {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  const withIt: number[] = [];
  const without: number[] = [];
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = process.env;
  for (let i = 0; i < runs; i++) {
    withIt.push((await measureProcess(process.execPath, ['-e', '0'])).wallMs);
    without.push((await measureProcess(process.execPath, ['-e', '0'], {}, rest)).wallMs);
  }
  const cost = median(withIt) - median(without);
  return (
    `note: NODE_EXTRA_CA_CERTS=${file} is set; Node loads it at the start of every process (node -e 0: ` +
    `${median(withIt).toFixed(0)} ms with it, ${median(without).toFixed(0)} ms without, median of ${runs}), so each ` +
    `figure below includes about ${cost.toFixed(0)} ms per process, as a run from this shell would`
  );
}

const REFERENCE_WORKLOAD = fileURLToPath(new URL('./reference-workload.mjs', import.meta.url));
const FRESH_MEMORY_PROBE = fileURLToPath(new URL('./fresh-memory-probe.mjs', import.meta.url));

/** The median over `runs` fresh `node` processes of what `read` takes from each; `what` names a failing one. */
async function medianOfNode(args: string[], what: string, read: (run: Measurement) => number, runs = 5): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await measureProcess(process.execPath, args);
    if (run.exitCode !== 0) throw new Error(`${what} failed: ${run.stderr.slice(-500)}`);
    values.push(read(run));
  }
  return median(values);
}

let pageMicros: Promise<number> | undefined;
let startFaults: Promise<number> | undefined;

/** The CPU time one page fault on fresh memory costs this machine, in us (fresh-memory-probe.mjs, median of 5). */
export function freshPageMicros(): Promise<number> {
  pageMicros ??= medianOfNode([FRESH_MEMORY_PROBE], 'the fresh memory probe', (run) => Number(run.stdout.trim().split(/\s+/)[0]));
  return pageMicros;
}

/** The page faults of `node -e 0` (median of 5): Node's own start, mostly its binary and libraries mapped in. */
function nodeStartFaults(): Promise<number> {
  startFaults ??= medianOfNode(['-e', '0'], 'node -e 0', (run) => run.minorFaults);
  return startFaults;
}

/**
 * "26.8k page faults, 24.6k more than node -e 0 (about 0.33 s of CPU at 13.3 us each)": how much of a run's CPU went
 * to touching fresh memory, at this machine's cost per fault; Node's own start is left out (its faults are mostly on
 * the files it maps, not fresh memory).
 */
export async function pageFaultNote(minorFaults: number): Promise<string> {
  const micros = await freshPageMicros();
  const beyondStart = Math.max(0, minorFaults - (await nodeStartFaults()));
  return (
    `${(minorFaults / 1000).toFixed(1)}k page faults, ${(beyondStart / 1000).toFixed(1)}k more than node -e 0 (about ` +
    `${((beyondStart * micros) / 1e6).toFixed(2)} s of CPU at ${micros.toFixed(1)} us each)`
  );
}

/**
 * A line naming this machine and how fast it runs a fixed JavaScript workload (reference-workload.mjs): the targets'
 * absolute figures depend on the machine (the same code read the plan in 1.4 s on one 2-core machine of this kind and
 * in 2.0 s on another), so a figure quoted from elsewhere compares with this run's in proportion to it.
 */
export async function machineNote(runs = 5): Promise<string> {
  const cpuMs = await medianOfNode([REFERENCE_WORKLOAD], 'the reference workload', (run) => Number(run.stdout.trim()), runs);
  const [cpu] = cpus();
  const model = cpu ? `${cpu.model.trim()}${cpu.speed ? ` at ${(cpu.speed / 1000).toFixed(1)} GHz` : ''}` : 'unknown CPU';
  return (
    `machine: ${model}, ${availableParallelism()} CPUs, Node ${process.versions.node}; reference workload ` +
    `(bench/support/reference-workload.mjs, fixed single-thread JavaScript): ${cpuMs.toFixed(0)} ms CPU, ` +
    `median of ${runs}; fresh memory (bench/support/fresh-memory-probe.mjs): ${(await freshPageMicros()).toFixed(1)} us ` +
    `of CPU per page fault; figures from another machine compare in proportion to these`
  );
}

/**
 * CPU over wall: how busy the cores were on average (2.00 on a two-core machine is every core busy from start to end).
 * A scan's lanes (the main thread and the workers) should keep it near the number of cores; on a loaded machine it
 * drops, as the wall time grows. A one-lane scan above 1.00 is V8's own threads (compiles, garbage collection) and
 * libuv's file writes.
 */
export function coresUsed(s: { cpuMs: number; wallMs: number }): string {
  return `${(s.cpuMs / s.wallMs).toFixed(2)} cores used`;
}
