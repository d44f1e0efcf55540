/**
 * `scan --resolve-image-users` against a local registry (Debian docker-registry):
 * 1,000 task definitions (3,000 containers without a user) over 60 distinct images,
 * cold cache versus a warm one. Prints wall time and registry requests; asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHECKS } from '../src/checks/catalogue.js';
import { imageUserEnricher } from '../src/enrich/image-user/index.js';
import { scan } from '../src/engine/scan.js';
import { startGate } from '../test/enrich/image-user/support/gate.js';
import { startLocalRegistry } from '../test/enrich/image-user/support/local-registry.js';
import { pushImage } from '../test/enrich/image-user/support/push.js';

const DEFINITIONS = Number(process.env.BENCH_DEFINITIONS ?? 1000);
const IMAGES = Number(process.env.BENCH_IMAGES ?? 60);
const LATENCY_MS = Number(process.env.BENCH_REGISTRY_LATENCY_MS ?? 20);

const registry = await startLocalRegistry();
const gate = await startGate({ upstream: registry.url, mode: 'bearer', delayMs: LATENCY_MS });
const root = mkdtempSync(path.join(tmpdir(), 'ecsguard-bench-images-'));
try {
  for (let i = 0; i < IMAGES; i++) await pushImage(registry.url, `bench/app-${i}`, 'v1', i % 3 === 0 ? {} : { user: String(1000 + i) });
  mkdirSync(path.join(root, 'defs'));
  for (let i = 0; i < DEFINITIONS; i++) {
    const containers = [0, 1, 2].map((c) => ({
      name: `c${c}`,
      image: `${gate.host}/bench/app-${(i * 3 + c) % IMAGES}:v1`,
      essential: c === 0,
    }));
    writeFileSync(path.join(root, 'defs', `td-${i}.json`), JSON.stringify({ family: `svc-${i}`, containerDefinitions: containers }));
  }
  const cacheDir = path.join(root, 'cache');
  for (const label of ['cold cache', 'warm cache']) {
    gate.requests.length = 0;
    const started = performance.now();
    const result = await scan({
      paths: [path.join(root, 'defs')],
      checks: CHECKS,
      enrichers: [imageUserEnricher({ cacheDir, dockerConfigPath: path.join(root, 'no-docker-config.json') })],
    });
    const ms = performance.now() - started;
    const resolved = result.findings.filter((f) => f.effectiveUser?.source.startsWith('image ')).length;
    console.log(
      `${label}: ${DEFINITIONS} task definitions, ${DEFINITIONS * 3} containers, ${IMAGES} images, ${LATENCY_MS} ms registry latency: ` +
        `${ms.toFixed(0)} ms, ${gate.requests.length} registry requests, ${resolved} findings with an image user`,
    );
  }
} finally {
  await gate.stop();
  await registry.stop();
  rmSync(root, { recursive: true, force: true });
}
