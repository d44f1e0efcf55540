import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from './ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
const REGION = 'us-east-1';

/** Deployments as ECS reports them, seen through the SDK: what apply's planner and waiter rely on. */
describe('ECS emulator: deployments and load balancers', () => {
  let emulator: EcsEmulator;
  let ecs: ECSClient;
  const describeWeb = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'], include: ['TAGS'] }))).services?.[0];

  before(async () => {
    emulator = await startEcsEmulator({ regions: [REGION] });
    ecs = new ECSClient({ region: REGION, endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    for (const image of ['web:1', 'web:2', 'web:3'])
      emulator.account.registerTaskDefinition(REGION, { family: 'web', containerDefinitions: [{ name: 'app', image }] });
    emulator.account.createService(REGION, {
      cluster: 'prod',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      assignPublicIp: 'ENABLED',
      tags: [{ key: 'env', value: 'production' }],
    });
  });
  after(async () => {
    ecs.destroy();
    await emulator.stop();
  });

  it('a service has one COMPLETED PRIMARY deployment, the ECS controller, its network configuration and (asked for) tags', async () => {
    const web = await describeWeb();
    assert.equal(web?.deploymentController?.type, 'ECS');
    assert.equal(web?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp, 'ENABLED');
    assert.deepEqual(web?.tags, [{ key: 'env', value: 'production' }]);
    assert.deepEqual(
      web?.deployments?.map((d) => [d.status, d.taskDefinition?.split('/')[1], d.rolloutState, d.runningCount]),
      [['PRIMARY', 'web:1', 'COMPLETED', 2]],
    );
    const untagged = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0];
    assert.equal(untagged?.tags, undefined);
  });

  it(
    'UpdateService adds a PRIMARY IN_PROGRESS deployment and demotes the old one ' +
      'to ACTIVE with its tasks, until the rollout completes',
    async () => {
      emulator.account.completeDeploymentsAfterDescribes = 2;
      await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }));
      const rolling = await describeWeb();
      assert.equal(rolling?.taskDefinition?.split('/')[1], 'web:2');
      assert.deepEqual(
        rolling?.deployments?.map((d) => [d.status, d.taskDefinition?.split('/')[1], d.rolloutState, d.runningCount]),
        [
          ['PRIMARY', 'web:2', 'IN_PROGRESS', 0],
          ['ACTIVE', 'web:1', 'COMPLETED', 2],
        ],
      );
      const done = await describeWeb();
      assert.deepEqual(
        done?.deployments?.map((d) => [d.status, d.taskDefinition?.split('/')[1], d.rolloutState, d.runningCount]),
        [['PRIMARY', 'web:2', 'COMPLETED', 2]],
      );
    },
  );

  it('an injected circuit-breaker failure leaves the rollout FAILED with a reason, the old deployment still running', async () => {
    emulator.account.failRollouts({ service: 'web', times: 1 });
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:3' }));
    await describeWeb();
    const failed = await describeWeb();
    assert.deepEqual(
      failed?.deployments?.map((d) => [d.status, d.taskDefinition?.split('/')[1], d.rolloutState]),
      [
        ['PRIMARY', 'web:3', 'FAILED'],
        ['ACTIVE', 'web:2', 'COMPLETED'],
      ],
    );
    assert.match(failed?.deployments?.[0]?.rolloutStateReason ?? '', /^ECS deployment circuit breaker: tasks failed to start\./);
    // A FAILED rollout is not completed by later describes.
    assert.equal((await describeWeb())?.deployments?.[0]?.rolloutState, 'FAILED');
  });

  it('ELBv2: target groups name their load balancers; load balancers their scheme; unknown ARNs fail as ELBv2 does', async () => {
    const { loadBalancing } = emulator.account;
    const lb = loadBalancing.createLoadBalancer(REGION, { name: 'shop', scheme: 'internet-facing' });
    const tg = loadBalancing.createTargetGroup(REGION, { name: 'shop-tg', loadBalancerArns: [lb.LoadBalancerArn] });
    const elb = new ElasticLoadBalancingV2Client({
      region: REGION,
      endpoint: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const groups = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [tg.TargetGroupArn] }));
      assert.deepEqual(
        groups.TargetGroups?.map((g) => [g.TargetGroupName, g.LoadBalancerArns]),
        [['shop-tg', [lb.LoadBalancerArn]]],
      );
      const lbs = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn] }));
      assert.deepEqual(
        lbs.LoadBalancers?.map((l) => [l.LoadBalancerName, l.Scheme]),
        [['shop', 'internet-facing']],
      );
      await assert.rejects(elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${tg.TargetGroupArn}x`] })), {
        name: 'TargetGroupNotFoundException',
      });
      assert.deepEqual(emulator.countCalls({ service: 'elasticloadbalancing' }), { DescribeTargetGroups: 2, DescribeLoadBalancers: 1 });
    } finally {
      elb.destroy();
    }
  });
});
