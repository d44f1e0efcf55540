import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selectChecks } from '../../../src/checks/catalogue.js';
import { createAwsLiveSource } from '../../../src/cli/aws-options.js';
import { scan } from '../../../src/engine/scan.js';
import { runApply } from '../../../src/cli/commands/apply-run.js';
import { runAccountFix } from '../../../src/cli/commands/fix-account.js';
import type { Journal } from '../../../src/remediate/account/journal-format.js';
import { runRollback } from '../../../src/cli/commands/rollback-run.js';
import type { EcsEmulator } from '../../support/ecs-emulator/index.js';
import { REGION, type Seeded, arn, connection, fixOptions, seedAccount, streams } from './account-fixture.js';

const noSleep = async () => undefined;
const readJournal = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Journal;

function serviceRevision(emulator: EcsEmulator, cluster: string, service: string): string | undefined {
  return emulator.account.region(REGION).cluster(cluster)?.services.get(service)?.taskDefinition;
}

function revisionState(emulator: EcsEmulator, familyRevision: string) {
  const found = emulator.account.region(REGION).findTaskDefinition(familyRevision);
  return { status: found?.taskDefinition.status, tags: found?.tags };
}

async function rescanInUse(emulator: EcsEmulator) {
  const { stderr } = streams();
  const live = await createAwsLiveSource(
    { aws: true, region: [REGION], endpointUrl: emulator.endpoint, scope: 'in-use', cache: false, quiet: true },
    { showProgress: false, stderr },
  );
  assert.ok(live);
  return scan({ paths: [], checks: selectChecks(undefined, ['no-host-network']), liveSources: [live], includePassed: true });
}

async function writePlan(seeded: Seeded, extra: Record<string, unknown> = {}): Promise<void> {
  const { context } = streams();
  assert.equal(await runAccountFix(fixOptions(seeded.emulator, seeded.planFile, extra), context), 1);
}

