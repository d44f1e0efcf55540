import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type ScanResult, scan } from '../../../src/engine/scan.js';
import { AwsLiveSource, type AwsScanOptions } from '../../../src/sources/aws/live-source.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export const ACCOUNT = '123456789012';
export const arn = (region: string, familyRevision: string) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${familyRevision}`;

const container = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  essential: true,
  ...extra,
});

/**
 * Two enabled regions and one disabled opt-in region:
 * us-east-1: web:1..5 (1–3 INACTIVE; 4 privileged; 5 safe), prod/web deploying web:5 while
 *   2 tasks still run web:3 (INACTIVE); batch:1..3 (3 runs as root), a standalone task on
 *   batch:2 in cluster jobs; agent:1 (host network, privileged); old:1..2 (both INACTIVE).
 * eu-west-1: api:1..120 (safe; 120 → two list pages), prod/api on api:119 with 150 tasks
 *   (two ListTasks pages, two DescribeTasks batches).
 */
export async function startSeededEmulator(): Promise<EcsEmulator> {
  const emulator = await startEcsEmulator({ regions: ['us-east-1', 'eu-west-1'], disabledRegions: ['af-south-1'] });
  const { account } = emulator;
  const us = 'us-east-1';
  for (let i = 1; i <= 5; i++) {
    const extra = i === 4 ? { privileged: true, user: '1000' } : { user: '1000' };
    account.registerTaskDefinition(us, { family: 'web', containerDefinitions: [container(extra)], tags: [{ key: 'team', value: 'web' }] });
  }
  account.createService(us, { cluster: 'prod', name: 'web', taskDefinition: 'web:3', desiredCount: 2 });
  account.updateService(us, { cluster: 'prod', service: 'web', taskDefinition: 'web:5' });
  for (const revision of [1, 2, 3]) account.deregisterTaskDefinition(us, `web:${revision}`);
  for (let i = 1; i <= 3; i++) {
    account.registerTaskDefinition(us, {
      family: 'batch',
      containerDefinitions: [container(i === 3 ? { user: 'root' } : { user: '1000' })],
    });
  }
  account.runTasks(us, { cluster: 'jobs', taskDefinition: 'batch:2' });
  account.registerTaskDefinition(us, {
    family: 'agent',
    networkMode: 'host',
    containerDefinitions: [container({ privileged: true, user: '1000' })],
  });
  account.registerTaskDefinition(us, { family: 'old', containerDefinitions: [container({ user: '1000' })] });
  account.registerTaskDefinition(us, { family: 'old', containerDefinitions: [container({ user: '1000' })] });
  account.deregisterTaskDefinition(us, 'old:1');
  account.deregisterTaskDefinition(us, 'old:2');

  const eu = 'eu-west-1';
  for (let i = 1; i <= 120; i++) account.registerTaskDefinition(eu, { family: 'api', containerDefinitions: [container({ user: '1000' })] });
  account.createService(eu, { cluster: 'prod', name: 'api', taskDefinition: 'api:119', desiredCount: 150 });
  return emulator;
}

export function liveSource(emulator: EcsEmulator, options: Partial<AwsScanOptions> = {}): AwsLiveSource {
  return new AwsLiveSource({
    scope: 'latest',
    regions: ['us-east-1', 'eu-west-1'],
    endpointUrl: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    ...options,
  });
}

export function scanLive(source: AwsLiveSource, includePassed = false, signal?: AbortSignal): Promise<ScanResult> {
  return scan({ paths: [], checks: CHECKS, liveSources: [source], includePassed, ...(signal ? { signal } : {}) });
}

/** The revision ARNs a scan evaluated or failed on, as `region family:revision`, sorted. */
export function evaluatedRevisions(result: ScanResult): string[] {
  return [...new Set(result.findings.map((f) => `${f.resource.region} ${f.resource.family}:${f.resource.revision}`))].sort();
}

export async function temporaryDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ecsguard-aws-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
