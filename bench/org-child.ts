/**
 * One organization or aggregator scan against an emulator started by
 * bench/org.bench.ts, in its own process so its memory is the scanner's alone.
 *   node --import tsx bench/org-child.ts fanout|aggregator <endpoint> <json options>
 * Prints one JSON line.
 */
import { CHECKS } from '../src/checks/catalogue.js';
import { scan } from '../src/engine/scan.js';
import { loadSdk } from '../src/sources/aws/clients.js';
import { ConfigAggregatorSource } from '../src/sources/config/aggregator-source.js';
import { OrganizationSource } from '../src/sources/organization/org-source.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const [mode, endpointUrl, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as {
  regions: string[];
  scope: 'active' | 'latest';
  maxTotalConcurrency?: number;
  maxConcurrency?: number;
};
const credentials = { accessKeyId: 'AKIDECSGUARDTEST', secretAccessKey: 'emulator-secret' };

// The SDK's modules load before the clock starts: CPU per call is the scan's, not module loading's.
await Promise.all([loadSdk(), import('@aws-sdk/client-organizations'), import('@aws-sdk/client-config-service')]);
const started = performance.now();
const cpuAtStart = process.cpuUsage();
// Peak JavaScript heap next to peak RSS: what the scan holds, apart from the runtime and the SDK's code.
let peakHeapMb = 0;
const sampler = setInterval(() => (peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20)), 250);
sampler.unref();
// BENCH_HEAP_SNAPSHOT=SECONDS: write a heap snapshot (current folder) that long into the scan, to see what it holds.
if (process.env['BENCH_HEAP_SNAPSHOT'] && process.env['BENCH_HEAP_SNAPSHOT'] !== 'end') {
  const { writeHeapSnapshot } = await import('node:v8');
  setTimeout(() => console.error(`heap snapshot: ${writeHeapSnapshot()}`), Number(process.env['BENCH_HEAP_SNAPSHOT']) * 1000).unref();
}
if (mode === 'fanout') {
  const source = new OrganizationSource({
    scope: options.scope,
    regions: options.regions,
    role: 'ecsguard-scan',
    endpointUrl: endpointUrl!,
    credentials,
    ...(options.maxTotalConcurrency ? { maxTotalConcurrency: options.maxTotalConcurrency } : {}),
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
  });
  const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
  const calls = Object.values(source.stats.callsByAccount).sort((a, b) => a - b);
  const cpuSeconds = (process.cpuUsage(cpuAtStart).user + process.cpuUsage(cpuAtStart).system) / 1e6;
  console.log(
    JSON.stringify({
      wallSeconds: (performance.now() - started) / 1000,
      taskDefinitions: result.summary.taskDefinitions,
      fail: result.summary.findings.FAIL,
      findings: result.findings.length,
      errorFindings: result.summary.findings.ERROR,
      errors: result.errors.length,
      firstError: result.errors[0]?.message,
      callsPerAccount: { min: calls[0], median: calls[Math.floor(calls.length / 2)], max: calls.at(-1) },
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapMb,
      totalCalls: calls.reduce((a, b) => a + b, 0),
      cpuSeconds,
      userSeconds: process.cpuUsage(cpuAtStart).user / 1e6,
      systemSeconds: process.cpuUsage(cpuAtStart).system / 1e6,
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
  const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
  if (process.env['BENCH_HEAP_SNAPSHOT'] === 'end') {
    const { writeHeapSnapshot } = await import('node:v8');
    console.error(`heap snapshot with ${result.findings.length} findings: ${writeHeapSnapshot()}`);
  }
  console.log(
    JSON.stringify({
      wallSeconds: (performance.now() - started) / 1000,
      items: source.stats.items,
      pages: source.stats.pages,
      taskDefinitions: result.summary.taskDefinitions,
      fail: result.summary.findings.FAIL,
      errors: result.errors.length,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
