/**
 * Live-scan benchmark against the ECS emulator (no real AWS needed):
 * an account of 5 regions × 2,000 revisions in 400 families, every ECS
 * operation rate-limited per region (token bucket: 20 requests/s sustained,
 * burst 50, like DescribeTaskDefinition's real limit). Prints wall time against
 * the ideal time the rate limits allow, calls and throttles per operation, the
 * same for a cached re-scan, and the usual shell loop (aws CLI, one process per
 * describe) side by side. Runs --scope latest (target within 1.10x of ideal)
 * then --scope active (within 1.05x). The AWS SDK is loaded before the clock
 * starts: its import is process start-up, not time the rate limits impose.
 * The machine's load average is printed with each figure.
 *
 *   npm run bench:aws
 *   BENCH_SCOPE=latest npm run bench:aws                      (one scope)
 *   BENCH_REVISIONS=400 BENCH_FAMILIES=80 npm run bench:aws   (quicker)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHECKS } from '../src/checks/catalogue.js';
import { scan } from '../src/engine/scan.js';
import { loadSdk } from '../src/sources/aws/clients.js';
import { AwsLiveSource, DEFAULT_MAX_CONCURRENCY } from '../src/sources/aws/live-source.js';
import type { Scope } from '../src/sources/aws/scope.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../test/support/ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const run = promisify(execFile);

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'].slice(
  0,
  Number(process.env['BENCH_REGIONS'] ?? 5),
);
const REVISIONS = Number(process.env['BENCH_REVISIONS'] ?? 2000);
const FAMILIES = Number(process.env['BENCH_FAMILIES'] ?? 400);
const RATE = Number(process.env['BENCH_RATE'] ?? 20);
const BURST = Number(process.env['BENCH_BURST'] ?? 50);
const SHELL_COUNT = Number(process.env['BENCH_SHELL_COUNT'] ?? 20);
const SCOPES: Scope[] = process.env['BENCH_SCOPE'] ? [process.env['BENCH_SCOPE'] as Scope] : ['latest', 'active'];
/** Issue targets: describes start with the first listing page, so only the rate limits set the pace. */
const TARGET_RATIO: Partial<Record<Scope, number>> = { latest: 1.1, active: 1.05 };

const LIMITED_OPERATIONS = [
  'ListTaskDefinitions',
  'DescribeTaskDefinition',
  'ListClusters',
  'ListServices',
  'DescribeServices',
  'ListTasks',
  'DescribeTasks',
];

