/**
 * Organization-scale benchmark against the emulator (no real AWS needed).
 *
 * 1. Fan-out: BENCH_SIZES (50,100,200) accounts × 4 regions × BENCH_REVISIONS (50)
 *    revisions, every ECS operation rate-limited per account-region (token
 *    bucket, burst BENCH_BURST, refill rate chosen so the ideal time is about
 *    BENCH_IDEAL_SECONDS (90): real limits are 20/s with burst 50, scaled down
 *    so a run takes minutes, not hours; 200 accounts make about 42,000 calls,
 *    and the scanner's own CPU per call, about 1-2 ms on this machine in one
 *    thread, puts a floor under the wall time that a shorter ideal would hit). Prints wall time against the ideal
 *    the limits allow (the slowest account-region's (calls − burst) / rate:
 *    account-regions run in parallel; target within 1.2x), calls per account,
 *    the scanner's peak RSS at each size (memory flat in the number of
 *    accounts: revisions are streamed from describe to the checks and dropped,
 *    and the old generation's growth is bounded while the scan runs; what
 *    remains grows with the findings the report holds), and the machine's
 *    load average (2 cores: above 2, figures are noisy).
 * 2. Aggregator: BENCH_ITEMS (100,000) configuration items through
 *    SelectAggregateResourceConfig: time and peak RSS, --scope latest and active.
 *
 * The emulator runs here; each scan runs in its own process (bench/org-child.ts)
 * so its memory is the scanner's alone.
 *
 *   npm run bench:org
 *   BENCH_ACCOUNTS=40 BENCH_ITEMS=20000 npm run bench:org   (quicker)
 *   BENCH_FORMAT=json npm run bench:org   (the streamed report `--format json` writes: findings rendered and spilled
 *                                           to a temporary file as they are checked, not held)
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type OrganizationEmulator, startOrganizationEmulator } from '../test/support/ecs-emulator/index.js';

const run = promisify(execFile);
const SIZES = (process.env['BENCH_SIZES'] ?? process.env['BENCH_ACCOUNTS'] ?? '50,100,200')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const REVISIONS = Number(process.env['BENCH_REVISIONS'] ?? 50);
const BURST = Number(process.env['BENCH_BURST'] ?? 10);
const IDEAL_SECONDS = Number(process.env['BENCH_IDEAL_SECONDS'] ?? 90);
/** DescribeTaskDefinition is the busiest operation per account-region: one call per revision. */
const RATE = Number(process.env['BENCH_RATE'] ?? Math.max(0.05, (REVISIONS - BURST) / IDEAL_SECONDS));
const ITEMS = Number(process.env['BENCH_ITEMS'] ?? 100_000);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const TARGET_RATIO = 1.2;
const LIMITED = [
  'ListTaskDefinitions',
  'DescribeTaskDefinition',
  'ListClusters',
  'ListServices',
  'DescribeServices',
  'ListTasks',
  'DescribeTasks',
];
const child = fileURLToPath(new URL('./org-child.ts', import.meta.url));

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function seed(emulator: OrganizationEmulator, accounts: number, regions: string[], revisions: number): void {
  const families = Math.max(1, Math.round(revisions / 5));
  for (let a = 0; a < accounts; a++) {
    const id = String(200_000_000_000 + a);
    const account = a === 0 ? emulator.organization.management : emulator.organization.addAccount({ id, name: `workload-${a}` });
    for (const region of regions) {
      for (let i = 0; i < revisions; i++) {
        const insecure = (i + a) % 7 === 0;
        account.registerTaskDefinition(region, {
          family: `svc-${String(i % families).padStart(3, '0')}`,
          networkMode: i % 11 === 0 ? 'host' : 'awsvpc',
          containerDefinitions: [
            {
              name: 'app',
              image: `registry.example.com/svc:${i}`,
              essential: true,
              ...(insecure ? { privileged: true } : { user: '1000' }),
            },
            { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: false, user: '0' },
          ],
          tags: [{ key: 'team', value: `team-${a % 13}` }],
        });
      }
    }
  }
}

