import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { EcsEmulator } from '../../support/ecs-emulator/index.js';
import { ACCOUNT, arn, evaluatedRevisions, liveSource, scanLive, startSeededEmulator } from './helpers.js';

describe('live scan scopes on a two-region account', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startSeededEmulator();
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.resetCalls();
  });

  it('latest: the latest ACTIVE revision per family, found by listing, never describing the others', async () => {
    const source = liveSource(emulator, { scope: 'latest' });
    const result = await scanLive(source, true);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(evaluatedRevisions(result), ['eu-west-1 api:120', 'us-east-1 agent:1', 'us-east-1 batch:3', 'us-east-1 web:5']);
    assert.equal(result.summary.taskDefinitions, 4);
    assert.deepEqual(
      result.findings.filter((f) => f.status !== 'PASS').map((f) => [f.checkId, `${f.resource.family}:${f.resource.revision}`, f.status]),
      [
        ['no-privileged-containers', 'agent:1', 'FAIL'],
        ['host-network-no-privilege', 'agent:1', 'FAIL'],
        ['no-host-network', 'agent:1', 'FAIL'],
        ['no-root-user', 'batch:3', 'FAIL'],
      ],
    );
    assert.deepEqual(result.findings.find((f) => f.status === 'FAIL')?.resource, {
      kind: 'aws',
      source: 'aws',
      id: arn('us-east-1', 'agent:1'),
      arn: arn('us-east-1', 'agent:1'),
      region: 'us-east-1',
      family: 'agent',
      revision: 1,
      accountId: ACCOUNT,
    });
    // One scan's calls: lists with maximum pages (api has 120 revisions → 2 pages; 150 tasks → 2 pages),
    // describes only for the 4 revisions in scope, DescribeTasks/DescribeServices batched.
    assert.deepEqual(source.stats.callsByOperation, {
      GetCallerIdentity: 1,
      ListTaskDefinitions: 3,
      DescribeTaskDefinition: 4,
      ListClusters: 2,
      ListServices: 3,
      DescribeServices: 2,
      ListTasks: 4,
      DescribeTasks: 4,
    });
    const listCalls = emulator.calls.filter((c) => c.operation === 'ListTaskDefinitions' || c.operation === 'ListTasks');
    assert.ok(listCalls.every((c) => c.input['maxResults'] === 100));
    assert.deepEqual(
      emulator.calls
        .filter((c) => c.operation === 'DescribeTasks')
        .map((c) => (c.input['tasks'] as string[]).length)
        .sort((a, b) => a - b),
      [1, 2, 50, 100],
    );
    assert.ok(
      emulator.calls
        .filter((c) => c.operation === 'DescribeTaskDefinition')
        .every((c) => JSON.stringify(c.input['include']) === '["TAGS"]'),
    );
  });

  it('active: every ACTIVE revision, across list pages', async () => {
    const result = await scanLive(liveSource(emulator, { scope: 'active' }), true);
    assert.deepEqual(result.errors, []);
    const revisions = evaluatedRevisions(result);
    assert.equal(revisions.length, 126);
    assert.deepEqual(
      revisions.filter((r) => r.startsWith('us-east-1')),
      ['us-east-1 agent:1', 'us-east-1 batch:1', 'us-east-1 batch:2', 'us-east-1 batch:3', 'us-east-1 web:4', 'us-east-1 web:5'],
    );
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition' }), { DescribeTaskDefinition: 126 });
    assert.deepEqual(emulator.countCalls({ operation: 'ListTaskDefinitions', region: 'eu-west-1' }), { ListTaskDefinitions: 2 });
    assert.ok(
      result.findings.some(
        (f) => f.checkId === 'no-privileged-containers' && f.resource.family === 'web' && f.resource.revision === 4 && f.status === 'FAIL',
      ),
    );
  });

  it('all: ACTIVE and INACTIVE revisions, with the status from the listing', async () => {
    const source = liveSource(emulator, { scope: 'all' });
    const output = await source.load();
    assert.equal(output.definitions.length, 131);
    const us = output.definitions
      .filter((d) => d.resource.region === 'us-east-1')
      .map((d) => `${d.resource.family}:${d.resource.revision}`)
      .sort();
    assert.deepEqual(us, ['agent:1', 'batch:1', 'batch:2', 'batch:3', 'old:1', 'old:2', 'web:1', 'web:2', 'web:3', 'web:4', 'web:5']);
    const web1 = output.definitions.find((d) => d.resource.arn === arn('us-east-1', 'web:1'));
    assert.deepEqual(web1?.body.entries.find((e) => e.key === 'status')?.value, { kind: 'string', value: 'INACTIVE' });
    // us-east-1: ACTIVE + INACTIVE; eu-west-1: two ACTIVE pages + INACTIVE.
    assert.deepEqual(emulator.countCalls({ operation: 'ListTaskDefinitions' }), { ListTaskDefinitions: 5 });
    assert.deepEqual(
      emulator.calls
        .filter((c) => c.operation === 'ListTaskDefinitions' && c.region === 'us-east-1')
        .map((c) => c.input['status'])
        .sort(),
      ['ACTIVE', 'INACTIVE'],
    );
  });

  it('in-use: revisions of running tasks and service deployments, in any status, without listing task definitions', async () => {
    const result = await scanLive(liveSource(emulator, { scope: 'in-use' }), true);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(evaluatedRevisions(result), ['eu-west-1 api:119', 'us-east-1 batch:2', 'us-east-1 web:3', 'us-east-1 web:5']);
    assert.deepEqual(emulator.countCalls({ operation: 'ListTaskDefinitions' }), {});
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition' }), { DescribeTaskDefinition: 4 });
  });

  it('annotates every live revision with its running tasks and services, whatever the scope', async () => {
    const output = await liveSource(emulator, { scope: 'all' }).load();
    const usage = (region: string, revision: string) => output.definitions.find((d) => d.resource.arn === arn(region, revision))?.usage;
    assert.deepEqual(usage('us-east-1', 'web:3'), { runningTasks: 2, services: ['prod/web'] });
    assert.deepEqual(usage('us-east-1', 'web:5'), { runningTasks: 0, services: ['prod/web'] });
    assert.deepEqual(usage('us-east-1', 'batch:2'), { runningTasks: 1, services: [] });
    assert.deepEqual(usage('us-east-1', 'web:4'), { runningTasks: 0, services: [] });
    assert.deepEqual(usage('eu-west-1', 'api:119'), { runningTasks: 150, services: ['prod/api'] });
    const result = await scanLive(liveSource(emulator, { scope: 'latest' }));
    assert.ok(result.findings.every((f) => f.usage !== undefined));
  });

  it('--all-regions scans the enabled regions and names the skipped opt-in ones', async () => {
    const notices: string[] = [];
    const source = liveSource(emulator, { regions: 'all', notice: (m) => notices.push(m) });
    const result = await scanLive(source);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(source.stats.regions, ['eu-west-1', 'us-east-1']);
    assert.deepEqual(notices, ['skipped 1 opt-in region(s) not enabled for this account: af-south-1']);
    assert.deepEqual(emulator.countCalls({ service: 'account' }), { ListRegions: 1 });
    assert.deepEqual(emulator.countCalls({ region: 'af-south-1' }), {});
  });

  it('--role-arn assumes the role once and signs every ECS call with its credentials', async () => {
    const result = await scanLive(liveSource(emulator, { roleArn: `arn:aws:iam::${ACCOUNT}:role/audit`, externalId: 'xyz' }));
    assert.deepEqual(result.errors, []);
    const assume = emulator.calls.filter((c) => c.operation === 'AssumeRole');
    assert.equal(assume.length, 1);
    assert.equal(assume[0]?.input['RoleArn'], `arn:aws:iam::${ACCOUNT}:role/audit`);
    assert.equal(assume[0]?.input['ExternalId'], 'xyz');
    const ecsKeys = new Set(emulator.calls.filter((c) => c.service === 'ecs').map((c) => c.accessKeyId));
    assert.deepEqual([...ecsKeys], ['ASIAASSUMEDROLE']);
  });
});