describe('apply and rollback against the emulator, batch by batch', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded, { batchSize: 2 });
    seeded.emulator.account.completeDeploymentsAfterDescribes = 2;
    seeded.emulator.resetCalls();
  });
  after(() => seeded.stop());

  it('batch 1 --wait: registers in-use revisions, moves every service, waits, re-scans; exit 0', async () => {
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { batch: 1, wait: true, pollInterval: 0 }), {
      ...context,
      sleep: noSleep,
    });
    assert.equal(code, 0, stdout.text());
    const calls = seeded.emulator.countCalls({ outcome: 'ok' });
    assert.equal(calls['RegisterTaskDefinition'], 2);
    assert.equal(calls['UpdateService'], 3);
    assert.equal(calls['DeregisterTaskDefinition'], undefined);
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'api'), arn('api:2'));
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:3'));
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:3'));
    // Stable: the rollout finished (one deployment) because --wait polled until it did.
    assert.equal(seeded.emulator.account.region(REGION).cluster('prod')?.services.get('web')?.deployments.length, 1);
    assert.match(stdout.text(), /re-scan of batch 1: no failing check on the new revisions; every updated service on its new revision/);
  });

  it('tags survive and old revisions stay registered', () => {
    assert.deepEqual(revisionState(seeded.emulator, 'web:3'), {
      status: 'ACTIVE',
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'cost-center', value: '42' },
      ],
    });
    assert.deepEqual(revisionState(seeded.emulator, 'api:2'), { status: 'ACTIVE', tags: [{ key: 'team', value: 'core' }] });
    assert.equal(revisionState(seeded.emulator, 'web:2').status, 'ACTIVE');
    assert.equal(revisionState(seeded.emulator, 'api:1').status, 'ACTIVE');
  });

  it('the new revision is the old one with only the fixed fields changed', () => {
    const region = seeded.emulator.account.region(REGION);
    const strip = (td: Record<string, unknown>) => {
      const { taskDefinitionArn: _a, revision: _r, registeredAt: _t, ...rest } = td;
      return rest;
    };
    const before = strip(region.findTaskDefinition('web:2')?.taskDefinition ?? {}) as {
      containerDefinitions: Array<Record<string, unknown>>;
    };
    before.containerDefinitions[0] = { ...before.containerDefinitions[0], privileged: false, user: '1000:1000' };
    assert.deepEqual(strip(region.findTaskDefinition('web:3')?.taskDefinition ?? {}), before);
  });

  it('a re-scan of the in-use revisions finds nothing failing', async () => {
    const result = await rescanInUse(seeded.emulator);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.filter((f) => f.status === 'FAIL').map((f) => f.resource.arn),
      [],
    );
    // In use now: exactly the fixed revisions (the old ones have no task or deployment left).
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.arn))].sort(), [arn('api:2'), arn('web:3')]);
  });

  it('the journal records old and new ARNs, timestamps and step status', () => {
    const journal = readJournal(path.join(seeded.dir, 'plan.batch-1.journal.json'));
    assert.equal(journal.kind, 'ecsguard-apply-journal');
    assert.equal(journal.status, 'completed');
    assert.deepEqual(journal.batches, [1]);
    assert.deepEqual(
      journal.revisions.map((r) => [r.family, r.oldArn, r.newArn, r.register.status]),
      [
        ['api', arn('api:1'), arn('api:2'), 'done'],
        ['web', arn('web:2'), arn('web:3'), 'done'],
      ],
    );
    assert.deepEqual(
      journal.services.map((s) => [s.cluster, s.service, s.previousArn, s.newArn, s.update.status, s.stable?.status]),
      [
        ['prod', 'api', arn('api:1'), arn('api:2'), 'done', 'done'],
        ['prod', 'web', arn('web:2'), arn('web:3'), 'done', 'done'],
        ['staging', 'web', arn('web:2'), arn('web:3'), 'done', 'done'],
      ],
    );
    for (const step of [...journal.revisions.map((r) => r.register), ...journal.services.map((s) => s.update)]) {
      assert.ok(step.startedAt && step.finishedAt && step.startedAt <= step.finishedAt);
    }
    assert.equal(journal.verifications.length, 1);
    assert.equal(journal.verifications[0]?.ok, true);
  });

  it('batch 2 registers the unused revisions; a second apply of batch 1 refuses to overwrite its journal', async () => {
    const { context } = streams();
    assert.equal(await runApply(seeded.planFile, connection(seeded.emulator, { batch: 2 }), context), 0);
    assert.equal(revisionState(seeded.emulator, 'batch:2').status, 'ACTIVE');
    assert.equal(revisionState(seeded.emulator, 'web:4').status, 'ACTIVE');
    const again = streams();
    assert.equal(await runApply(seeded.planFile, connection(seeded.emulator, { batch: 1 }), again.context), 2);
    assert.match(again.stderr.text(), /plan\.batch-1\.journal\.json already exists: continue with --resume/);
  });

  it('applying the whole plan after its batches were applied one by one refuses: nothing registered twice', async () => {
    const registered = seeded.emulator.countCalls({ operation: 'RegisterTaskDefinition', outcome: 'ok' });
    const whole = streams();
    assert.equal(await runApply(seeded.planFile, connection(seeded.emulator), whole.context), 2);
    assert.match(
      whole.stderr.text(),
      /plan\.batch-1\.journal\.json already exists: batch 1 was applied from this plan \(at least in part\); continue it with --resume/,
    );
    assert.deepEqual(seeded.emulator.countCalls({ operation: 'RegisterTaskDefinition', outcome: 'ok' }), registered);
  });

  it('rollback puts every service back on the revision it had and records it', async () => {
    const journalFile = path.join(seeded.dir, 'plan.batch-1.journal.json');
    const { stdout, context } = streams();
    const code = await runRollback(journalFile, connection(seeded.emulator), context);
    assert.equal(code, 0, stdout.text());
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'api'), arn('api:1'));
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:2'));
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:2'));
    assert.equal(revisionState(seeded.emulator, 'web:3').status, 'ACTIVE', 'rollback deregisters nothing');
    const journal = readJournal(journalFile);
    assert.equal(journal.status, 'rolled-back');
    assert.equal(journal.rollback?.status, 'done');
    assert.deepEqual(
      journal.services.map((s) => s.rollback?.status),
      ['done', 'done', 'done'],
    );
    // A second rollback has nothing left to do.
    assert.equal(await runRollback(journalFile, connection(seeded.emulator), streams().context), 0);
  });
});