function seed(emulator: EcsEmulator, regions: string[], revisions: number, families: number): void {
  for (const region of regions) {
    for (let i = 0; i < revisions; i++) {
      const family = `app-${String(i % families).padStart(3, '0')}`;
      const insecure = i % 7 === 0;
      emulator.account.registerTaskDefinition(region, {
        family,
        networkMode: i % 11 === 0 ? 'host' : 'awsvpc',
        containerDefinitions: [
          {
            name: 'app',
            image: `registry.example.com/${family}:${i}`,
            essential: true,
            ...(insecure ? { privileged: true } : { user: '1000' }),
          },
          { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest', essential: false, user: '10001' },
        ],
        tags: [{ key: 'team', value: `team-${i % 9}` }],
      });
    }
    // Some running workload so usage lookup has real work: 2 clusters × 10 services × 2 tasks.
    for (let s = 0; s < 20 && s < families; s++) {
      emulator.account.createService(region, {
        cluster: s % 2 ? 'prod' : 'staging',
        name: `svc-${s}`,
        taskDefinition: `app-${String(s).padStart(3, '0')}`,
        desiredCount: 2,
      });
    }
  }
}

/** The shortest time the token buckets allow: per region and operation (calls − burst) / rate; regions run in parallel. */
function idealSeconds(emulator: EcsEmulator): number {
  let ideal = 0;
  for (const region of REGIONS) {
    const calls = emulator.countCalls({ region, outcome: 'ok' });
    for (const operation of LIMITED_OPERATIONS) ideal = Math.max(ideal, Math.max(0, (calls[operation] ?? 0) - BURST) / RATE);
  }
  return ideal;
}

async function timedScan(emulator: EcsEmulator, cacheDir: string | undefined, scope: Scope) {
  emulator.resetCalls();
  const source = new AwsLiveSource({
    scope,
    regions: REGIONS,
    endpointUrl: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    ...(cacheDir ? { cacheDir } : {}),
  });
  const started = performance.now();
  const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
  const wall = (performance.now() - started) / 1000;
  const ok = emulator.countCalls({ service: 'ecs', outcome: 'ok' });
  const throttled = emulator.countCalls({ outcome: 'ThrottlingException' });
  const otherFailures = emulator.calls.filter((c) => c.outcome !== 'ok' && c.outcome !== 'ThrottlingException').length;
  return { wall, ideal: idealSeconds(emulator), ok, throttled, otherFailures, result, stats: source.stats };
}

function table(rows: Array<[string, ...Array<string | number>]>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ')).join('\n');
}

function report(title: string, r: Awaited<ReturnType<typeof timedScan>>): boolean {
  const ratio = r.ideal > 0 ? r.wall / r.ideal : Number.NaN;
  const failedFindings = r.result.summary.findings.ERROR;
  console.log(`\n## ${title}`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores: above 2, figures are noisy) | ` +
      `wall ${r.wall.toFixed(1)} s | ideal ${r.ideal.toFixed(1)} s${r.ideal > 0 ? ` | ratio ${ratio.toFixed(3)}` : ''} | ` +
      `task definitions ${r.result.summary.taskDefinitions} | described ${r.stats.described} | cache hits ${r.stats.cacheHits}`,
  );
  console.log(
    `errors ${r.result.errors.length} | ERROR findings ${failedFindings} | failed calls other than throttles ${r.otherFailures} | ` +
      `FAIL findings ${r.result.summary.findings.FAIL}`,
  );
  const operations = [...new Set([...Object.keys(r.ok), ...Object.keys(r.throttled)])].sort();
  console.log(
    table([
      ['operation', 'calls ok', 'throttled'],
      ...operations.map((op): [string, number, number] => [op, r.ok[op] ?? 0, r.throttled[op] ?? 0]),
    ]),
  );
  return r.result.errors.length === 0 && failedFindings === 0 && r.otherFailures === 0;
}

async function shellLoop(): Promise<void> {
  if (SHELL_COUNT <= 0) return;
  console.log(`\n## The usual shell loop (aws CLI) vs ecsguard, ${SHELL_COUNT} revisions in one region, no rate limit`);
  try {
    await run('aws', ['--version']);
  } catch {
    console.log('aws CLI not found (apt-get install -y awscli): skipping the shell-loop comparison.');
    return;
  }
  const emulator = await startEcsEmulator({ regions: ['us-east-1'] });
  try {
    seed(emulator, ['us-east-1'], SHELL_COUNT, SHELL_COUNT);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    };
    const aws = (...args: string[]) =>
      run('aws', ['--endpoint-url', emulator.endpoint, '--output', 'json', ...args], { env, maxBuffer: 64 << 20 });
    const started = performance.now();
    // for arn in $(aws ecs list-task-definitions …); do aws ecs describe-task-definition --task-definition $arn; done
    const listed = JSON.parse((await aws('ecs', 'list-task-definitions')).stdout) as { taskDefinitionArns: string[] };
    for (const arn of listed.taskDefinitionArns) await aws('ecs', 'describe-task-definition', '--task-definition', arn);
    const shell = (performance.now() - started) / 1000;

    const source = new AwsLiveSource({
      scope: 'active',
      regions: ['us-east-1'],
      endpointUrl: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });
    const startedScan = performance.now();
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    const inProcess = (performance.now() - startedScan) / 1000;
    // The same scan in a fresh process: node start, tsx, SDK load included.
    const startedCold = performance.now();
    const cold = await run(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./aws-cold-scan.ts', import.meta.url)), emulator.endpoint],
      { env },
    );
    const coldSeconds = (performance.now() - startedCold) / 1000;
    const coldResult = JSON.parse(cold.stdout) as { taskDefinitions: number; errors: number };
    const perRevision = shell / listed.taskDefinitionArns.length;
    console.log(`shell loop: ${shell.toFixed(2)} s (${(perRevision * 1000).toFixed(0)} ms per revision; describes only, no checks)`);
    console.log(
      `ecsguard:   ${coldSeconds.toFixed(2)} s as a fresh process (${coldResult.taskDefinitions} revisions, ${coldResult.errors} ` +
        `errors; usage lookup and checks included) → shell loop is ${(shell / coldSeconds).toFixed(1)}× slower`,
    );
    console.log(
      `            ${inProcess.toFixed(2)} s in-process with the SDK loaded (${result.summary.taskDefinitions} revisions) → ` +
        `${(shell / inProcess).toFixed(0)}×`,
    );
    const total = REGIONS.length * REVISIONS;
    console.log(
      `extrapolated to ${total} revisions: shell loop ≈ ${((perRevision * total) / 60).toFixed(1)} min sequentially, before any ` +
        "throttling, vs ecsguard's measured run above",
    );
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `# bench:aws: ${REGIONS.length} regions × ${REVISIONS} revisions in ${FAMILIES} families; every ECS operation rate-limited per ` +
      `region at ${RATE}/s, burst ${BURST}; scopes ${SCOPES.join(', ')}; ${DEFAULT_MAX_CONCURRENCY} requests in flight per region`,
  );
  const sdkStarted = performance.now();
  await loadSdk();
  console.log(`AWS SDK loaded in ${((performance.now() - sdkStarted) / 1000).toFixed(2)} s, before the clock starts`);
  let ok = true;
  for (const scope of SCOPES) {
    const emulator = await startEcsEmulator({ regions: REGIONS });
    const cacheDir = await mkdtemp(join(tmpdir(), 'ecsguard-bench-'));
    try {
      seed(emulator, REGIONS, REVISIONS, FAMILIES);
      for (const operation of LIMITED_OPERATIONS) emulator.faults.rateLimit(operation, { ratePerSecond: RATE, burst: BURST });

      const cold = await timedScan(emulator, cacheDir, scope);
      ok = report(`cold scan (--scope ${scope}, empty cache)`, cold) && ok;
      const target = TARGET_RATIO[scope] ?? 1.25;
      const withinTarget = cold.wall <= cold.ideal * target;
      console.log(`target: within ${target}× of ideal → ${withinTarget ? 'met' : 'MISSED'}`);
      ok &&= withinTarget;

      // Let the buckets refill, as between two real runs.
      await new Promise((resolve) => setTimeout(resolve, (BURST / RATE) * 1000));
      const cached = await timedScan(emulator, cacheDir, scope);
      ok = report(`cached re-scan (--scope ${scope}, same account, same cache)`, cached) && ok;
      const noDescribes = (cached.ok['DescribeTaskDefinition'] ?? 0) === 0;
      console.log(`target: zero DescribeTaskDefinition calls on the re-scan → ${noDescribes ? 'met' : 'MISSED'}`);
      ok &&= noDescribes;
    } finally {
      await emulator.stop();
      await rm(cacheDir, { recursive: true, force: true });
    }
  }
  await shellLoop();
  if (!ok) process.exitCode = 1;
}

await main();
