import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { runApply } from '../../../src/cli/commands/apply-run.js';
import { runAccountFix } from '../../../src/cli/commands/fix-account.js';
import { type Seeded, connection, fixOptions, seedAccount, streams } from './account-fixture.js';

const noSleep = async () => undefined;
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

/** The lines from the batch's diff header to the blank line before the account report. */
function batchDiffLines(text: string, planFile: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ecsguard diff ${planFile} (batch 1) → the re-scan of batch 1`);
  assert.ok(start >= 0, text);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('Changed in the account'));
  return lines.slice(start, end - 1);
}

// Batch 1 (batch size 2) fixes the two revisions in use: api:1 (no user: root) and web:2
// (app privileged and root, in host network mode; the sidecar runs as 1000:1000). The plan skips no-host-network.
describe("apply prints the diff of each batch: the plan's findings against the re-scan", () => {
  let seeded: Seeded;
  beforeEach(async () => {
    await seeded?.stop();
    seeded = await seedAccount();
    const { context } = streams();
    assert.equal(await runAccountFix(fixOptions(seeded.emulator, seeded.planFile, { batchSize: 2 }), context), 1);
  });
  after(() => seeded.stop());

  it('a batch that fixes two failing revisions: every finding fixed, per check, then each one', async () => {
    const { stdout, context } = streams();
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { batch: 1 }), { ...context, sleep: noSleep });
    assert.equal(code, 0, stdout.text());
    assert.deepEqual(batchDiffLines(stdout.text(), seeded.planFile), [
      `  ecsguard diff ${seeded.planFile} (batch 1) → the re-scan of batch 1`,
      '    new 0, fixed 5, unchanged 0',
      '',
      '    check                      new  fixed  unchanged  not verified',
      '    host-network-no-privilege    0      1          0             0',
      '    host-network-nonroot-user    0      1          0             0',
      '    no-privileged-containers     0      1          0             0',
      '    no-root-user                 0      2          0             0',
      '',
      '  Fixed (5)',
      `    FAIL    no-root-user  ${ARN}/api:1 (us-east-1) › api: container "api": user is not set, so the container runs as the image's ` +
        `default user, which is root unless the image sets USER`,
      `    FAIL    no-privileged-containers  ${ARN}/web:2 (us-east-1) › app: container "app": privileged is true`,
      `    FAIL    no-root-user  ${ARN}/web:2 (us-east-1) › app: container "app": user "root" is the root user`,
      `    FAIL    host-network-nonroot-user  ${ARN}/web:2 (us-east-1) › app: container "app": in host network mode, user "root" is the ` +
        `root user`,
      `    FAIL    host-network-no-privilege  ${ARN}/web:2 (us-east-1) › app: container "app": in host network mode, privileged is true ` +
        `and user "root" is the root user`,
    ]);
  });

  it('a re-scan that cannot read the new revisions calls nothing fixed: "not verified", exit 2', async () => {
    const { stdout, context } = streams();
    const remove = seeded.emulator.faults.denyAccess({ operation: 'DescribeTaskDefinition' });
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { batch: 1 }), { ...context, sleep: noSleep });
    remove();
    assert.equal(code, 2, stdout.text());
    const lines = batchDiffLines(stdout.text(), seeded.planFile);
    assert.deepEqual(lines.slice(0, 8), [
      `  ecsguard diff ${seeded.planFile} (batch 1) → the re-scan of batch 1`,
      '    new 0, fixed 0, unchanged 0, not verified 5 (could not be read in the re-scan of batch 1)',
      '',
      '    check                      new  fixed  unchanged  not verified',
      '    host-network-no-privilege    0      0          0             1',
      '    host-network-nonroot-user    0      0          0             1',
      '    no-privileged-containers     0      0          0             1',
      '    no-root-user                 0      0          0             2',
    ]);
    assert.equal(lines.includes('  Fixed (5)'), false);
    assert.equal(lines[9], '  Not verified (5)');
  });

  it('a fixed revision that was not registered is "not verified", not fixed', async () => {
    const { stdout, context } = streams();
    // api:1 is registered first; its fixed copy is refused, web:2's goes through.
    let registers = 0;
    const remove = seeded.emulator.faults.add({
      operation: 'RegisterTaskDefinition',
      match: () => ++registers === 1,
      error: { type: 'AccessDeniedException', status: 400 },
    });
    const code = await runApply(seeded.planFile, connection(seeded.emulator, { batch: 1 }), { ...context, sleep: noSleep });
    remove();
    assert.equal(code, 2, stdout.text());
    const lines = batchDiffLines(stdout.text(), seeded.planFile);
    assert.equal(lines[1], '    new 0, fixed 4, unchanged 0, not verified 1 (could not be read in the re-scan of batch 1)');
    assert.equal(lines[7], '    no-root-user                 0      1          0             1');
    const notVerified = lines.indexOf('  Not verified (1)');
    assert.ok(notVerified > 0, lines.join('\n'));
    assert.equal(
      lines[notVerified + 1],
      `    FAIL    no-root-user  ${ARN}/api:1 (us-east-1) › api: container "api": user is not set, so the container runs as the image's ` +
        `default user, which is root unless the image sets USER`,
    );
  });
});
