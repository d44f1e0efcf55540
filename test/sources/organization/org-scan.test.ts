import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { loadSdk } from '../../../src/sources/aws/clients.js';
import { OrganizationSource } from '../../../src/sources/organization/org-source.js';
import { EMULATOR_CREDENTIALS, type OrganizationEmulator } from '../../support/ecs-emulator/index.js';
import { DEV, MANAGEMENT, PROD, REGIONS, SANDBOX, organizationSource, startSeededOrganization } from './helpers.js';

const failing = (result: Awaited<ReturnType<typeof scan>>) =>
  result.findings
    .filter((f) => f.status === 'FAIL')
    .map((f) => `${f.resource.accountId} ${f.resource.region} ${f.resource.family}:${f.resource.revision} ${f.checkId}`);

describe('scan --aws --org: every account of the organization', () => {
  let emulator: OrganizationEmulator;
  let workloads: string;
  let nonProd: string;
  before(async () => {
    ({ emulator, workloads, nonProd } = await startSeededOrganization());
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.resetCalls();
  });
  afterEach(() => {
    emulator.faults.clear();
    emulator.organization.requiredExternalId = undefined;
  });

  it('scans every ACTIVE account and region, grouped by account, and reports the opt-in region it could not scan', async () => {
    const source = organizationSource(emulator);
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    // Accounts appear in order; within one the findings follow the resource.
    const accounts = result.findings.map((f) => f.resource.accountId);
    assert.deepEqual([...new Set(accounts)], [MANAGEMENT, PROD, SANDBOX]);
    assert.deepEqual(
      result.errors.map((e) => e.message),
      [`account ${DEV} (Dev): region eu-west-1 is not enabled for this account (an opt-in region); it was not scanned`],
    );
    // Latest revisions: ops-agent:1, web:2 and api:1 (Prod), web:1 (Dev), experiment:1 (Sandbox).
    assert.equal(result.summary.taskDefinitions, 5);
    assert.deepEqual(source.stats, {
      accounts: 4,
      skippedAccounts: 1,
      failedAccounts: 0,
      pairs: 7,
      resumedPairs: 0,
      callsByAccount: source.stats.callsByAccount,
    });
    // The suspended account is never entered.
    const assumed = emulator.calls
      .filter((c) => c.operation === 'AssumeRole')
      .map((c) => String(c.input['RoleArn']))
      .sort();
    assert.deepEqual(assumed, [MANAGEMENT, PROD, DEV, SANDBOX].map((id) => `arn:aws:iam::${id}:role/ecsguard-scan`).sort());
  });

  it('names each finding exactly: account, region, revision, check', async () => {
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator)] });
    assert.deepEqual(
      new Set(failing(result)),
      new Set([
        `${MANAGEMENT} us-east-1 ops-agent:1 no-privileged-containers`,
        `${MANAGEMENT} us-east-1 ops-agent:1 no-host-network`,
        `${MANAGEMENT} us-east-1 ops-agent:1 host-network-no-privilege`,
        `${PROD} eu-west-1 api:1 no-root-user`,
        `${SANDBOX} eu-west-1 experiment:1 no-root-user`,
      ]),
    );
  });

  it('assumes the role with a session name that says ecsguard and the external id', async () => {
    emulator.organization.requiredExternalId = 'audit-2026';
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { externalId: 'audit-2026' })] });
    assert.equal(result.errors.length, 1); // only Dev's disabled region
    const sessions = emulator.calls
      .filter((c) => c.operation === 'AssumeRole')
      .map((c) => [c.input['RoleSessionName'], c.input['ExternalId']]);
    assert.equal(sessions.length, 4);
    for (const [session, externalId] of sessions) {
      assert.match(String(session), /^ecsguard-org-scan-\d{12}$/);
      assert.equal(externalId, 'audit-2026');
    }
    // Member accounts were read with their own credentials, never the management account's.
    const prodCalls = emulator.calls.filter((c) => c.service === 'ecs' && c.accountId === PROD);
    assert.ok(prodCalls.length > 0);
    assert.ok(prodCalls.every((c) => c.accessKeyId === `ASIAORG${PROD}`));
  });

  it('a wrong external id is an error per account, not a crash', async () => {
    emulator.organization.requiredExternalId = 'audit-2026';
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { externalId: 'wrong' })] });
    assert.equal(result.errors.filter((e) => e.operation === 'AssumeRole').length, 4);
    assert.equal(result.summary.taskDefinitions, 0);
    assert.equal(result.findings.length, 0);
  });

  it("one ECS client per region for every account; each request is signed with its own account's credentials", async () => {
    const sdk = await loadSdk();
    let built = 0;
    class CountedEcsClient extends sdk.ecs.ECSClient {
      constructor(...args: ConstructorParameters<typeof sdk.ecs.ECSClient>) {
        super(...args);
        built++;
      }
    }
    const counted = { ...sdk, ecs: { ...sdk.ecs, ECSClient: CountedEcsClient } };
    const source = new OrganizationSource(
      { scope: 'latest', regions: REGIONS, role: 'ecsguard-scan', endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS },
      () => Promise.resolve(counted),
    );
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    assert.equal(source.stats.pairs, 7);
    assert.equal(built, REGIONS.length);
    // The emulator answers as the account whose assumed-role key signed the request: every revision it described is
    // that account's own.
    const described = emulator.calls.filter((c) => c.operation === 'DescribeTaskDefinition');
    assert.equal(described.length, 5);
    for (const call of described) assert.equal(String(call.input['taskDefinition']).split(':')[4], call.accountId);
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.accountId))], [MANAGEMENT, PROD, SANDBOX]);
  });

  it('AssumeRole denied in one account: that account is an error, the others are scanned', async () => {
    const roleArn = `arn:aws:iam::${SANDBOX}:role/ecsguard-scan`;
    emulator.faults.add({
      service: 'sts',
      operation: 'AssumeRole',
      match: (input) => input['RoleArn'] === roleArn,
      error: {
        type: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:iam::${MANAGEMENT}:user/ecsguard-test is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      },
    });
    const source = organizationSource(emulator);
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    const denied = result.errors.find((e) => e.operation === 'AssumeRole');
    assert.ok(denied);
    assert.equal(denied.resource, roleArn);
    assert.match(
      denied.message,
      new RegExp(
        `^account ${SANDBOX} \\(Sandbox\\): cannot assume ${roleArn.replace(/[/:]/g, '\\$&')}: access denied: AssumeRole needs the ` +
          'IAM permission sts:AssumeRole .*this account was not scanned',
      ),
    );
    assert.equal(source.stats.failedAccounts, 1);
    assert.equal(result.summary.taskDefinitions, 4);
    assert.ok(!result.findings.some((f) => f.resource.accountId === SANDBOX));
    assert.ok(result.findings.some((f) => f.resource.accountId === PROD));
  });

  it('survives throttling in every account-region: each has its own bucket and adaptive retry', async () => {
    for (const operation of ['ListTaskDefinitions', 'DescribeTaskDefinition', 'ListClusters'])
      emulator.faults.rateLimit(operation, { ratePerSecond: 4, burst: 1 });
    const result = await scan({
      paths: [],
      checks: CHECKS,
      liveSources: [organizationSource(emulator, { maxAttempts: 10, scope: 'active' })],
    });
    assert.equal(result.errors.length, 1); // Dev's disabled region only
    assert.equal(result.summary.taskDefinitions, 6); // every ACTIVE revision, web:1 included
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition', outcome: 'ok' }), { DescribeTaskDefinition: 6 });
    assert.equal(result.summary.findings.ERROR, 0);
    const throttled = emulator.calls.filter((c) => c.outcome === 'ThrottlingException');
    assert.ok(throttled.length > 0, 'the limits were hit');
    // Buckets are per account: the first ListTaskDefinitions in each account-region passed.
    const firstLists = new Map<string, string>();
    for (const call of emulator.calls) {
      if (call.operation !== 'ListTaskDefinitions') continue;
      const key = `${call.accountId}/${call.region}`;
      if (!firstLists.has(key)) firstLists.set(key, call.outcome);
    }
    assert.equal(firstLists.size, 7);
    assert.ok([...firstLists.values()].every((outcome) => outcome === 'ok'));
  });

  it('--ou scans the accounts under the OU and its child OUs only', async () => {
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { ou: workloads })] });
    assert.deepEqual(failing(result), [`${PROD} eu-west-1 api:1 no-root-user`]);
    assert.equal(result.errors.length, 1); // Dev's eu-west-1
    const entered = emulator.calls
      .filter((c) => c.operation === 'AssumeRole')
      .map((c) => String(c.input['RoleArn']).slice(13, 25))
      .sort();
    assert.deepEqual(entered, [PROD, DEV]);
    assert.deepEqual(emulator.countCalls({ service: 'organizations' }), { ListAccountsForParent: 2, ListOrganizationalUnitsForParent: 2 });
    const nested = await scan({
      paths: [],
      checks: CHECKS,
      liveSources: [organizationSource(emulator, { ou: nonProd, regions: ['us-east-1'] })],
    });
    assert.equal(nested.summary.taskDefinitions, 1);
    assert.deepEqual(nested.errors, []);
  });

  it('an unknown OU is one clear error', async () => {
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { ou: 'ou-e5g1-ffffffff' })] });
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]!.message,
      /^cannot list the organization's accounts: ListAccountsForParent failed: ParentNotFoundException/,
    );
  });

  it('a member account cannot list the organization: the error says where to run', async () => {
    const result = await scan({
      paths: [],
      checks: CHECKS,
      liveSources: [organizationSource(emulator, { credentials: { accessKeyId: `ASIAORG${PROD}`, secretAccessKey: 'x' } })],
    });
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]!.message,
      new RegExp(
        /access denied: ListAccounts needs the IAM permission organizations:ListAccounts .*/.source +
          /run from the management account or a delegated administrator/.source,
      ),
    );
  });

  it('hands revisions over as they are read and the unread ones with the errors, in the last part', async () => {
    const unread = [
      `arn:aws:ecs:us-east-1:${MANAGEMENT}:task-definition/ops-agent:1`,
      `arn:aws:ecs:eu-west-1:${PROD}:task-definition/api:1`,
    ];
    emulator.faults.add({
      service: 'ecs',
      operation: 'DescribeTaskDefinition',
      match: (input) => unread.includes(String(input['taskDefinition'])),
      error: { type: 'AccessDeniedException', status: 400 },
    });
    const parts: Array<{ definitions: number; failures: string[]; errors: number }> = [];
    const messages: string[] = [];
    await organizationSource(emulator, { scope: 'active' }).loadInParts(undefined, (part) => {
      parts.push({
        definitions: part.definitions.length,
        failures: part.failures.map((f) => f.resource.id),
        errors: part.errors.length,
      });
      messages.push(...part.failures.map((f) => f.error.message));
    });
    // Each unread revision's error names its account first, as the organization's other errors do.
    assert.deepEqual(
      messages.map((m) => m.slice(0, 'account 111111111111'.length)).sort(),
      [`account ${MANAGEMENT}`, `account ${PROD}`].sort(),
    );
    const last = parts.pop()!;
    assert.ok(parts.length > 1, 'several parts before the last');
    assert.ok(parts.every((p) => p.definitions > 0 && p.failures.length === 0 && p.errors === 0));
    // The one error: Dev's eu-west-1 is not enabled (the unread revision's error is its failure's).
    // Unread revisions in the organization's account order, whichever describe failed first.
    assert.deepEqual(last, { definitions: 0, failures: unread, errors: 1 });
  });

  describe('--state FILE: resumable', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ecsguard-org-state-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('records finished account-regions; a rerun scans only what is left and reports everything', async () => {
      const statePath = join(dir, 'org-scan.state');
      const roleArn = `arn:aws:iam::${SANDBOX}:role/ecsguard-scan`;
      const removeFault = emulator.faults.add({
        service: 'sts',
        operation: 'AssumeRole',
        match: (input) => input['RoleArn'] === roleArn,
        error: { type: 'AccessDenied', status: 403 },
      });
      const first = await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { statePath })] });
      assert.equal(first.summary.taskDefinitions, 4);
      removeFault();

      emulator.resetCalls();
      const source = organizationSource(emulator, { statePath });
      const second = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
      // Only the Sandbox account (denied before) and Dev's eu-west-1 region (an error, so not finished) were entered again.
      const ecsAccounts = new Set(emulator.calls.filter((c) => c.service === 'ecs').map((c) => c.accountId));
      assert.deepEqual([...ecsAccounts], [SANDBOX]);
      assert.deepEqual(
        emulator.calls
          .filter((c) => c.operation === 'AssumeRole')
          .map((c) => String(c.input['RoleArn']).slice(13, 25))
          .sort(),
        [DEV, SANDBOX],
      );
      assert.equal(source.stats.resumedPairs, 5);
      assert.equal(second.summary.taskDefinitions, 5);
      assert.deepEqual(new Set(failing(second)), new Set([...failing(first), `${SANDBOX} eu-west-1 experiment:1 no-root-user`]));
      const lines = (await readFile(statePath, 'utf8')).trim().split('\n');
      assert.equal(lines.length, 1 + 7 - 0); // header + 7 finished pairs (Dev's eu-west-1 was never scanned)
      // What a pair spilled while it ran is gone once the scan ends.
      await assert.rejects(stat(`${statePath}.pending`), { code: 'ENOENT' });
    });

    it("a pair's line holds every revision it read, as the rerun replays them", async () => {
      const statePath = join(dir, 'lines.state');
      const first = await scan({
        paths: [],
        checks: CHECKS,
        liveSources: [organizationSource(emulator, { statePath, scope: 'active', regions: ['us-east-1'] })],
      });
      const lines = (await readFile(statePath, 'utf8')).trim().split('\n').slice(1);
      const recorded = lines.map(
        (line) => JSON.parse(line) as { account: string; definitions: Array<{ resource: { id: string }; body: unknown }> },
      );
      assert.deepEqual(
        recorded.flatMap((l) => l.definitions.map((d) => d.resource.id)).sort(),
        [
          `arn:aws:ecs:us-east-1:${MANAGEMENT}:task-definition/ops-agent:1`,
          `arn:aws:ecs:us-east-1:${PROD}:task-definition/web:1`,
          `arn:aws:ecs:us-east-1:${PROD}:task-definition/web:2`,
          `arn:aws:ecs:us-east-1:${DEV}:task-definition/web:1`,
        ].sort(),
      );
      emulator.resetCalls();
      const again = await scan({
        paths: [],
        checks: CHECKS,
        liveSources: [organizationSource(emulator, { statePath, scope: 'active', regions: ['us-east-1'] })],
      });
      assert.deepEqual(
        emulator.calls.filter((c) => c.service === 'ecs'),
        [],
      );
      assert.deepEqual(again.findings, first.findings);
    });

    it('a torn last line (a crash while writing) rescans that pair only', async () => {
      const statePath = join(dir, 'torn.state');
      await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { statePath, regions: ['us-east-1'] })] });
      const lines = (await readFile(statePath, 'utf8')).trim().split('\n');
      const last = lines.pop()!;
      const lastAccount = (JSON.parse(last) as { account: string }).account;
      await writeFile(statePath, `${lines.join('\n')}\n${last.slice(0, 40)}`);
      // What the interrupted run had spilled for its pair in flight.
      await writeFile(`${statePath}.pending`, '{"resource":');
      emulator.resetCalls();
      const result = await scan({
        paths: [],
        checks: CHECKS,
        liveSources: [organizationSource(emulator, { statePath, regions: ['us-east-1'] })],
      });
      assert.deepEqual([...new Set(emulator.calls.filter((c) => c.service === 'ecs').map((c) => c.accountId))], [lastAccount]);
      assert.equal(result.summary.taskDefinitions, 3);
      await assert.rejects(stat(`${statePath}.pending`), { code: 'ENOENT' });
    });

    it('refuses a state file written for another scan', async () => {
      const statePath = join(dir, 'other.state');
      await scan({ paths: [], checks: CHECKS, liveSources: [organizationSource(emulator, { statePath, regions: ['us-east-1'] })] });
      await assert.rejects(
        scan({
          paths: [],
          checks: CHECKS,
          liveSources: [organizationSource(emulator, { statePath, scope: 'active', regions: ['us-east-1'] })],
        }),
        /--state: .*other\.state was written for another scan \(different scope\); delete it or name another file/,
      );
    });
  });
});
