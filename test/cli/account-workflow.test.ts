import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../support/ecs-emulator/index.js';

const REGION = 'us-east-1';

/** Runs the CLI in this process; the emulator answers on loopback meanwhile. */
function ecsguard(args: string[], env: Record<string, string>) {
  return runCli(args, { env });
}

/** The README's account workflow, as a user runs it: scan, plan, apply, re-scan, roll back. */
describe('account workflow through the CLI', () => {
  let emulator: EcsEmulator;
  let dir: string;
  let env: Record<string, string>;
  const connection = () => ['--endpoint-url', emulator.endpoint];
  const scanArgs = () => ['scan', '--aws', ...connection(), '--region', REGION, '--scope', 'in-use', '--no-cache', '--format', 'json'];

  before(async () => {
    emulator = await startEcsEmulator({ regions: [REGION] });
    const { account } = emulator;
    account.registerTaskDefinition(REGION, {
      family: 'agent',
      networkMode: 'host',
      containerDefinitions: [{ name: 'collector', image: 'example/collector:2', privileged: true, user: '0', memory: 256 }],
      tags: [{ key: 'team', value: 'observability' }],
    });
    account.createService(REGION, { cluster: 'prod', name: 'agent', taskDefinition: 'agent:1', desiredCount: 2 });
    account.createService(REGION, { cluster: 'staging', name: 'agent', taskDefinition: 'agent:1', desiredCount: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-account-'));
    env = {
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      XDG_CACHE_HOME: dir,
      CI: 'true',
      NO_COLOR: '1',
    };
  });
  after(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scan finds the running privileged root agent, with its usage', async () => {
    const scanned = await ecsguard(scanArgs(), env);
    assert.equal(scanned.code, 1, scanned.stderr);
    const report = JSON.parse(scanned.stdout);
    const privileged = report.findings.find((f: { checkId: string }) => f.checkId === 'no-privileged-containers');
    assert.equal(privileged.resource.arn, `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:1`);
    assert.deepEqual(privileged.usage, { runningTasks: 3, services: ['prod/agent', 'staging/agent'] });
  });

  it('fix --aws writes a plan and changes nothing; apply fixes both services; rollback restores them', async () => {
    const plan = path.join(dir, 'plan.json');
    const planned = await ecsguard(
      ['fix', '--aws', ...connection(), '--region', REGION, '--scope', 'in-use', '--no-cache', '--plan', plan],
      env,
    );
    assert.equal(planned.code, 1, planned.stdout + planned.stderr);
    assert.equal(emulator.countCalls({ outcome: 'ok' }).RegisterTaskDefinition ?? 0, 0);
    const written = JSON.parse(readFileSync(plan, 'utf8'));
    assert.equal(written.revisions.length, 1);
    const [revision] = written.revisions;
    assert.equal(revision.oldArn, `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:1`);
    assert.deepEqual(revision.services.map((s: { cluster: string; service: string }) => `${s.cluster}/${s.service}`).sort(), [
      'prod/agent',
      'staging/agent',
    ]);
    // The register input is the described definition minus read-only fields, with the fixes and the tags.
    for (const readOnly of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy',
    ]) {
      assert.equal(readOnly in revision.registerInput, false, readOnly);
    }
    assert.deepEqual(revision.registerInput.tags, [{ key: 'team', value: 'observability' }]);
    assert.equal(revision.registerInput.containerDefinitions[0].privileged, false);

    const applied = await ecsguard(['apply', plan, '--yes', ...connection()], env);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const services = () =>
      ['prod', 'staging'].map((cluster) => emulator.account.region(REGION).clusters.get(cluster)?.services.get('agent')?.taskDefinition);
    assert.deepEqual(services(), [
      `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:2`,
      `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:2`,
    ]);

    // The new revision keeps the tags and every other field; only the fixed ones differ.
    const fixed = emulator.account.region(REGION).findTaskDefinition('agent:2');
    assert.deepEqual(fixed?.tags, [{ key: 'team', value: 'observability' }]);
    const [container] = fixed!.taskDefinition.containerDefinitions as Array<Record<string, unknown>>;
    assert.deepEqual(
      { privileged: container?.privileged, user: container?.user, image: container?.image, memory: container?.memory },
      { privileged: false, user: '1000:1000', image: 'example/collector:2', memory: 256 },
    );

    const journal = path.join(dir, 'plan.journal.json');
    const rolledBack = await ecsguard(['rollback', journal, '--yes', ...connection()], env);
    assert.equal(rolledBack.code, 0, rolledBack.stdout + rolledBack.stderr);
    assert.deepEqual(services(), [
      `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:1`,
      `arn:aws:ecs:${REGION}:123456789012:task-definition/agent:1`,
    ]);
    assert.equal(emulator.countCalls({ outcome: 'ok' }).DeregisterTaskDefinition ?? 0, 0, 'nothing is ever deregistered');
  });
});
