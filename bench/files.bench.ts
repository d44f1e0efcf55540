/**
 * File-scan figures of issue 10, each with its target, measured on the whole CLI process (bin/ecsguard.js) with
 * GNU time (peak RSS and CPU as the kernel records them). Needs `npm run build` first (`npm run bench` does it).
 *
 *   1. mixed corpus: 2,000 task-definition JSON (~4 KB) + 1,000 CloudFormation YAML (~6 KB, two task definitions each)
 *   2. CloudFormation YAML alone
 *   3. startup: --version, --help and a one-file scan against bare `node -e 0` (CPU time)
 *   4. scale curve: 1k / 10k / 50k files, seconds and peak RSS per size
 *   5. memory per report format at 20,000 files, and a single 40 MB task-definition file
 *
 * Every figure is printed with its target, "met" or "NOT MET", and the load average when it was taken: on a busy
 * machine wall times are pessimistic, so compare CPU times (user+sys), which are printed too.
 *
 * Environment: BENCH_RUNS (3), BENCH_JSON_FILES (2000), BENCH_CFN_FILES (1000), BENCH_SCALE ("1000,10000,50000"),
 * BENCH_FORMAT_FILES (20000), BENCH_FORMATS (every format), BENCH_SKIP (comma list of: mixed,cfn,startup,scale,formats,large),
 * BENCH_KEEP (keep corpus).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeMixedCorpus } from './support/mixed-corpus.js';
import {
  type Measurement,
  extraCaCertsNote,
  loadNote,
  machineNote,
  mark,
  measureProcess,
  median,
  pageFaultNote,
  coresUsed,
} from './support/measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const JSON_FILES = Number(process.env.BENCH_JSON_FILES ?? 2000);
const CFN_FILES = Number(process.env.BENCH_CFN_FILES ?? 1000);
const SCALE = (process.env.BENCH_SCALE ?? '1000,10000,50000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const FORMAT_FILES = Number(process.env.BENCH_FORMAT_FILES ?? 20000);
const FORMATS = (process.env.BENCH_FORMATS ?? 'text,json,sarif,junit,csv,ocsf,asff,html').split(',').filter(Boolean);
/** ASFF files findings from files under an account and region. */
const FORMAT_ARGS: Record<string, string[]> = { asff: ['--asff-account-id', '123456789012', '--asff-region', 'eu-west-1'] };
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const BIN = path.resolve('bin/ecsguard.js');

interface Summary {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** The highest 1-minute load average seen at the end of a run. */
  load: number;
  minorFaults: number;
}

function summarize(runs: Measurement[]): Summary {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    load: Math.max(...runs.map((r) => r.loadAverage)),
    minorFaults: median(runs.map((r) => r.minorFaults)),
  };
}

/** Runs the CLI `runs` times; a scan of this corpus must exit 1 (failing findings), never 2 (unread input). */
async function scanRuns(args: string[], runs: number, expectedExit = 1): Promise<Summary> {
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measureProcess(process.execPath, [BIN, ...args]);
    if (m.exitCode !== expectedExit)
      throw new Error(`ecsguard ${args.join(' ')}: exit ${m.exitCode}, expected ${expectedExit}\n${m.stderr.slice(-2000)}`);
    results.push(m);
  }
  return summarize(results);
}

function rate(files: number, s: Summary): number {
  return files / (s.wallMs / 1000);
}

function reportOf(file: string): { summary: { taskDefinitions: number; errors: number } } {
  return JSON.parse(readFileSync(file, 'utf8'));
}

async function mixed(root: string): Promise<void> {
  const dir = path.join(root, 'mixed');
  const corpus = writeMixedCorpus(dir, JSON_FILES, CFN_FILES);
  const files = corpus.jsonFiles + corpus.cfnFiles;
  const out = path.join(root, 'mixed-report.json');
  const s = await scanRuns(['scan', dir, '--format', 'json', '--output', out, '--quiet'], RUNS);
  const report = reportOf(out);
  if (report.summary.taskDefinitions !== corpus.taskDefinitions || report.summary.errors !== 0) {
    throw new Error(
      `mixed corpus: ${report.summary.taskDefinitions} task definitions, ${report.summary.errors} errors; expected ` +
        `${corpus.taskDefinitions}, 0`,
    );
  }
  const r = rate(files, s);
  console.log(
    `1. mixed corpus: ${corpus.jsonFiles} task-definition JSON (avg ${(corpus.jsonBytes / corpus.jsonFiles / 1024).toFixed(1)} KB) + ` +
      `${corpus.cfnFiles} CloudFormation YAML (avg ${(corpus.cfnBytes / corpus.cfnFiles / 1024).toFixed(1)} KB), ` +
      `${corpus.taskDefinitions} task definitions, --format json`,
  );
  console.log(`   wall ${s.wallMs.toFixed(0)} ms, CPU ${s.cpuMs.toFixed(0)} ms, ${coresUsed(s)} (median of ${RUNS}; ${loadNote(s.load)})`);
  console.log(`   throughput: ${r.toFixed(0)} files/s (target >= 2000) ${mark(r >= 2000)}`);
  console.log(`   peak RSS:   ${s.peakRssMb.toFixed(0)} MB (target < 200) ${mark(s.peakRssMb < 200)}`);
  console.log(`   fresh memory: ${await pageFaultNote(s.minorFaults)}`);
}

