import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { EcsEmulator } from '../../support/ecs-emulator/index.js';
import { arn, evaluatedRevisions, liveSource, scanLive, startSeededEmulator } from './helpers.js';

const CHECK_COUNT = 5;

describe('live scan failures are reported, never passed', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startSeededEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.resetCalls();
  });
  afterEach(() => {
    emulator.faults.clear();
  });

  it('survives throttling with a complete result', async () => {
    emulator.faults.rateLimit('DescribeTaskDefinition', { ratePerSecond: 40, burst: 5 });
    // A loaded machine may never outrun the bucket; these throttles happen whatever the speed.
    emulator.faults.add({
      operation: 'DescribeTaskDefinition',
      times: 3,
      error: { type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    emulator.faults.add({
      operation: 'ListTaskDefinitions',
      region: 'eu-west-1',
      times: 2,
      error: { type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    const source = liveSource(emulator, { scope: 'active' });
    const result = await scanLive(source, true);
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.taskDefinitions, 126);
    assert.equal(result.summary.findings.ERROR, 0);
    const throttled = emulator.countCalls({ outcome: 'ThrottlingException' });
    assert.ok((throttled['DescribeTaskDefinition'] ?? 0) > 0, 'the rate limit was hit');
    assert.equal(throttled['ListTaskDefinitions'], 2);
    // Every revision was described successfully exactly once.
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition', outcome: 'ok' }), { DescribeTaskDefinition: 126 });
  });

  it('retries 500s and completes', async () => {
    emulator.faults.serverErrors('ListTaskDefinitions', 2, { region: 'eu-west-1' });
    emulator.faults.serverErrors('DescribeTaskDefinition', 3);
    const result = await scanLive(liveSource(emulator, { scope: 'latest' }), true);
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.taskDefinitions, 4);
    assert.deepEqual(emulator.countCalls({ outcome: 'ServerException' }), { ListTaskDefinitions: 2, DescribeTaskDefinition: 3 });
  });

  it('reports a persistent 500 with region and operation after the retries', async () => {
    emulator.faults.serverErrors('ListTaskDefinitions', undefined, { region: 'eu-west-1' });
    const result = await scanLive(liveSource(emulator, { scope: 'latest', maxAttempts: 3 }), true);
    assert.deepEqual(result.errors, [
      {
        message: 'ListTaskDefinitions failed after 3 attempts: ServerException: Service unavailable (injected).',
        region: 'eu-west-1',
        operation: 'ListTaskDefinitions',
      },
    ]);
    assert.deepEqual(evaluatedRevisions(result), ['us-east-1 agent:1', 'us-east-1 batch:3', 'us-east-1 web:5']);
    assert.deepEqual(emulator.countCalls({ operation: 'ListTaskDefinitions', region: 'eu-west-1' }), { ListTaskDefinitions: 3 });
  });

  it('names the missing IAM permission on AccessDenied, and marks usage as unknown', async () => {
    emulator.faults.denyAccess({ operation: 'ListTasks', region: 'us-east-1' });
    const output = await liveSource(emulator, { scope: 'latest' }).load();
    assert.deepEqual(
      output.errors.map((e) => [e.region, e.operation, e.resource]).sort(),
      [
        ['us-east-1', 'ListTasks', 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs'],
        ['us-east-1', 'ListTasks', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'],
      ].sort(),
    );
    assert.match(
      output.errors[0]?.message ?? '',
      /^access denied: ListTasks needs the IAM permission ecs:ListTasks \(User: .* is not authorized to perform: ecs:ListTasks/,
    );
    // Usage is partial in us-east-1, so it is not claimed; eu-west-1 is complete.
    assert.equal(output.definitions.find((d) => d.resource.arn === arn('us-east-1', 'web:5'))?.usage, undefined);
    assert.deepEqual(output.definitions.find((d) => d.resource.arn === arn('eu-west-1', 'api:120'))?.usage, {
      runningTasks: 0,
      services: [],
    });
  });

  it('reports a region where every call is denied, and still scans the others', async () => {
    emulator.faults.denyAccess({ region: 'eu-west-1' });
    const result = await scanLive(liveSource(emulator, { scope: 'latest' }));
    assert.deepEqual(result.errors.map((e) => [e.region, e.operation]).sort(), [
      ['eu-west-1', 'ListClusters'],
      ['eu-west-1', 'ListTaskDefinitions'],
    ]);
    assert.equal(result.summary.taskDefinitions, 3);
  });

  it('gives ERROR for every check, never PASS, when a revision cannot be described', async () => {
    const broken = arn('us-east-1', 'web:5');
    emulator.faults.add({
      operation: 'DescribeTaskDefinition',
      match: (input) => input['taskDefinition'] === broken,
      error: { type: 'AccessDeniedException' },
    });
    const result = await scanLive(liveSource(emulator, { scope: 'latest' }), true);
    const forBroken = result.findings.filter((f) => f.resource.arn === broken);
    assert.equal(forBroken.length, CHECK_COUNT);
    assert.ok(forBroken.every((f) => f.status === 'ERROR'));
    assert.match(
      forBroken[0]?.message ?? '',
      /^not evaluated: access denied: DescribeTaskDefinition needs the IAM permission ecs:DescribeTaskDefinition/,
    );
    assert.deepEqual(forBroken[0]?.usage, { runningTasks: 0, services: ['prod/web'] });
    assert.equal(result.summary.findings.ERROR, CHECK_COUNT);
    assert.equal(result.summary.taskDefinitions, 3);
  });

  it('reports an unreachable region', async () => {
    emulator.faults.add({ region: 'eu-west-1', drop: true });
    const result = await scanLive(liveSource(emulator, { scope: 'latest', maxAttempts: 2 }));
    assert.deepEqual(result.errors.map((e) => [e.region, e.operation]).sort(), [
      ['eu-west-1', 'ListClusters'],
      ['eu-west-1', 'ListTaskDefinitions'],
    ]);
    assert.match(
      result.errors[0]?.message ?? '',
      /failed after 2 attempts: the endpoint could not be reached \(ECONNRESET\)|socket hang up/,
    );
    assert.equal(result.summary.taskDefinitions, 3);
  });

  it('reports a denied account:ListRegions for --all-regions and points at --region', async () => {
    emulator.faults.add({ service: 'account', operation: 'ListRegions', error: { type: 'AccessDeniedException', message: 'denied' } });
    const result = await scanLive(liveSource(emulator, { regions: 'all' }));
    assert.deepEqual(result.errors, [
      {
        message: 'access denied: ListRegions needs the IAM permission account:ListRegions (denied); name the regions with --region instead',
        operation: 'ListRegions',
      },
    ]);
    assert.deepEqual(emulator.countCalls({ service: 'ecs' }), {});
  });

  it('reports missing credentials once', async () => {
    const source = liveSource(emulator, {
      credentials: async () => {
        const error = new Error('Could not load credentials from any providers');
        error.name = 'CredentialsProviderError';
        throw error;
      },
    });
    const result = await scanLive(source);
    assert.deepEqual(result.errors, [
      {
        message:
          'no AWS credentials: Could not load credentials from any providers (use --profile, environment variables or an instance role)',
        region: 'us-east-1',
        operation: 'GetCallerIdentity',
      },
    ]);
    assert.deepEqual(emulator.calls, []);
  });
  it('stops promptly when aborted (Ctrl-C)', async () => {
    const emulator = await startSeededEmulator(); // its aborted requests finish late: keep them apart
    emulator.faults.latency(200, { operation: 'DescribeTaskDefinition' });
    const controller = new AbortController();
    const scanning = scanLive(liveSource(emulator, { scope: 'active' }), false, controller.signal);
    const waitForDescribe = async () => {
      while (!emulator.calls.some((c) => c.operation === 'DescribeTaskDefinition')) await new Promise((r) => setTimeout(r, 5));
    };
    await waitForDescribe();
    controller.abort();
    await assert.rejects(scanning, { name: 'AbortError' });
    const describes = emulator.countCalls({ operation: 'DescribeTaskDefinition' })['DescribeTaskDefinition'] ?? 0;
    assert.ok(describes < 126, `stopped before describing everything (${describes})`);
    await emulator.stop();
  });
});
