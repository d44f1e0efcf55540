import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { runAccountFix } from '../../../src/cli/commands/fix-account.js';
import type { RemediationPlan } from '../../../src/remediate/account/plan-format.js';
import { READ_ONLY_FIELDS } from '../../../src/remediate/account/register-input.js';
import { type Seeded, arn, fixOptions, seedAccount, streams, webDefinition } from './account-fixture.js';

describe('fix --aws --plan', () => {
  let seeded: Seeded;
  let plan: RemediationPlan;
  let code: number;
  let output: string;
  let callsBefore: Record<string, number>;

  before(async () => {
    seeded = await seedAccount();
    const { stdout, context } = streams();
    code = await runAccountFix(fixOptions(seeded.emulator, seeded.planFile, { batchSize: 2 }), context);
    output = stdout.text();
    plan = JSON.parse(readFileSync(seeded.planFile, 'utf8')) as RemediationPlan;
    callsBefore = seeded.emulator.countCalls();
  });
  after(() => seeded.stop());

  it('exits 1 (work pending) and changes nothing in the account', () => {
    assert.equal(code, 1, output);
    assert.equal(callsBefore['RegisterTaskDefinition'], undefined);
    assert.equal(callsBefore['UpdateService'], undefined);
    assert.equal(seeded.emulator.account.region('us-east-1').families.get('web')?.length, 2);
  });

  it('is a versioned document', () => {
    assert.equal(plan.kind, 'ecsguard-remediation-plan');
    assert.equal(plan.version, 1);
    assert.deepEqual(plan.checks, ['no-privileged-containers', 'no-root-user', 'host-network-nonroot-user', 'host-network-no-privilege']);
    assert.deepEqual(plan.fixOptions, { user: '1000:1000', networkMode: 'keep', dropCapabilities: false, readonlyRoot: false });
  });

  it("puts revisions in use first, splits them into batches, and keeps each family's newest content latest", () => {
    assert.deepEqual(
      plan.revisions.map((r) => [r.batch, r.oldArn, r.inUse, r.purpose]),
      [
        [1, arn('api:1'), true, 'fix'],
        [1, arn('web:2'), true, 'fix'],
        [2, arn('batch:1'), false, 'fix'],
        [2, arn('web:1'), false, 'fix'],
        // Batch 2 registers a fixed web:1 after batch 1's fixed web:2: a fixed copy of web:2 goes last again.
        [2, arn('web:2'), true, 'keep-latest'],
      ],
    );
    assert.deepEqual(plan.batches, [
      { batch: 1, revisions: [arn('api:1'), arn('web:2')] },
      { batch: 2, revisions: [arn('batch:1'), arn('web:1'), arn('web:2')] },
    ]);
    assert.deepEqual(plan.summary, { revisions: 4, inUse: 2, services: 3, batches: 2, skipped: 0, keepLatest: 1 });
    const keep = plan.revisions[4];
    assert.deepEqual(keep?.services, []);
    assert.equal(
      keep?.why,
      "keep-latest: registered last in batch 2, after the fixed copy of web:1, so the family's latest revision is web:2's content with " +
        'the fixes; no service is moved to it',
    );
  });

  it('lists the services that use each revision, across clusters', () => {
    const web = plan.revisions.find((r) => r.oldArn === arn('web:2'));
    const other = { priority: 'other', reasons: ['not internet-exposed, no production tag'] };
    assert.deepEqual(web?.services, [
      { cluster: 'prod', service: 'web', ...other },
      { cluster: 'staging', service: 'web', ...other },
    ]);
    assert.equal(web?.runningTasks, 3);
    assert.equal(web?.runningTasks, 3);
    assert.deepEqual(plan.revisions.find((r) => r.oldArn === arn('web:1'))?.services, []);
  });

  it('register input: the described definition with only the fixes applied, tags kept, read-only fields gone', () => {
    const web = plan.revisions.find((r) => r.oldArn === arn('web:2'));
    const expected = webDefinition() as { containerDefinitions: Array<Record<string, unknown>> };
    expected.containerDefinitions[0] = { ...expected.containerDefinitions[0], privileged: false, user: '1000:1000' };
    assert.deepEqual(web?.registerInput, {
      ...expected,
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'cost-center', value: '42' },
      ],
    });
    for (const field of READ_ONLY_FIELDS) assert.equal(field in (web?.registerInput ?? {}), false, field);
    assert.deepEqual(web?.changes, [
      {
        container: 'app',
        field: 'containerDefinitions[0].privileged',
        from: true,
        to: false,
        checkIds: ['no-privileged-containers', 'host-network-no-privilege'],
      },
      {
        container: 'app',
        field: 'containerDefinitions[0].user',
        from: 'root',
        to: '1000:1000',
        checkIds: ['no-root-user', 'host-network-nonroot-user', 'host-network-no-privilege'],
      },
    ]);
  });

  it('a revision without tags gets no tags field', () => {
    const batch = plan.revisions.find((r) => r.oldArn === arn('batch:1'));
    assert.equal('tags' in (batch?.registerInput ?? {}), false);
    // The emulator's describe adds defaults (volumes, placementConstraints, networkMode); they are kept as described.
    assert.deepEqual(batch?.registerInput, {
      family: 'batch',
      containerDefinitions: [{ name: 'job', image: 'job:1', privileged: false, user: '1000' }],
      networkMode: 'bridge',
      volumes: [],
      placementConstraints: [],
    });
  });

  it('carries the warnings of the fixes', () => {
    const api = plan.revisions.find((r) => r.oldArn === arn('api:1'));
    assert.ok(
      api?.warnings.some((w) => w.includes('cannot bind ports below 1024: containerPort 80')),
      api?.warnings.join('\n'),
    );
  });

  it('gives the equivalent aws CLI commands', () => {
    const web = plan.revisions.find((r) => r.oldArn === arn('web:2'));
    assert.deepEqual(web?.commands, [
      `jq --arg arn ${arn('web:2')} '.revisions[] | select(.oldArn == $arn) | .registerInput' ${seeded.planFile} > web-2.register.json`,
      'NEW_WEB_2=$(aws ecs register-task-definition --region us-east-1 --cli-input-json file://web-2.register.json --query ' +
        'taskDefinition.taskDefinitionArn --output text)',
      'aws ecs update-service --region us-east-1 --cluster prod --service web --task-definition "$NEW_WEB_2"',
      'aws ecs update-service --region us-east-1 --cluster staging --service web --task-definition "$NEW_WEB_2"',
    ]);
    assert.deepEqual(web?.rollbackCommands, [
      `aws ecs update-service --region us-east-1 --cluster prod --service web --task-definition ${arn('web:2')}`,
      `aws ecs update-service --region us-east-1 --cluster staging --service web --task-definition ${arn('web:2')}`,
    ]);
  });

  it('prints a summary that says nothing was changed', () => {
    assert.match(output, /batch 1 {2}us-east-1 web:2 {2}\(in use: prod\/web, staging\/web\)/);
    assert.match(output, /containerDefinitions\[0\]\.user: "root" → "1000:1000"/);
    assert.match(
      output,
      /4 revision\(s\) to re-register \(2 in use\) and 1 keep-latest copy, 3 service update\(s\), 2 batch\(es\)\. Nothing was changed\./,
    );
  });

  it('--network-mode awsvpc switches host mode instead of keeping it', async () => {
    const { context } = streams();
    const file = `${seeded.planFile}.awsvpc.json`;
    const exit = await runAccountFix(fixOptions(seeded.emulator, file, { networkMode: 'awsvpc', skipChecks: [] }), context);
    assert.equal(exit, 1);
    const awsvpc = JSON.parse(readFileSync(file, 'utf8')) as RemediationPlan;
    const web = awsvpc.revisions.find((r) => r.oldArn === arn('web:2'));
    assert.equal(web?.registerInput['networkMode'], 'awsvpc');
    assert.ok(web?.warnings.some((w) => w.includes('networkConfiguration')));
  });

  it('needs --plan', async () => {
    const { stderr, context } = streams();
    const exit = await runAccountFix({ ...fixOptions(seeded.emulator, ''), plan: undefined }, context);
    assert.equal(exit, 2);
    assert.match(stderr.text(), /add --plan FILE/);
  });
});