describe('an apply that fails half-way', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded);
    seeded.emulator.resetCalls();
  });
  after(() => seeded.stop());

  it('a denied UpdateService fails that step only: the independent steps go on, exit 2 at the end', async () => {
    let updates = 0;
    const remove = seeded.emulator.faults.add({
      operation: 'UpdateService',
      match: () => ++updates === 2,
      error: { type: 'AccessDeniedException', status: 400 },
    });
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator), context);
    remove();
    assert.equal(code, 2);
    const text = stdout.text();
    // One batch: api:1, batch:1, web:1, then web:2 last (the family's newest: its fixed copy must be the latest).
    assert.match(
      text,
      new RegExp(
        /Changed in the account \(6\):\n {2}- registered api:2 \(fixed copy of us-east-1 api:1; api:1 is still/.source +
          / registered\)\n {2}- registered batch:2 \(fixed copy of us-east-1 batch:1; batch:1 is still registered\)\n {2}-/.source +
          / registered web:3 \(fixed copy of us-east-1 web:1; web:1 is still registered\)\n {2}- registered web:4 \(fixed copy of/.source +
          / us-east-1 web:2; web:2 is still registered\)\n {2}- us-east-1 prod\/api: api:1 → api:2\n {2}- us-east-1 staging\/web:/.source +
          / web:2 → web:4\n/.source,
      ),
    );
    assert.match(
      text,
      new RegExp(
        /Not changed \(1\):\n {2}- us-east-1 prod\/web: not updated, was on web:2 when last read \(us-east-1: access/.source +
          / denied: UpdateService needs the IAM permission ecs:UpdateService/.source,
      ),
    );
    assert.doesNotMatch(text, /still on/);
    assert.match(text, /To continue: ecsguard apply .*plan\.json --resume .*plan\.journal\.json/);
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:2'));
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:4'));
    const journal = readJournal(path.join(seeded.dir, 'plan.journal.json'));
    assert.equal(journal.status, 'failed');
    assert.deepEqual(
      journal.services.map((s) => [s.cluster, s.service, s.update.status]),
      [
        ['prod', 'api', 'done'],
        ['prod', 'web', 'failed'],
        ['staging', 'web', 'done'],
      ],
    );
  });

  it('--resume skips completed steps, registers nothing twice and finishes', async () => {
    const journalFile = path.join(seeded.dir, 'plan.journal.json');
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { resume: journalFile }), context);
    assert.equal(code, 0, stdout.text());
    assert.equal(seeded.emulator.countCalls({ outcome: 'ok' })['RegisterTaskDefinition'], 4);
    assert.deepEqual(
      [...(seeded.emulator.account.region(REGION).families.get('web') ?? [])].map((r) => r.taskDefinition.revision),
      [1, 2, 3, 4],
    );
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'api'), arn('api:2'));
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:4'));
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:4'));
    assert.equal(readJournal(journalFile).status, 'completed');
    // Once the rollouts finish, only the fixed revisions are in use.
    for (const [cluster, service] of [
      ['prod', 'api'],
      ['prod', 'web'],
      ['staging', 'web'],
    ] as const) {
      seeded.emulator.account.completeDeployment(REGION, cluster, service);
    }
    const rescan = await rescanInUse(seeded.emulator);
    assert.deepEqual(
      rescan.findings.filter((f) => f.status === 'FAIL'),
      [],
    );
  });
});

describe('--stop-on-error', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded);
  });
  after(() => seeded.stop());

  it('stops at the first failed step; the rest is "not reached"', async () => {
    let updates = 0;
    const remove = seeded.emulator.faults.add({
      operation: 'UpdateService',
      match: () => ++updates === 1,
      error: { type: 'AccessDeniedException', status: 400 },
    });
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { stopOnError: true }), context);
    remove();
    assert.equal(code, 2);
    assert.match(
      stdout.text(),
      new RegExp(
        /Not changed \(6\):\n {2}- us-east-1 batch:1: no new revision registered\n {2}- us-east-1 web:1: no new/.source +
          / revision registered\n {2}- us-east-1 web:2: no new revision registered\n {2}- us-east-1 prod\/api: not updated, was/.source +
          / on api:1 when last read \(us-east-1: access denied/.source,
      ),
    );
    assert.match(stdout.text(), /us-east-1 staging\/web: not reached \(on web:2 when planned\)/);
    assert.deepEqual(seeded.emulator.countCalls({ outcome: 'ok' })['RegisterTaskDefinition'], 1);
  });
});

