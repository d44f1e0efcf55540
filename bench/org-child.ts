/**
 * One organization or aggregator scan against an emulator started by
 * bench/org.bench.ts, in its own process so its memory is the scanner's alone.
 *   node --import tsx bench/org-child.ts fanout|aggregator <endpoint> <json options>
 * Prints one JSON line.
 */
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { CHECKS } from '../src/checks/catalogue.js';
import { scan } from '../src/engine/scan.js';
import { type ReportFormat, findingDetailsFor, streamableFormats } from '../src/report/formats.js';
import { createSpillSink } from '../src/report/spill-report.js';
import { loadSdk } from '../src/sources/aws/clients.js';
import { ConfigAggregatorSource } from '../src/sources/config/aggregator-source.js';
import { OrganizationSource } from '../src/sources/organization/org-source.js';
import type { LiveSource } from '../src/sources/source.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const [mode, endpointUrl, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as {
  regions: string[];
  scope: 'active' | 'latest';
  maxTotalConcurrency?: number;
  maxConcurrency?: number;
};
const credentials = { accessKeyId: 'AKIDECSGUARDTEST', secretAccessKey: 'emulator-secret' };
// What findings carry, as the CLI computes it for the report's format (BENCH_FORMAT, default text as the CLI's).
const format = (process.env['BENCH_FORMAT'] ?? 'text') as ReportFormat;
const findingDetails = findingDetailsFor([format]);
// JSON, SARIF and CSV are streamed reports, as the CLI writes them: findings are rendered and spilled, not held.
const streamed = streamableFormats([format], { framework: false });
// BENCH_CHECKS=none: run no check, so the scan holds no finding: its memory is then the sources' and the engine's alone.
const checks = process.env['BENCH_CHECKS'] === 'none' ? [] : CHECKS;