describe('fix --aws --plan: what the plan could not read', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
  });
  after(() => seeded.stop());

  it('a failing revision that cannot be described again at plan time makes the plan incomplete: exit 2', async () => {
    let describes = 0;
    // The scan describes api:1 once; the plan's fresh describe (with its tags) is denied.
    const remove = seeded.emulator.faults.add({
      operation: 'DescribeTaskDefinition',
      match: (input) => input['taskDefinition'] === arn('api:1') && ++describes >= 2,
      error: { type: 'AccessDeniedException' },
    });
    const { stdout, context } = streams();
    const code = await runAccountFix(fixOptions(seeded.emulator, seeded.planFile, { maxAttempts: 1 }), context);
    remove();
    assert.equal(code, 2, stdout.text());
    const plan = JSON.parse(readFileSync(seeded.planFile, 'utf8')) as RemediationPlan;
    assert.deepEqual(
      plan.skipped.map((s) => s.arn),
      [arn('api:1')],
    );
    assert.equal(plan.scanErrors.length, 1);
    assert.match(plan.scanErrors[0] ?? '', new RegExp(`^us-east-1 DescribeTaskDefinition ${arn('api:1')}: .*access denied`));
  });

  it('a family with no ACTIVE revision (its service runs a deregistered one) is a warning, not an unread account', async () => {
    seeded.emulator.account.deregisterTaskDefinition('us-east-1', 'api:1');
    const { stdout, context } = streams();
    const code = await runAccountFix(fixOptions(seeded.emulator, seeded.planFile, { scope: 'in-use' }), context);
    assert.equal(code, 1, stdout.text());
    const plan = JSON.parse(readFileSync(seeded.planFile, 'utf8')) as RemediationPlan;
    assert.deepEqual(plan.scanErrors, []);
    assert.ok(
      plan.warnings?.includes('newest revision of api: none is ACTIVE, so keep-latest does not apply'),
      JSON.stringify(plan.warnings),
    );
    assert.ok(plan.revisions.some((r) => r.oldArn === arn('api:1')));
  });
});