describe('interruptions and refusals', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded);
    seeded.emulator.resetCalls();
  });
  after(() => seeded.stop());

  it('refuses without --yes when standard input is not a terminal, and changes nothing', async () => {
    const { stderr, context } = streams();
    const stdin = Object.assign(process.stdin, {});
    const code = await runApply(
      seeded.planFile,
      connection(seeded.emulator, { yes: undefined, journal: path.join(seeded.dir, 'refused.json') }),
      {
        ...context,
        stdin: { ...stdin, isTTY: false } as unknown as NodeJS.ReadStream,
      },
    );
    assert.equal(code, 2);
    assert.match(stderr.text(), /standard input is not a terminal: pass --yes/);
    assert.deepEqual(seeded.emulator.countCalls(), {});
  });

  it('throttling that outlasts the retries fails the step; rollback restores what was moved', async () => {
    const remove = seeded.emulator.faults.add({
      operation: 'UpdateService',
      match: (input) => input['cluster'] === 'staging',
      error: { type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    const journalFile = path.join(seeded.dir, 'throttled.journal.json');
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { journal: journalFile }), context);
    remove();
    assert.equal(code, 2);
    assert.match(
      stdout.text(),
      /staging\/web: not updated, was on web:2 when last read \(us-east-1: UpdateService was still throttled after 2 attempts/,
    );
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:4'));

    const rolled = streams();
    assert.equal(await runRollback(journalFile, connection(seeded.emulator), rolled.context), 0, rolled.stdout.text());
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'api'), arn('api:1'));
    assert.equal(serviceRevision(seeded.emulator, 'prod', 'web'), arn('web:2'));
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:2'));
    const journal = readJournal(journalFile);
    assert.equal(journal.status, 'rolled-back');
    assert.deepEqual(
      journal.services.map((s) => [s.service, s.update.status, s.rollback?.status]),
      [
        ['api', 'done', 'done'],
        ['web', 'done', 'done'],
        // The refused update may have taken effect for all apply knows: rollback checked, and found it on web:2.
        ['web', 'failed', 'done'],
      ],
    );
    assert.match(rolled.stdout.text(), /us-east-1 staging\/web already uses web:2/);
  });

  it('a registration interrupted mid-call is found on resume, not made twice', async () => {
    const journalFile = path.join(seeded.dir, 'interrupted.journal.json');
    // Stop right after the first registration: its UpdateService fails, and --stop-on-error stops there.
    const remove = seeded.emulator.faults.add({ operation: 'UpdateService', error: { type: 'ServerException', status: 500 } });
    assert.equal(
      await runApply(seeded.planFile, connection(seeded.emulator, { journal: journalFile, stopOnError: true }), streams().context),
      2,
    );
    remove();
    // Pretend the process died during the RegisterTaskDefinition call: started, no answer recorded.
    const journal = readJournal(journalFile);
    const api = journal.revisions[0];
    assert.ok(api?.newArn);
    const registered = api.newArn;
    delete api.newArn;
    api.register = { status: 'in-progress', startedAt: api.register.startedAt ?? '' };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(journalFile, JSON.stringify(journal));
    const registersBefore = seeded.emulator.countCalls({ outcome: 'ok' })['RegisterTaskDefinition'] ?? 0;

    const { stdout, context } = streams();
    assert.equal(await runApply(seeded.planFile, connection(seeded.emulator, { resume: journalFile }), context), 0, stdout.text());
    assert.match(stdout.text(), new RegExp(`found ${registered.split('/')[1]} already registered for us-east-1 api:1`));
    assert.equal(readJournal(journalFile).revisions[0]?.newArn, registered);
    // Only the three revisions not yet registered were registered on resume.
    assert.equal((seeded.emulator.countCalls({ outcome: 'ok' })['RegisterTaskDefinition'] ?? 0) - registersBefore, 3);
  });

  it('rollback leaves alone a service someone moved since, and says so', async () => {
    const journalFile = path.join(seeded.dir, 'interrupted.journal.json');
    seeded.emulator.account.updateService(REGION, { cluster: 'staging', service: 'web', taskDefinition: 'web:1' });
    const { stdout, context } = streams();
    assert.equal(await runRollback(journalFile, connection(seeded.emulator), context), 2);
    assert.match(stdout.text(), /us-east-1 staging\/web now uses web:1, which apply did not set; not rolled back/);
    assert.match(
      stdout.text(),
      new RegExp(
        /Not restored \(1\):\n {2}- us-east-1 staging\/web: now uses web:1, which apply did not set; not rolled back/.source +
          / \(should be on web:2\)\n/.source,
      ),
    );
    assert.equal(serviceRevision(seeded.emulator, 'staging', 'web'), arn('web:1'));
    assert.equal(readJournal(journalFile).status, 'rollback-failed');
  });
});

