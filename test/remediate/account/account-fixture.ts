import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type EcsEmulator, EMULATOR_CREDENTIALS, startEcsEmulator } from '../../support/ecs-emulator/index.js';

// The live source uses the SDK's default credential chain; the emulator accepts any keys.
process.env['AWS_ACCESS_KEY_ID'] = EMULATOR_CREDENTIALS.accessKeyId;
process.env['AWS_SECRET_ACCESS_KEY'] = EMULATOR_CREDENTIALS.secretAccessKey;
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const arn = (familyRevision: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${familyRevision}`;

/** A described-looking definition with fields a shallow fixer would lose. */
export function webDefinition(): Record<string, unknown> {
  return {
    family: 'web',
    networkMode: 'host',
    requiresCompatibilities: ['EC2'],
    cpu: '256',
    memory: '512',
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx:1.27',
        essential: true,
        privileged: true,
        user: 'root',
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'MODE', value: 'prod' }],
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: false }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': REGION } },
      },
      { name: 'sidecar', image: 'busybox', essential: false, user: '1000:1000', command: ['sleep', 'infinity'] },
    ],
  };
}

export interface Seeded {
  emulator: EcsEmulator;
  dir: string;
  planFile: string;
  stop(): Promise<void>;
}

/**
 * us-east-1 with services in two clusters:
 * - web:1 (failing, unused), web:2 (failing, tagged) used by prod/web and staging/web;
 * - api:1 (root user, tagged) used by prod/api;
 * - batch:1 (privileged, unused); ok:1 passes.
 */
export async function seedAccount(): Promise<Seeded> {
  const emulator = await startEcsEmulator({ regions: [REGION] });
  const { account } = emulator;
  account.registerTaskDefinition(REGION, webDefinition());
  account.registerTaskDefinition(REGION, {
    ...webDefinition(),
    tags: [
      { key: 'team', value: 'payments' },
      { key: 'cost-center', value: '42' },
    ],
  });
  account.registerTaskDefinition(REGION, {
    family: 'api',
    containerDefinitions: [{ name: 'api', image: 'api:3', essential: true, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
    tags: [{ key: 'team', value: 'core' }],
  });
  account.registerTaskDefinition(REGION, {
    family: 'batch',
    containerDefinitions: [{ name: 'job', image: 'job:1', privileged: true, user: '1000' }],
  });
  account.registerTaskDefinition(REGION, {
    family: 'ok',
    networkMode: 'awsvpc',
    containerDefinitions: [{ name: 'ok', image: 'ok:1', user: '1000:1000' }],
  });
  account.createService(REGION, { cluster: 'prod', name: 'web', taskDefinition: 'web:2', desiredCount: 2 });
  account.createService(REGION, { cluster: 'staging', name: 'web', taskDefinition: 'web:2', desiredCount: 1 });
  account.createService(REGION, { cluster: 'prod', name: 'api', taskDefinition: 'api:1', desiredCount: 1 });
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-account-'));
  return {
    emulator,
    dir,
    planFile: path.join(dir, 'plan.json'),
    async stop() {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The options commander gives `fix --aws` for a scan of the emulator. */
export function fixOptions(emulator: EcsEmulator, planFile: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aws: true,
    region: [REGION],
    endpointUrl: emulator.endpoint,
    scope: 'active',
    cache: false,
    quiet: true,
    plan: planFile,
    skipChecks: ['no-host-network'],
    ...extra,
  };
}

export function connection(emulator: EcsEmulator, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { endpointUrl: emulator.endpoint, maxAttempts: 2, yes: true, ...extra };
}

/** A stream that keeps what is written to it. */
export function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text: () => string };
  stream.text = () => chunks.join('');
  return stream;
}

export function streams() {
  const stdout = capture();
  const stderr = capture();
  return { stdout, stderr, context: { stdout, stderr, credentials: EMULATOR_CREDENTIALS } };
}
