import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from './ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

describe('ECS emulator', () => {
  let emulator: EcsEmulator;
  const ecs = (region: string) => new ECSClient({ region, endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });

  before(async () => {
    emulator = await startEcsEmulator({ regions: ['us-east-1', 'eu-west-1'], disabledRegions: ['af-south-1'] });
  });
  after(() => emulator.stop());

  it('registers, describes and lists per region, with ECS pagination', async () => {
    const client = ecs('eu-west-1');
    for (let i = 0; i < 3; i++) {
      const out = await client.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [{ name: 'app', image: 'nginx' }],
          tags: [{ key: 'team', value: 'a' }],
        }),
      );
      assert.equal(out.taskDefinition?.revision, i + 1);
      assert.equal(out.taskDefinition?.status, 'ACTIVE');
    }
    const described = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web', include: ['TAGS'] }));
    assert.equal(described.taskDefinition?.taskDefinitionArn, 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3');
    assert.deepEqual(described.tags, [{ key: 'team', value: 'a' }]);
    const page = await client.send(new ListTaskDefinitionsCommand({ maxResults: 2, sort: 'DESC' }));
    assert.deepEqual(
      page.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['web:3', 'web:2'],
    );
    const rest = await client.send(new ListTaskDefinitionsCommand({ maxResults: 2, sort: 'DESC', nextToken: page.nextToken }));
    assert.deepEqual(
      rest.taskDefinitionArns?.map((a) => a.split('/')[1]),
      ['web:1'],
    );
    assert.equal(rest.nextToken, undefined);
    const other = await ecs('us-east-1').send(new ListTaskDefinitionsCommand({}));
    assert.deepEqual(other.taskDefinitionArns, []);
  });

  it('rejects invalid registrations and maxResults like ECS', async () => {
    await assert.rejects(ecs('us-east-1').send(new RegisterTaskDefinitionCommand({ family: 'x', containerDefinitions: [] })), {
      name: 'ClientException',
      message: 'Container definitions must be specified and must contain at least one container.',
    });
    await assert.rejects(ecs('us-east-1').send(new ListTaskDefinitionsCommand({ maxResults: 101 })), {
      name: 'InvalidParameterException',
    });
    assert.throws(
      () =>
        emulator.account.registerTaskDefinition('us-east-1', {
          family: 'x',
          revision: 3,
          containerDefinitions: [{ name: 'a', image: 'b' }],
        }),
      /Unknown parameter "revision"/,
    );
  });

  it('updates a service with a new PRIMARY deployment', async () => {
    const first = emulator.account.registerTaskDefinition('us-east-1', {
      family: 'api',
      containerDefinitions: [{ name: 'a', image: 'b' }],
    });
    const second = emulator.account.registerTaskDefinition('us-east-1', {
      family: 'api',
      containerDefinitions: [{ name: 'a', image: 'c' }],
    });
    emulator.account.createService('us-east-1', {
      cluster: 'prod',
      name: 'api',
      taskDefinition: first.taskDefinition.taskDefinitionArn,
      desiredCount: 2,
    });
    const client = ecs('us-east-1');
    const updated = await client.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', taskDefinition: 'api:2' }));
    assert.deepEqual(
      updated.service?.deployments?.map((d) => [d.status, d.taskDefinition]),
      [
        ['PRIMARY', second.taskDefinition.taskDefinitionArn],
        ['ACTIVE', first.taskDefinition.taskDefinitionArn],
      ],
    );
    await assert.rejects(client.send(new UpdateServiceCommand({ cluster: 'prod', service: 'nope', taskDefinition: 'api:2' })), {
      name: 'ServiceNotFoundException',
    });
    const described = await client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api', 'gone'] }));
    assert.equal(described.services?.[0]?.taskDefinition, second.taskDefinition.taskDefinitionArn);
    assert.deepEqual(
      described.failures?.map((f) => f.reason),
      ['MISSING'],
    );
  });

  it('answers STS and Account, and injects faults', async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS });
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
    const account = new AccountClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS });
    const regions = await account.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }));
    assert.deepEqual(
      regions.Regions?.map((r) => r.RegionName),
      ['eu-west-1', 'us-east-1'],
    );

    emulator.faults.denyAccess({ operation: 'ListClusters', region: 'eu-west-1' });
    const { ListClustersCommand } = await import('@aws-sdk/client-ecs');
    await assert.rejects(ecs('eu-west-1').send(new ListClustersCommand({})), { name: 'AccessDeniedException' });
    await ecs('us-east-1').send(new ListClustersCommand({}));
    emulator.faults.serverErrors('ListClusters', 1);
    await assert.rejects(ecs('us-east-1').send(new ListClustersCommand({})), { name: 'ServerException' });
    emulator.faults.rateLimit('ListClusters', { ratePerSecond: 0.001, burst: 1 });
    await ecs('us-east-1').send(new ListClustersCommand({}));
    await assert.rejects(ecs('us-east-1').send(new ListClustersCommand({})), { name: 'ThrottlingException' });
    assert.deepEqual(emulator.countCalls({ operation: 'ListClusters', region: 'us-east-1' }), { ListClusters: 4 });
    assert.deepEqual(emulator.countCalls({ outcome: 'ThrottlingException' }), { ListClusters: 1 });
    emulator.faults.clear();
  });
});