describe('rollback --wait when the rollout back fails', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded);
  });
  after(() => seeded.stop());

  it('a FAILED rollout is a service not restored: listed, journal rollback-failed, exit 2', async () => {
    const journalFile = path.join(seeded.dir, 'plan.journal.json');
    assert.equal(await runApply(seeded.planFile, connection(seeded.emulator, { journal: journalFile }), streams().context), 0);
    const { account } = seeded.emulator;
    for (const [cluster, service] of [
      ['prod', 'api'],
      ['prod', 'web'],
      ['staging', 'web'],
    ] as const)
      account.completeDeployment(REGION, cluster, service);
    account.completeDeploymentsAfterDescribes = 1;
    // The circuit breaker fails prod/web's rollout back to web:2 (only that service's).
    account.failRollouts({ cluster: 'prod', service: 'web', taskDefinition: arn('web:2') });
    const { stdout, context } = streams();
    const waiting = connection(seeded.emulator, { wait: true, pollInterval: 0 });
    const code = await runRollback(journalFile, waiting, { ...context, sleep: noSleep });
    assert.equal(code, 2, stdout.text());
    assert.match(stdout.text(), /Not restored \(1\):\n {2}- us-east-1 prod\/web: rollout FAILED: ECS deployment circuit breaker/);
    const journal = readJournal(journalFile);
    assert.equal(journal.status, 'rollback-failed');
    assert.deepEqual(
      journal.services.map((s) => [`${s.cluster}/${s.service}`, s.rollback?.status]),
      [
        ['prod/api', 'done'],
        ['prod/web', 'failed'],
        ['staging/web', 'done'],
      ],
    );
  });
});

describe('apply: a re-scan that cannot read what it must verify', () => {
  let seeded: Seeded;
  before(async () => {
    seeded = await seedAccount();
    await writePlan(seeded);
  });
  after(() => seeded.stop());

  it('a new revision it cannot describe, a service it cannot describe: "not verified", exit 2, never an internal error', async () => {
    const journalFile = path.join(seeded.dir, 'plan.journal.json');
    seeded.emulator.faults.add({
      operation: 'DescribeTaskDefinition',
      match: (input) => input['taskDefinition'] === arn('api:2'),
      error: { type: 'AccessDeniedException' },
    });
    let describes = 0;
    // Apply reads each service before updating it (3 calls); the re-scan's reads are denied.
    seeded.emulator.faults.add({ operation: 'DescribeServices', match: () => ++describes > 3, error: { type: 'AccessDeniedException' } });
    const { stdout, stderr, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { journal: journalFile }), context);
    assert.equal(code, 2, stdout.text() + stderr.text());
    assert.doesNotMatch(stderr.text(), /internal error/);
    assert.match(stdout.text(), /re-scan of batch 1: problems remain/);
    assert.match(stdout.text(), /^ {4}api:2: not verified: .*access denied/m);
    assert.match(stdout.text(), /^ {4}us-east-1 prod\/web: not verified: .*access denied/m);
    assert.equal(readJournal(journalFile).status, 'verification-failed');
  });
});