async function inChild(mode: 'fanout' | 'aggregator', endpoint: string, options: object): Promise<Record<string, unknown>> {
  // BENCH_CHILD_ARGS: extra node flags for the scanner process, e.g. --cpu-prof --cpu-prof-dir=DIR to profile it.
  const extra = (process.env['BENCH_CHILD_ARGS'] ?? '').split(' ').filter(Boolean);
  const { stdout, stderr } = await run(
    process.execPath,
    ['--expose-gc', ...extra, '--import', 'tsx', child, mode, endpoint, JSON.stringify(options)],
    {
      maxBuffer: 64 << 20,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const lines = stdout.trim().split('\n');
  // What the scanner printed besides its figures (--trace-gc, heap snapshot paths) goes to standard error.
  const said = [...lines.slice(0, -1), ...(stderr.trim() ? [stderr.trim()] : [])];
  if (said.length) process.stderr.write(`${said.join('\n')}\n`);
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

/**
 * Calls each account's credentials made, as the emulator answered them (throttled attempts included): ECS and the
 * Account API under the account's assumed role, and the AssumeRole into it. Counted here, since the scan run as the
 * CLI builds it (BENCH_VIA=cli) has no statistics of its own.
 */
function callsPerAccount(emulator: OrganizationEmulator): { min: number; median: number; max: number; total: number } {
  const counts = new Map<string, number>();
  const add = (account: string) => counts.set(account, (counts.get(account) ?? 0) + 1);
  for (const call of emulator.calls) {
    if (call.outcome !== 'ok') continue;
    if (call.service === 'sts' && call.operation === 'AssumeRole') add(String(call.input['RoleArn']).split(':')[4] ?? '');
    else if (call.service === 'ecs' || call.service === 'account') add(call.accountId);
  }
  const sorted = [...counts.values()].sort((a, b) => a - b);
  return {
    min: sorted[0] ?? 0,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    max: sorted.at(-1) ?? 0,
    total: sorted.reduce((a, b) => a + b, 0),
  };
}

/** The shortest time the buckets allow: per account, region and operation (ok calls − burst) / rate, all in parallel. */
function idealSeconds(emulator: OrganizationEmulator): number {
  const counts = new Map<string, number>();
  for (const call of emulator.calls) {
    if (call.service !== 'ecs' || call.outcome !== 'ok' || !LIMITED.includes(call.operation)) continue;
    const key = `${call.accountId}|${call.region}|${call.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let ideal = 0;
  for (const n of counts.values()) ideal = Math.max(ideal, Math.max(0, n - BURST) / RATE);
  return ideal;
}

interface Memory {
  /** Wall time over the ideal, and the scanner's CPU seconds. */
  ratio: number;
  cpu: number;
  rss: number;
  heap: number;
  live: number;
  findingsMb: number;
  findings: number;
}

/** Peak heap counts garbage V8 has not collected yet; the live heap (after a full collection) is what the scan holds. */
function memoryLine(r: Record<string, unknown>): string {
  const findings = r['findings'] as number;
  const findingsMb = r['findingsMb'] as number;
  return (
    `memory: peak live heap ${(r['peakLiveMb'] as number).toFixed(0)} MB (after full collections); ` +
    `at the end ${(r['endLiveMb'] as number).toFixed(0)} MB live, ` +
    `of which the report's ${findings} findings ${findingsMb.toFixed(0)} MB ` +
    `(${findings ? ((findingsMb * 2 ** 20) / findings).toFixed(0) : '-'} B each)`
  );
}

async function fanout(accounts: number, withRatio: boolean): Promise<{ ok: boolean } & Memory> {
  const emulator = await startOrganizationEmulator({ regions: REGIONS, accountId: '200000000000' });
  try {
    seed(emulator, accounts, REGIONS, REVISIONS);
    for (const operation of LIMITED) emulator.faults.rateLimit(operation, { ratePerSecond: RATE, burst: BURST });
    const budgets = {
      ...(process.env['BENCH_CONCURRENCY'] ? { maxConcurrency: Number(process.env['BENCH_CONCURRENCY']) } : {}),
      ...(process.env['BENCH_TOTAL'] ? { maxTotalConcurrency: Number(process.env['BENCH_TOTAL']) } : {}),
    };
    const loadBefore = load();
    const emulatorCpu = process.cpuUsage();
    const r = await inChild('fanout', emulator.endpoint, { regions: REGIONS, scope: 'active', ...budgets });
    const ideal = idealSeconds(emulator);
    const wall = r['wallSeconds'] as number;
    const throttled = emulator.calls.filter((c) => c.outcome === 'ThrottlingException').length;
    const ratio = wall / ideal;
    console.log(
      `${accounts} accounts × ${REGIONS.length} regions × ${REVISIONS} revisions: ` +
        `wall ${wall.toFixed(1)} s | ideal ${ideal.toFixed(1)} s | ratio ${ratio.toFixed(3)} | ` +
        `load average before ${loadBefore}, after ${load()}`,
    );
    const emulatorCpuSeconds = (process.cpuUsage(emulatorCpu).user + process.cpuUsage(emulatorCpu).system) / 1e6;
    const served = emulator.calls.length;
    const calls = callsPerAccount(emulator);
    const cpuMsPerCall = ((r['cpuSeconds'] as number) * 1000) / Math.max(1, calls.total);
    console.log(
      `  CPU: scanner ${(r['cpuSeconds'] as number).toFixed(1)} s (user ${(r['userSeconds'] as number).toFixed(1)}, ` +
        `system ${(r['systemSeconds'] as number).toFixed(1)}; ${cpuMsPerCall.toFixed(2)} ms per call, ` +
        `${calls.total} calls), ` +
        `emulator ${emulatorCpuSeconds.toFixed(1)} s ` +
        `(${((emulatorCpuSeconds * 1000) / Math.max(1, served)).toFixed(2)} ms per request, ${served} requests incl. throttled), ` +
        `in ${wall.toFixed(1)} s of wall time on 2 shared cores ` +
        '(when their sum nears the CPU share the load average leaves, the run is CPU-bound, not rate-limited)',
    );
    console.log(
      `  task definitions ${String(r['taskDefinitions'])} | findings ${String(r['findings'])} (FAIL ${String(r['fail'])}) | ` +
        `errors ${String(r['errors'])}${r['firstError'] ? ` (${String(r['firstError'])})` : ''} | ` +
        `calls ok ${emulator.calls.filter((c) => c.outcome === 'ok').length}, throttled ${throttled} | ` +
        `calls per account: min ${calls.min}, median ${calls.median}, max ${calls.max} | ` +
        `peak RSS ${(r['maxRssMb'] as number).toFixed(0)} MB, peak heap ${(r['peakHeapMb'] as number).toFixed(0)} MB`,
    );
    console.log(`  ${memoryLine(r)}`);
    const expected = accounts * REGIONS.length * REVISIONS;
    const complete = r['taskDefinitions'] === expected && r['errors'] === 0 && r['errorFindings'] === 0;
    if (!complete) console.log(`  INCOMPLETE: expected ${expected} task definitions and no errors`);
    if (withRatio) console.log(`  target: within ${TARGET_RATIO}× of ideal → ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'}`);
    return {
      ok: complete && (!withRatio || ratio <= TARGET_RATIO),
      ratio,
      cpu: r['cpuSeconds'] as number,
      rss: r['maxRssMb'] as number,
      heap: r['peakHeapMb'] as number,
      live: r['peakLiveMb'] as number,
      findingsMb: r['findingsMb'] as number,
      findings: r['findings'] as number,
    };
  } finally {
    await emulator.stop();
  }
}

async function aggregator(): Promise<boolean> {
  const accounts = Math.max(1, Math.round(ITEMS / (REGIONS.length * 250)));
  const perRegion = Math.round(ITEMS / (accounts * REGIONS.length));
  const emulator = await startOrganizationEmulator({ regions: REGIONS, accountId: '200000000000' });
  try {
    seed(emulator, accounts, REGIONS, perRegion);
    let ok = true;
    const scopes = process.env['BENCH_AGGREGATOR_SCOPE']
      ? [process.env['BENCH_AGGREGATOR_SCOPE'] as 'latest' | 'active']
      : (['latest', 'active'] as const);
    for (const scope of scopes) {
      const r = await inChild('aggregator', emulator.endpoint, { scope });
      console.log(
        `aggregator, ${String(r['items'])} items in ${String(r['pages'])} pages, --scope ${scope}: ` +
          `${(r['wallSeconds'] as number).toFixed(1)} s | ` +
          `${String(r['taskDefinitions'])} evaluated | FAIL ${String(r['fail'])} | errors ${String(r['errors'])} | ` +
          `CPU ${(r['cpuSeconds'] as number).toFixed(1)} s | ` +
          `peak RSS ${(r['maxRssMb'] as number).toFixed(0)} MB, peak heap ${(r['peakHeapMb'] as number).toFixed(0)} MB`,
      );
      console.log(`  ${memoryLine(r)}`);
      ok &&= r['errors'] === 0 && r['items'] === accounts * REGIONS.length * perRegion;
    }
    return ok;
  } finally {
    await emulator.stop();
  }
}

console.log(
  `# bench:org: every ECS operation rate-limited per account-region at ${RATE.toFixed(3)}/s, burst ${BURST} ` +
    `(ideal about ${IDEAL_SECONDS} s); --scope active; default budgets (10 per account-region, 256 HTTP attempts in flight ` +
    `in total); findings carry what --format ${process.env['BENCH_FORMAT'] ?? 'text'} prints`,
);
let ok = true;
const memory: Array<{ accounts: number } & Memory> = [];
for (const accounts of SIZES) {
  // Every size is held to the target: account-regions run in parallel, so the ideal does not grow with accounts.
  const r = await fanout(accounts, true);
  memory.push({ accounts, ...r });
  ok &&= r.ok;
}
if (memory.length > 1) {
  const [first, last] = [memory[0]!, memory.at(-1)!];
  const added = Math.max(1, last.accounts - first.accounts);
  const per = (f: (m: Memory) => number) => `${((f(last) - f(first)) / added).toFixed(2)} MB per added account`;
  const streamedReport = ['json', 'sarif', 'csv'].includes(process.env['BENCH_FORMAT'] ?? 'text');
  console.log(
    streamedReport
      ? 'by accounts (streamed report: findings are rendered and spilled as checked, so the peak should not grow with accounts)'
      : 'by accounts (held report: the scan holds every finding for the report: that part grows with the findings)',
  );
  console.log('  accounts | wall / ideal | scanner CPU | CPU per account | peak RSS | peak heap | peak live heap');
  for (const m of memory) {
    console.log(
      `  ${String(m.accounts).padStart(8)} | ${m.ratio.toFixed(3).padStart(12)} | ${`${m.cpu.toFixed(1)} s`.padStart(11)} | ` +
        `${`${(m.cpu / m.accounts).toFixed(3)} s`.padStart(15)} | ${`${m.rss.toFixed(0)} MB`.padStart(8)} | ` +
        `${`${m.heap.toFixed(0)} MB`.padStart(9)} | ${`${m.live.toFixed(0)} MB`.padStart(14)}`,
    );
  }
  console.log(`  peak RSS:        ${memory.map((m) => `${m.accounts} → ${m.rss.toFixed(0)} MB`).join(', ')} (${per((m) => m.rss)})`);
  console.log(`  peak heap:       ${memory.map((m) => `${m.accounts} → ${m.heap.toFixed(0)} MB`).join(', ')} (${per((m) => m.heap)})`);
  console.log(`  peak live heap:  ${memory.map((m) => `${m.accounts} → ${m.live.toFixed(0)} MB`).join(', ')} (${per((m) => m.live)})`);
  console.log(
    `  without the report's findings: ${memory.map((m) => `${m.accounts} → ${(m.live - m.findingsMb).toFixed(0)} MB`).join(', ')} ` +
      `(${per((m) => m.live - m.findingsMb)}; ` +
      `findings held: ${memory.map((m) => `${m.findingsMb.toFixed(0)} MB`).join(', ')})`,
  );
}
console.log('');
if (ITEMS > 0) ok = (await aggregator()) && ok;
if (!ok) process.exitCode = 1;
