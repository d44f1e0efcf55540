import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';
import { runCli } from '../../support/cli.js';
import { temporaryDir } from './helpers.js';

/** Runs the CLI in this process; the emulator answers on loopback meanwhile. */
function ecsguard(args: string[], env: Record<string, string>) {
  return runCli(args, { env });
}

describe('ecsguard scan --aws (CLI against the emulator)', () => {
  let emulator: EcsEmulator;
  let cache: Awaited<ReturnType<typeof temporaryDir>>;
  let env: Record<string, string>;
  before(async () => {
    emulator = await startEcsEmulator({ regions: ['us-east-1', 'eu-west-1'] });
    emulator.account.registerTaskDefinition('us-east-1', {
      family: 'safe',
      containerDefinitions: [{ name: 'a', image: 'nginx', user: '1000' }],
    });
    cache = await temporaryDir();
    env = {
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      XDG_CACHE_HOME: cache.path,
      CI: 'true',
    };
  });
  after(async () => {
    await emulator?.stop();
    await cache?.remove();
  });

  const scanArgs = () => ['scan', '--aws', '--endpoint-url', emulator.endpoint, '--region', 'us-east-1,eu-west-1', '--format', 'json'];

  it('exits 0 on a clean account', async () => {
    const { code, stdout } = await ecsguard(scanArgs(), env);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { findings: unknown[]; errors: unknown[] };
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.findings, []);
  });

  it('exits 1 with a privileged revision, and reports its ARN', async () => {
    const bad = emulator.account.registerTaskDefinition('eu-west-1', {
      family: 'bad',
      containerDefinitions: [{ name: 'a', image: 'nginx', privileged: true, user: '1000' }],
    });
    const { code, stdout } = await ecsguard(scanArgs(), env);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as {
      scope: unknown;
      findings: Array<{ checkId: string; status: string; resource: { arn: string; accountId: string } }>;
    };
    assert.deepEqual(
      report.findings.map((f) => [f.checkId, f.status, f.resource.arn]),
      [['no-privileged-containers', 'FAIL', bad.taskDefinition.taskDefinitionArn]],
    );
    // What the scan looked at, for `ecsguard diff`: the account and the regions named.
    assert.deepEqual(report.scope, {
      folder: process.cwd(),
      paths: [],
      live: [{ accounts: [report.findings[0]?.resource.accountId], regions: ['us-east-1', 'eu-west-1'], revisions: 'latest' }],
    });
  });

  it('exits 2 when a region is denied', async () => {
    const remove = emulator.faults.denyAccess({ region: 'eu-west-1' });
    try {
      const { code, stdout } = await ecsguard(scanArgs(), env);
      assert.equal(code, 2);
      const report = JSON.parse(stdout) as { errors: Array<{ region: string; operation: string }> };
      assert.deepEqual(report.errors.map((e) => `${e.region} ${e.operation}`).sort(), [
        'eu-west-1 ListClusters',
        'eu-west-1 ListTaskDefinitions',
      ]);
    } finally {
      remove();
    }
  });

  it('exits 2 on a usage error', async () => {
    const { code, stderr } = await ecsguard(['scan', '--aws', '--region', 'us-east-1', '--all-regions'], env);
    assert.equal(code, 2);
    assert.match(stderr, /use either --region or --all-regions, not both/);
  });
});