async function cloudFormationAlone(root: string): Promise<void> {
  const dir = path.join(root, 'cfn');
  const corpus = writeMixedCorpus(dir, 0, CFN_FILES, 7);
  const s = await scanRuns(['scan', dir, '--format', 'json', '--output', path.join(root, 'cfn-report.json'), '--quiet'], RUNS);
  const r = rate(corpus.cfnFiles, s);
  console.log(`2. CloudFormation YAML alone: ${corpus.cfnFiles} templates, ${corpus.taskDefinitions} task definitions`);
  console.log(
    `   wall ${s.wallMs.toFixed(0)} ms, CPU ${s.cpuMs.toFixed(0)} ms, ${coresUsed(s)}, peak ${s.peakRssMb.toFixed(0)} MB ` +
      `(median of ${RUNS}; ` +
      `${loadNote(s.load)})`,
  );
  console.log(`   throughput: ${r.toFixed(0)} files/s (target >= 1000) ${mark(r >= 1000)}`);
  console.log(`   fresh memory: ${await pageFaultNote(s.minorFaults)}`);
  // What the second lane buys: each thread compiles and warms up the parser and the checks on its own, and V8's
  // optimizing compiles for both threads run on the same two cores.
  const one = await scanRuns(
    ['scan', dir, '--format', 'json', '--output', path.join(root, 'cfn-report-1.json'), '--quiet', '--jobs', '1'],
    RUNS,
  );
  console.log(
    `   one lane (--jobs 1): wall ${one.wallMs.toFixed(0)} ms, CPU ${one.cpuMs.toFixed(0)} ms, ` +
      `${rate(corpus.cfnFiles, one).toFixed(0)} files/s; the default's lanes took ${(s.wallMs / one.wallMs).toFixed(2)}x ` +
      `its wall time for ${(s.cpuMs / one.cpuMs).toFixed(2)}x its CPU (${loadNote(one.load)})`,
  );
}

/** True when `perf stat` can count task-clock here (a software event: no hardware counters needed). */
function taskClockAvailable(): boolean {
  return taskClockMs(['-e', '0']) !== undefined;
}

/** The CPU time of `node ARGS` (every thread) as `perf stat -e task-clock` counts it, in ms; undefined without perf. */
function taskClockMs(args: string[]): number | undefined {
  const run = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', process.execPath, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.error) return undefined;
  const line = run.stderr.split('\n').find((l) => l.includes(',task-clock'));
  const ms = Number(line?.split(',')[0]);
  return line && Number.isFinite(ms) ? ms : undefined;
}

async function startup(root: string): Promise<void> {
  const dir = path.join(root, 'one');
  const corpus = writeMixedCorpus(dir, 1, 0, 3);
  const file = path.join(dir, 'json', 'batch-0', 'service-0.json');
  const runs = Math.max(RUNS, 15); // short processes are noisy: take more samples
  const commands: Array<{ args: string[]; exit: number }> = [
    { args: ['-e', '0'], exit: 0 },
    { args: [BIN, '--version'], exit: 0 },
    { args: [BIN, '--help'], exit: 0 },
    { args: [BIN, 'scan', file, '--quiet'], exit: corpus.taskDefinitions ? 1 : 0 },
  ];
  // Interleaved, one run of each in turn, so a change in the machine's load weighs on all four alike. The first
  // round is not counted: it leaves the bundle's code cache (bin/load-bundle.js) as any earlier run would.
  // GNU time counts CPU in 10 ms steps, a tenth of these processes: with `perf stat` (task-clock, the kernel's CPU
  // time of every thread, in ns) the figures are exact; without it they are GNU time's.
  const precise = taskClockAvailable();
  const results: Measurement[][] = commands.map(() => []);
  for (let round = 0; round <= runs; round++) {
    for (const [i, command] of commands.entries()) {
      const m = await measureProcess(process.execPath, command.args);
      if (m.exitCode !== command.exit) throw new Error(`${command.args.join(' ')}: exit ${m.exitCode}\n${m.stderr}`);
      if (precise) m.cpuMs = taskClockMs(command.args) ?? m.cpuMs;
      if (round > 0) results[i]?.push(m);
    }
  }
  const [bare, version, help, one] = results.map((r) => summarize(r)) as [Summary, Summary, Summary, Summary];
  const ratio = (s: Summary) => s.cpuMs / bare.cpuMs;
  console.log(
    `3. startup, CPU time (${precise ? 'task-clock from perf stat' : 'user+sys'}, median of ${runs}, interleaved; ` +
      `${loadNote(Math.max(bare.load, version.load, help.load, one.load))}); node -e 0: ${bare.cpuMs.toFixed(0)} ms, ` +
      `${bare.peakRssMb.toFixed(0)} MB`,
  );
  console.log(
    `   ecsguard --version:     ${version.cpuMs.toFixed(0)} ms = ${ratio(version).toFixed(2)}x ` +
      `(target <= 1.3x) ${mark(ratio(version) <= 1.3)}`,
  );
  console.log(
    `   ecsguard --help:        ${help.cpuMs.toFixed(0)} ms = ${ratio(help).toFixed(2)}x (target <= 1.3x) ${mark(ratio(help) <= 1.3)}`,
  );
  console.log(`   ecsguard scan one.json: ${one.cpuMs.toFixed(0)} ms = ${ratio(one).toFixed(2)}x (target <= 2x) ${mark(ratio(one) <= 2)}`);
}

