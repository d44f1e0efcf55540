import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';
import { type Gate, startBlobStore, startGate } from './support/gate.js';
import { type LocalRegistry, startLocalRegistry } from './support/local-registry.js';
import { pushImage } from './support/push.js';
import { runCliAsync } from './support/run-cli.js';

const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

interface JsonFinding {
  checkId: string;
  status: string;
  container: string | null;
  message: string;
  resource: { arn: string | null };
  effectiveUser: { value: string | null; source: string; reason: string } | null;
}

/**
 * The ECR path: GetAuthorizationToken on the emulator with the caller's AWS
 * credentials, then the registry at the returned proxyEndpoint, which (like
 * ECR) answers only Basic credentials `AWS:<token password>`.
 */
describe('image users from Amazon ECR (emulator GetAuthorizationToken + local registry)', () => {
  let registry: LocalRegistry;
  let ecrRegistry: Gate;
  let emulator: EcsEmulator;
  let folder: string;
  let env: Record<string, string>;
  const d: Record<string, string> = {};

  before(async () => {
    registry = await startLocalRegistry();
    d['nonroot'] = (await pushImage(registry.url, 'team/api', '3.1', { user: '10001:10001' })).digest;
    d['root'] = (await pushImage(registry.url, 'team/nginx', '1.27', { docker: true })).digest;
    emulator = await startEcsEmulator({ regions: ['us-east-1'] });
    ecrRegistry = await startGate({ upstream: registry.url, mode: 'basic', username: 'AWS', password: emulator.ecr.password });
    emulator.ecr.proxyEndpoint = ecrRegistry.url;
    folder = await mkdtemp(join(tmpdir(), 'ecsguard-ecr-'));
    await mkdir(join(folder, 'docker'));
    await writeFile(
      join(folder, 'web.json'),
      JSON.stringify(
        {
          family: 'web',
          containerDefinitions: [
            { name: 'nginx', image: `${ECR_HOST}/team/nginx:1.27`, essential: true },
            { name: 'api', image: `${ECR_HOST}/team/api:3.1`, essential: true },
          ],
        },
        null,
        2,
      ),
    );
    emulator.account.registerTaskDefinition('us-east-1', {
      family: 'web',
      containerDefinitions: [
        { name: 'nginx', image: `${ECR_HOST}/team/nginx:1.27`, essential: true },
        { name: 'api', image: `${ECR_HOST}/team/api@${d['nonroot']}`, essential: true },
        { name: 'sidecar', image: `${ECR_HOST}/team/api:3.1`, user: '1000', essential: false },
      ],
    });
    env = {
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      DOCKER_CONFIG: join(folder, 'docker'),
      HOME: folder,
    };
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.resetCalls();
    ecrRegistry.requests.length = 0;
  });
  after(async () => {
    await ecrRegistry?.stop();
    await emulator?.stop();
    await registry?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const userFindings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.checkId === 'no-root-user');

  it('a file scan logs in with the default credential chain (AWS_ENDPOINT_URL_ECR) and reads both images', async () => {
    const run = await runCliAsync(['scan', join(folder, 'web.json'), '--resolve-image-users', '--accept-image-user', '--format', 'json'], {
      ...env,
      AWS_ENDPOINT_URL_ECR: emulator.endpoint,
      XDG_CACHE_HOME: join(folder, 'cache-files'),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(
      userFindings(run.stdout).map((f) => [f.container, f.status, f.effectiveUser?.value, f.effectiveUser?.source]),
      [
        ['nginx', 'FAIL', '', `image ${ECR_HOST}/team/nginx:1.27@${d['root']}`],
        ['api', 'NOTE', '10001:10001', `image ${ECR_HOST}/team/api:3.1@${d['nonroot']}`],
      ],
    );
    assert.deepEqual(emulator.countCalls({ service: 'ecr' }), { GetAuthorizationToken: 1 });
    const basic = `Basic ${Buffer.from(`AWS:${emulator.ecr.password}`).toString('base64')}`;
    assert.ok(ecrRegistry.authorizations.length > 0 && ecrRegistry.authorizations.every((a) => a === basic));
  });

  it("a live scan uses the scan's endpoint and credentials, one login per registry, and a cached second run calls nothing", async () => {
    const args = [
      'scan',
      '--aws',
      '--endpoint-url',
      emulator.endpoint,
      '--region',
      'us-east-1',
      '--resolve-image-users',
      '--format',
      'json',
    ];
    const cacheEnv = { ...env, XDG_CACHE_HOME: join(folder, 'cache-live') };
    const first = await runCliAsync(args, cacheEnv);
    assert.equal(first.code, 1, first.stderr);
    const findings = userFindings(first.stdout);
    assert.deepEqual(
      findings.map((f) => [f.container, f.status, f.message]),
      [
        [
          'nginx',
          'FAIL',
          `container "nginx": user is not set; image ${ECR_HOST}/team/nginx:1.27 (${d['root']}) sets no USER, so it runs as root (uid 0)`,
        ],
        [
          'api',
          'FAIL',
          `container "api": user is not set; image ${ECR_HOST}/team/api@${d['nonroot']} runs as "10001:10001": effective non-root, but ` +
            `strict semantics require the task definition to set it (--accept-image-user lets the image's user count)`,
        ],
      ],
    );
    assert.equal(findings[0]!.resource.arn, 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
    assert.deepEqual(emulator.countCalls({ service: 'ecr' }), { GetAuthorizationToken: 1 });
    assert.deepEqual(
      emulator.calls.filter((c) => c.service === 'ecr').map((c) => c.input),
      [{ registryIds: ['123456789012'] }],
    );

    emulator.resetCalls();
    ecrRegistry.requests.length = 0;
    const second = await runCliAsync(args, cacheEnv);
    assert.deepEqual(userFindings(second.stdout), findings);
    assert.deepEqual(emulator.countCalls({ service: 'ecr' }), {});
    assert.deepEqual(ecrRegistry.requests, []);
  });

  it('blob downloads redirected to another origin (S3) carry no registry credentials', async () => {
    const store = await startBlobStore(registry.url);
    const redirecting = await startGate({
      upstream: registry.url,
      mode: 'basic',
      username: 'AWS',
      password: emulator.ecr.password,
      redirectBlobsTo: store.url,
    });
    const saved = emulator.ecr.proxyEndpoint;
    emulator.ecr.proxyEndpoint = redirecting.url;
    try {
      const run = await runCliAsync(
        ['scan', join(folder, 'web.json'), '--resolve-image-users', '--accept-image-user', '--format', 'json'],
        {
          ...env,
          AWS_ENDPOINT_URL_ECR: emulator.endpoint,
          XDG_CACHE_HOME: join(folder, 'cache-redirect'),
        },
      );
      assert.deepEqual(
        userFindings(run.stdout).map((f) => [f.container, f.status, f.effectiveUser?.value]),
        [
          ['nginx', 'FAIL', ''],
          ['api', 'NOTE', '10001:10001'],
        ],
      );
      assert.deepEqual(store.authorizations, [null, null]);
    } finally {
      emulator.ecr.proxyEndpoint = saved;
      await redirecting.stop();
      await store.stop();
    }
  });

  it('a refused login keeps the strict verdict and says why, even with --accept-image-user', async () => {
    emulator.faults.denyAccess({ service: 'ecr', operation: 'GetAuthorizationToken' });
    const run = await runCliAsync(['scan', join(folder, 'web.json'), '--resolve-image-users', '--accept-image-user', '--format', 'json'], {
      ...env,
      AWS_ENDPOINT_URL_ECR: emulator.endpoint,
      XDG_CACHE_HOME: join(folder, 'cache-denied'),
    });
    assert.equal(run.code, 1, run.stderr);
    const findings = userFindings(run.stdout);
    assert.deepEqual(
      findings.map((f) => [f.container, f.status, f.effectiveUser?.source]),
      [
        ['nginx', 'FAIL', 'unresolved'],
        ['api', 'FAIL', 'unresolved'],
      ],
    );
    assert.match(
      findings[1]!.message,
      new RegExp(
        `^container "api": user is not set, so the container runs as the image's default user, which is root unless the image sets USER; ` +
          `the image's user is unknown: image ${ECR_HOST.replace(/\./g, '\\.')}/team/api:3\\.1 could not be read: ECR ` +
          `GetAuthorizationToken in us-east-1 failed: AccessDeniedException: `,
      ),
    );
    assert.deepEqual(ecrRegistry.requests, []);
  });

  it('a registry that rejects the token keeps the strict verdict', async () => {
    const saved = emulator.ecr.password;
    emulator.ecr.password = 'expired-token';
    try {
      const run = await runCliAsync(
        ['scan', join(folder, 'web.json'), '--resolve-image-users', '--accept-image-user', '--format', 'json'],
        {
          ...env,
          AWS_ENDPOINT_URL_ECR: emulator.endpoint,
          XDG_CACHE_HOME: join(folder, 'cache-rejected'),
        },
      );
      const api = userFindings(run.stdout).find((f) => f.container === 'api')!;
      assert.equal(api.status, 'FAIL');
      assert.equal(
        api.effectiveUser?.reason,
        `image ${ECR_HOST}/team/api:3.1 could not be read: ${ECR_HOST} refused the request (401 Unauthorized) with the credentials given`,
      );
    } finally {
      emulator.ecr.password = saved;
    }
  });
});
