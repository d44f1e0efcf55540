import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { EMULATOR_CREDENTIALS, type OrganizationEmulator } from '../../support/ecs-emulator/index.js';
import { runCli } from '../../support/cli.js';
import { DEV, MANAGEMENT, PROD, SANDBOX, startSeededOrganization } from './helpers.js';

/** Runs the CLI in this process; the emulator answers on loopback meanwhile. */
function ecsguard(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env });
}

interface JsonReport {
  scope: { paths: string[]; live: Array<{ accounts: string[] | null; regions: string[] | null }> };
  findings: Array<{ status: string; checkId: string; resource: { accountId: string; region: string; family: string } }>;
  errors: Array<{ message: string; operation: string | null; region: string | null }>;
}

describe('ecsguard scan --aws --org / --source config-aggregator (CLI)', () => {
  let emulator: OrganizationEmulator;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    ({ emulator } = await startSeededOrganization());
    dir = await mkdtemp(join(tmpdir(), 'ecsguard-org-cli-'));
    env = {
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      XDG_CACHE_HOME: dir,
    };
  });
  after(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('scans the organization: findings grouped by account, per-account errors, exit 2', async () => {
    const roleArn = `arn:aws:iam::${SANDBOX}:role/ecsguard-scan`;
    const remove = emulator.faults.add({
      service: 'sts',
      operation: 'AssumeRole',
      match: (input) => input['RoleArn'] === roleArn,
      error: { type: 'AccessDenied', status: 403 },
    });
    const { code, stdout, stderr } = await ecsguard(
      [
        'scan',
        '--aws',
        '--org',
        '--org-role',
        'ecsguard-scan',
        '--endpoint-url',
        emulator.endpoint,
        '--region',
        'us-east-1,eu-west-1',
        '--format',
        'json',
        '--state',
        join(dir, 'org.state'),
      ],
      env,
    );
    remove();
    assert.equal(code, 2, stderr);
    const report = JSON.parse(stdout) as JsonReport;
    const failing = report.findings
      .filter((f) => f.status === 'FAIL')
      .map((f) => `${f.resource.accountId} ${f.resource.family} ${f.checkId}`);
    // Grouped: every finding of one account before the next account's.
    assert.deepEqual(
      report.findings.map((f) => f.resource.accountId),
      [...report.findings.map((f) => f.resource.accountId)].sort(),
    );
    assert.deepEqual([...failing].sort(), [
      `${MANAGEMENT} ops-agent host-network-no-privilege`,
      `${MANAGEMENT} ops-agent no-host-network`,
      `${MANAGEMENT} ops-agent no-privileged-containers`,
      `${PROD} api no-root-user`,
    ]);
    assert.deepEqual(
      report.errors.map((e) => [e.operation, e.message.split(':')[0]]),
      [
        ['ListRegions', `account ${DEV} (Dev)`],
        ['AssumeRole', `account ${SANDBOX} (Sandbox)`],
      ],
    );
    assert.equal(
      report.errors[0]!.message,
      `account ${DEV} (Dev): region eu-west-1 is not enabled for this account (an opt-in region); it was not scanned`,
    );
    assert.match(report.errors[1]!.message, new RegExp(`cannot assume arn:aws:iam::${SANDBOX}:role/ecsguard-scan: access denied`));
    assert.match(stderr, /organization: 4 account\(s\) in scope, 5 account-region\(s\) scanned, 1 account\(s\) could not be scanned/);
    // The ACTIVE accounts and the regions named: `ecsguard diff` calls nothing outside them fixed.
    assert.deepEqual(
      [report.scope.live.length, [...(report.scope.live[0]?.accounts ?? [])].sort()],
      [1, [MANAGEMENT, PROD, DEV, SANDBOX].sort()],
    );
    assert.deepEqual(report.scope.live[0]?.regions, ['us-east-1', 'eu-west-1']);
    assert.match(stderr, /skipped 1 account\(s\) that are not ACTIVE: 555555555555 \(SUSPENDED\)/);

    // The rerun after the role is fixed enters only the Sandbox (and retries Dev's disabled region).
    emulator.resetCalls();
    const rerun = await ecsguard(
      [
        'scan',
        '--aws',
        '--org',
        '--endpoint-url',
        emulator.endpoint,
        '--region',
        'us-east-1,eu-west-1',
        '--format',
        'json',
        '--state',
        join(dir, 'org.state'),
      ],
      env,
    );
    assert.equal(rerun.code, 2); // Dev's eu-west-1 is still not enabled
    assert.deepEqual([...new Set(emulator.calls.filter((c) => c.service === 'ecs').map((c) => c.accountId))], [SANDBOX]);
    const again = JSON.parse(rerun.stdout) as JsonReport;
    assert.equal(again.findings.filter((f) => f.status === 'FAIL').length, 5);
    assert.match(rerun.stderr, /5 resumed from /);
    assert.match(await readFile(join(dir, 'org.state'), 'utf8'), /^\{"kind":"ecsguard-organization-scan-state"/);
  });

  it('the organization source the CLI builds is read in parts (each checked and dropped), then says what it scanned', async () => {
    const { createOrganizationSource } = await import('../../../src/cli/org-options.js');
    let said = '';
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, done) {
        said += chunk.toString();
        done();
      },
    });
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const source = await createOrganizationSource(
        { aws: true, org: true, endpointUrl: emulator.endpoint, region: ['us-east-1', 'eu-west-1'], cache: false, scope: 'active' },
        { stderr },
      );
      const parts: number[] = [];
      await source!.loadInParts!(undefined, (part) => {
        parts.push(part.definitions.length);
      });
      assert.ok(parts.length > 2, `parts: ${parts.join(', ')}`);
      assert.equal(parts.at(-1), 0); // the last part: errors, in the organization's order
      assert.match(said, /organization: 4 account\(s\) in scope, 7 account-region\(s\) scanned/);
    } finally {
      process.env = saved;
    }
  });

  it('reads the organization from the AWS Config aggregator', async () => {
    const { code, stdout, stderr } = await ecsguard(
      [
        'scan',
        '--endpoint-url',
        emulator.endpoint,
        '--region',
        'us-east-1',
        '--format',
        'json',
        '--source',
        'config-aggregator',
        'org-aggregator',
      ],
      env,
    );
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as JsonReport;
    assert.deepEqual(report.errors, []);
    assert.deepEqual([...new Set(report.findings.map((f) => f.resource.accountId))], [MANAGEMENT, PROD, SANDBOX]);
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['--org without --aws', ['scan', '--org'], /--org scans live accounts: add --aws/],
    [
      '--ou without --org',
      ['scan', '--aws', '--ou', 'ou-ab12-cdef3456', '--region', 'us-east-1'],
      /--ou only applies to organization scans: add --aws --org/,
    ],
    [
      'a role ARN for --org-role',
      ['scan', '--aws', '--org', '--org-role', 'arn:aws:iam::1:role/x', '--region', 'us-east-1'],
      /--org-role: "arn:aws:iam::1:role\/x" is not a role name/,
    ],
    [
      '--role-arn with --org',
      ['scan', '--aws', '--org', '--role-arn', 'arn:aws:iam::123456789012:role/x', '--region', 'us-east-1'],
      /--role-arn does not apply/,
    ],
    ['a bad OU id', ['scan', '--aws', '--org', '--ou', 'Workloads', '--region', 'us-east-1'], /--ou: "Workloads" is not an OU or root id/],
    [
      'an unknown source',
      ['scan', '--source', 'config', 'x', '--region', 'us-east-1'],
      /--source: "config" is not a source \(one of: config-aggregator\)/,
    ],
    ['an aggregator without a name', ['scan', '--source', 'config-aggregator', '--region', 'us-east-1'], /needs the aggregator name/],
    [
      '--scope in-use from Config',
      ['scan', '--source', 'config-aggregator', 'org', '--scope', 'in-use', '--region', 'us-east-1'],
      /--scope in-use is not available from AWS Config/,
    ],
    [
      'two regions for the aggregator',
      ['scan', '--source', 'config-aggregator', 'org', '--region', 'us-east-1,eu-west-1'],
      /name the aggregator's region with one --region/,
    ],
  ];
  for (const [name, args, message] of usage) {
    it(`usage error: ${name}`, async () => {
      const { code, stderr } = await ecsguard(args, env);
      assert.equal(code, 2);
      assert.match(stderr, message);
    });
  }
});