/** One run per size (the largest takes minutes); two thirds JSON, one third CloudFormation, as in the mixed corpus. */
async function scale(root: string): Promise<void> {
  console.log('4. scale curve (one run per size, --format json): time should grow linearly, peak RSS stay flat');
  for (const size of SCALE) {
    const dir = path.join(root, `scale-${size}`);
    const cfn = Math.round(size / 3);
    writeMixedCorpus(dir, size - cfn, cfn, size);
    const s = await scanRuns(['scan', dir, '--format', 'json', '--output', path.join(root, `scale-${size}.json`), '--quiet'], 1);
    console.log(
      `   ${String(size).padStart(6)} files: ${(s.wallMs / 1000).toFixed(1).padStart(6)} s, ${(s.wallMs / size).toFixed(2)} ms/file, ` +
        `${rate(size, s).toFixed(0)} files/s, CPU ${(s.cpuMs / 1000).toFixed(1)} s, peak RSS ${s.peakRssMb.toFixed(0)} MB ` +
        `(${loadNote(s.load)})`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Scans `target` once per report format; prints time and peak RSS against `limitMb`. */
async function perFormat(target: string, out: string, limitMb: number, extra: string[] = []): Promise<void> {
  for (const format of FORMATS) {
    const s = await scanRuns(['scan', target, '--format', format, '--output', out, '--quiet', ...extra, ...(FORMAT_ARGS[format] ?? [])], 1);
    let findings = '';
    if (format === 'json') findings = `, ${(JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] }).findings.length} findings`;
    console.log(
      `   ${format.padEnd(5)}: ${(s.wallMs / 1000).toFixed(1)} s, CPU ${(s.cpuMs / 1000).toFixed(1)} s, peak RSS ` +
        `${s.peakRssMb.toFixed(0)} MB${findings} ` +
        `(target < ${limitMb}) ${mark(s.peakRssMb < limitMb)} (${loadNote(s.load)})`,
    );
  }
  rmSync(out, { force: true });
}

async function formats(root: string): Promise<void> {
  const dir = path.join(root, 'formats');
  const cfn = Math.round(FORMAT_FILES / 3);
  writeMixedCorpus(dir, FORMAT_FILES - cfn, cfn, 99);
  console.log(`5. memory per report format, ${FORMAT_FILES} files (one run each; target < 300 MB in every format)`);
  await perFormat(dir, path.join(root, 'formats-report'), 300);
  rmSync(dir, { recursive: true, force: true });
}

/** One task definition of about 40 MB: many containers with long environment lists. */
async function largeFile(root: string): Promise<void> {
  const file = path.join(root, 'large.json');
  const containers = [];
  const perContainer = 1600;
  for (let c = 0; c < 200; c++) {
    containers.push({
      name: `c${c}`,
      image: `nginx:1.${c}`,
      essential: c === 0,
      memory: 256,
      ...(c % 7 === 0 ? { privileged: true } : {}),
      ...(c % 3 === 0 ? { user: 'root' } : { user: '1000' }),
      environment: Array.from({ length: perContainer }, (_, i) => ({ name: `VARIABLE_${i}`, value: `value-${c}-${i}-${'x'.repeat(40)}` })),
    });
  }
  const text = JSON.stringify({ family: 'large', networkMode: 'host', containerDefinitions: containers }, null, 2);
  writeFileSync(file, text);
  const mb = text.length / 1024 / 1024;
  console.log(`6. one ${mb.toFixed(0)} MB task-definition file, per report format (one run each; target < 400 MB)`);
  await perFormat(file, path.join(root, 'large-report'), 400, ['--max-file-size', '64']);
}

async function main(): Promise<void> {
  console.log(await machineNote());
  const caNote = await extraCaCertsNote();
  if (caNote) console.log(caNote);
  const root = path.join(tmpdir(), `ecsguard-bench-files-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  try {
    if (!SKIP.has('mixed')) await mixed(root);
    if (!SKIP.has('cfn')) await cloudFormationAlone(root);
    if (!SKIP.has('startup')) await startup(root);
    if (!SKIP.has('scale')) await scale(root);
    if (!SKIP.has('formats')) await formats(root);
    if (!SKIP.has('large')) await largeFile(root);
    console.log('(the 5,000-resource plan figure is printed by bench/terraform.bench.ts)');
  } finally {
    if (process.env.BENCH_KEEP) console.log(`corpus kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

await main();
