import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selectChecks } from '../../../src/checks/catalogue.js';
import { OUTCOME, applyPlan, planAccountFix, readPlan, rollback } from '../../../src/remediate/account/index.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator } from '../../support/ecs-emulator/index.js';
import { REGION, type Seeded, arn, seedAccount } from './account-fixture.js';

function desired(emulator: EcsEmulator, cluster: string, service: string): string | undefined {
  return emulator.account.region(REGION).cluster(cluster)?.services.get(service)?.taskDefinition;
}

/** The typed library the CLI wraps: settings objects in, plans and outcomes out; no flags, no process state. */
describe('account remediation library (planAccountFix, applyPlan, rollback)', () => {
  let seeded: Seeded;
  const connection = () => ({ endpointUrl: seeded.emulator.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 });
  before(async () => {
    seeded = await seedAccount();
  });
  after(() => seeded.stop());

  it('plans, applies only once confirmed, and rolls back', async () => {
    const { plan, incomplete } = await planAccountFix({
      scan: { ...connection(), scope: 'in-use', regions: [REGION] },
      checks: selectChecks(undefined, ['no-host-network']),
      planFile: seeded.planFile,
    });
    assert.equal(incomplete, false);
    assert.deepEqual(plan.revisions.map((r) => r.oldArn).sort(), [arn('api:1'), arn('web:2')]);
    await writeFile(seeded.planFile, `${JSON.stringify(plan, null, 2)}\n`);
    const document = await readPlan(seeded.planFile);

    const lines: string[] = [];
    const questions: string[] = [];
    const declined = await applyPlan(document, {
      connection: connection(),
      log: (line) => lines.push(line),
      confirm: async (question) => (questions.push(question), false),
      journal: path.join(seeded.dir, 'declined.journal.json'),
    });
    assert.equal(declined.outcome, OUTCOME.incomplete);
    assert.deepEqual(questions, ['Change the account?']);
    assert.equal(desired(seeded.emulator, 'prod', 'web'), arn('web:2'), 'nothing changed when not confirmed');

    const applied = await applyPlan(document, { connection: connection(), log: (line) => lines.push(line) });
    assert.equal(applied.outcome, OUTCOME.done, lines.join('\n'));
    assert.equal(applied.journalPath, path.join(seeded.dir, 'plan.journal.json'));
    assert.equal(desired(seeded.emulator, 'prod', 'web'), arn('web:3'));
    assert.equal(desired(seeded.emulator, 'prod', 'api'), arn('api:2'));

    const restored = await rollback(applied.journalPath, { connection: connection(), log: (line) => lines.push(line) });
    assert.equal(restored.outcome, OUTCOME.done, lines.join('\n'));
    assert.equal(desired(seeded.emulator, 'prod', 'web'), arn('web:2'));
    assert.equal(desired(seeded.emulator, 'staging', 'web'), arn('web:2'));
    assert.equal(desired(seeded.emulator, 'prod', 'api'), arn('api:1'));
  });
});