// The SDK's modules load before the clock starts: CPU per call is the scan's, not module loading's.
await Promise.all([loadSdk(), import('@aws-sdk/client-organizations'), import('@aws-sdk/client-config-service')]);
const started = performance.now();
const cpuAtStart = process.cpuUsage();
// Peak JavaScript heap next to peak RSS: what the scan holds, apart from the runtime and the SDK's code.
let peakHeapMb = 0;
const sampler = setInterval(() => (peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20)), 250);
sampler.unref();
// Peak heap after a full collection: what the scan holds alive (peak heap also counts garbage not yet collected, which
// V8 lets grow to a few times the live heap).
let peakLiveMb = 0;
const afterGc = new PerformanceObserver((list) => {
  if (
    !list
      .getEntries()
      .some((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
  )
    return;
  peakLiveMb = Math.max(peakLiveMb, process.memoryUsage().heapUsed / 2 ** 20);
});
afterGc.observe({ entryTypes: ['gc'] });
/**
 * Live heap now, and what the report's findings hold (needs --expose-gc). Empties the findings: call it last (the
 * array is shared with the scan's own state, so only emptying it frees them).
 */
function heldByFindings(result: { findings: unknown[] }): { liveMb: number; findingsMb: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { liveMb: Number.NaN, findingsMb: Number.NaN };
  gc();
  const live = process.memoryUsage().heapUsed;
  peakLiveMb = Math.max(peakLiveMb, live / 2 ** 20);
  result.findings.length = 0;
  gc();
  const without = process.memoryUsage().heapUsed;
  return { liveMb: live / 2 ** 20, findingsMb: (live - without) / 2 ** 20 };
}
/** Scans the live source; its time, CPU and what its findings hold (the findings are emptied: see heldByFindings). */
async function scanAndMeasure(source: LiveSource) {
  const sink = streamed ? await createSpillSink({ formats: [format], checks }) : undefined;
  const scanned = await scan({ paths: [], checks, liveSources: [source], findingDetails, ...(sink ? { findingSink: sink } : {}) });
  sink?.dispose();
  // A streamed scan's counts are the sink's (its result holds no findings).
  const result = sink ? { ...scanned, summary: { ...scanned.summary, findings: { ...sink.counts } } } : scanned;
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  await stopAllocationProfile?.();
  if (process.env['BENCH_HEAP_SNAPSHOT'] === 'end') {
    const { writeHeapSnapshot } = await import('node:v8');
    console.error(`heap snapshot with ${result.findings.length} findings: ${writeHeapSnapshot()}`);
  }
  const findingCount = sink ? Object.values(sink.counts).reduce((a, b) => a + b, 0) : result.findings.length;
  return { result, wallSeconds, cpu, findingCount, held: heldByFindings(result) };
}
// BENCH_MEMORY_TRACE=FILE: memory every 250 ms (heap used and total, external, array buffers, RSS), one JSON line each.
if (process.env['BENCH_MEMORY_TRACE']) {
  const { appendFileSync, writeFileSync } = await import('node:fs');
  const trace = process.env['BENCH_MEMORY_TRACE'];
  writeFileSync(trace, '');
  const mb = (n: number) => Math.round(n / 2 ** 20);
  setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      t: Math.round(performance.now() - started) / 1000,
      rss: mb(m.rss),
      heapUsed: mb(m.heapUsed),
      heapTotal: mb(m.heapTotal),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
    };
    appendFileSync(trace, `${JSON.stringify(line)}\n`);
  }, 250).unref();
}
// BENCH_ALLOCATION_PROFILE=FILE: sampled allocations, including objects a full collection freed (garbage that was
// promoted to the old generation), written as a .heapprofile when the scan ends.
let stopAllocationProfile: (() => Promise<void>) | undefined;
if (process.env['BENCH_ALLOCATION_PROFILE']) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64 * 1024,
    includeObjectsCollectedByMajorGC: true,
  } as never);
  stopAllocationProfile = async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(process.env['BENCH_ALLOCATION_PROFILE']!, JSON.stringify(profile));
  };
}
// BENCH_HEAP_SNAPSHOT=SECONDS: write a heap snapshot (current folder) that long into the scan, to see what it holds.
if (process.env['BENCH_HEAP_SNAPSHOT'] && process.env['BENCH_HEAP_SNAPSHOT'] !== 'end') {
  const { writeHeapSnapshot } = await import('node:v8');
  setTimeout(() => console.error(`heap snapshot: ${writeHeapSnapshot()}`), Number(process.env['BENCH_HEAP_SNAPSHOT']) * 1000).unref();
}
if (mode === 'fanout') {
  if (process.env['BENCH_STATE']) await (await import('node:fs/promises')).rm(process.env['BENCH_STATE'], { force: true });
  const settings = {
    scope: options.scope,
    regions: options.regions,
    role: 'ecsguard-scan',
    endpointUrl: endpointUrl!,
    credentials,
    ...(options.maxTotalConcurrency ? { maxTotalConcurrency: options.maxTotalConcurrency } : {}),
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    // BENCH_STATE=FILE: record finished account-regions there (--state); the file is removed first.
    ...(process.env['BENCH_STATE'] ? { statePath: process.env['BENCH_STATE'] } : {}),
  };
  const source = new OrganizationSource(settings);
  // BENCH_VIA=cli: the source as `ecsguard scan --aws --org` builds it (src/cli/org-options.ts), which is how the
  // engine reads it from the command line (in parts, or whole).
  const { result, wallSeconds, cpu, findingCount, held } = await scanAndMeasure(
    process.env['BENCH_VIA'] === 'cli' ? await viaCli(settings) : source,
  );
  const calls = Object.values(source.stats.callsByAccount).sort((a, b) => a - b);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      wallSeconds,
      taskDefinitions: result.summary.taskDefinitions,
      fail: result.summary.findings.FAIL,
      findings: findingCount,
      errorFindings: result.summary.findings.ERROR,
      errors: result.errors.length,
      firstError: result.errors[0]?.message,
      callsPerAccount: { min: calls[0], median: calls[Math.floor(calls.length / 2)], max: calls.at(-1) },
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapMb,
      peakLiveMb,
      endLiveMb: held.liveMb,
      findingsMb: held.findingsMb,
      totalCalls: calls.reduce((a, b) => a + b, 0),
      cpuSeconds,
      userSeconds: cpu.user / 1e6,
      systemSeconds: cpu.system / 1e6,
      // The scan's own CPU (module loading excluded) per API call.
      cpuMsPerCall:
        (cpuSeconds * 1000) /
        Math.max(
          1,
          calls.reduce((a, b) => a + b, 0),
        ),
    }),
  );
} else {
  const source = new ConfigAggregatorSource({
    aggregator: 'org-aggregator',
    region: 'us-east-1',
    scope: options.scope,
    endpointUrl: endpointUrl!,
    credentials,
  });
  const { result, wallSeconds, cpu, findingCount, held } = await scanAndMeasure(source);
  console.log(
    JSON.stringify({
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      findings: findingCount,
      peakHeapMb,
      peakLiveMb,
      endLiveMb: held.liveMb,
      findingsMb: held.findingsMb,
      items: source.stats.items,
      pages: source.stats.pages,
      taskDefinitions: result.summary.taskDefinitions,
      fail: result.summary.findings.FAIL,
      errors: result.errors.length,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

/** The organization source the CLI builds for these settings (its calls are not counted in `source.stats`). */
async function viaCli(settings: {
  scope: string;
  regions: string[];
  endpointUrl: string;
  maxTotalConcurrency?: number;
  maxConcurrency?: number;
  statePath?: string;
}): Promise<LiveSource> {
  const { createOrganizationSource } = await import('../src/cli/org-options.js');
  process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
  const source = await createOrganizationSource(
    {
      aws: true,
      org: true,
      quiet: true,
      cache: false,
      scope: settings.scope,
      region: settings.regions,
      endpointUrl: settings.endpointUrl,
      ...(settings.maxTotalConcurrency ? { orgConcurrency: settings.maxTotalConcurrency } : {}),
      ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
      ...(settings.statePath ? { state: settings.statePath } : {}),
    },
    { stderr: process.stderr },
  );
  return source!;
}
