import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeTo } from '../../../src/remediate/account/apply-runner.js';
import { parseProdTags, rankServices } from '../../../src/remediate/account/exposure.js';
import type { LoadBalancingApi } from '../../../src/remediate/account/load-balancing-api.js';
import type { ServiceFacts } from '../../../src/remediate/account/service-inventory.js';

const TG = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const LB = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${name}/0123456789abcdef`;

/** Two target groups: one behind an internal and an internet-facing ALB, one behind an internal ALB only. */
const api: LoadBalancingApi = {
  async describeTargetGroups(_region, arns) {
    const all = [
      { arn: TG('both'), name: 'both', loadBalancerArns: [LB('inside'), LB('outside')] },
      { arn: TG('inside'), name: 'inside', loadBalancerArns: [LB('inside')] },
      { arn: TG('unattached'), name: 'unattached', loadBalancerArns: [] },
    ];
    return all.filter((g) => arns.includes(g.arn));
  },
  async describeLoadBalancers(_region, arns) {
    const all = [
      { arn: LB('inside'), name: 'inside', scheme: 'internal' },
      { arn: LB('outside'), name: 'outside', scheme: 'internet-facing' },
    ];
    return all.filter((l) => arns.includes(l.arn));
  },
};

function facts(service: string, extra: Partial<ServiceFacts> = {}): ServiceFacts {
  return {
    region: 'us-east-1',
    cluster: 'c',
    service,
    taskDefinition: 'td',
    deployments: [],
    deploymentController: 'ECS',
    targetGroupArns: [],
    classicLoadBalancers: [],
    tags: [],
    clusterTags: [],
    ...extra,
  };
}

describe('rankServices', () => {
  const cases: Array<[string, ServiceFacts, string, string[]]> = [
    ['public IP', facts('a', { assignPublicIp: 'ENABLED' }), 'internet-exposed', ['public IP (assignPublicIp ENABLED)']],
    ['public IP disabled', facts('b', { assignPublicIp: 'DISABLED' }), 'other', ['not internet-exposed, no production tag']],
    [
      'a target group behind an internet-facing ALB (and an internal one)',
      facts('c', { targetGroupArns: [TG('both')] }),
      'internet-exposed',
      ['behind internet-facing load balancer outside (target group both)'],
    ],
    ['internal ALB only', facts('d', { targetGroupArns: [TG('inside')] }), 'other', ['not internet-exposed, no production tag']],
    [
      'a target group not attached to a load balancer',
      facts('e', { targetGroupArns: [TG('unattached')] }),
      'other',
      ['not internet-exposed, no production tag'],
    ],
    [
      'a target group that does not exist',
      facts('f', { targetGroupArns: [TG('gone')] }),
      'internet-exposed',
      ['load balancer exposure unknown (target group not found); ranked as internet-exposed'],
    ],
    [
      'Classic Load Balancer',
      facts('g', { classicLoadBalancers: ['legacy'] }),
      'internet-exposed',
      ['behind Classic Load Balancer legacy (scheme not read); ranked as internet-exposed'],
    ],
    [
      'production by service tag, value case-insensitive',
      facts('h', { tags: [{ key: 'Environment', value: 'PROD' }] }),
      'production',
      ['service tag Environment=PROD'],
    ],
    [
      'tag keys are exact',
      facts('i', { tags: [{ key: 'environment', value: 'prod' }] }),
      'other',
      ['not internet-exposed, no production tag'],
    ],
    [
      'production by cluster tag',
      facts('j', { clusterTags: [{ key: 'env', value: 'production' }] }),
      'production',
      ['cluster tag env=production'],
    ],
    [
      'exposure wins over production',
      facts('k', { assignPublicIp: 'ENABLED', tags: [{ key: 'env', value: 'production' }] }),
      'internet-exposed',
      ['public IP (assignPublicIp ENABLED)'],
    ],
  ];
  for (const [name, service, priority, reasons] of cases) {
    it(name, async () => {
      const { ranking, errors } = await rankServices([service], api, parseProdTags('Environment=prod,env=production'));
      assert.deepEqual(errors, []);
      assert.deepEqual(ranking.get(`us-east-1/c/${service.service}`), { priority, reasons });
    });
  }
});

describe('parseProdTags', () => {
  it('reads KEY=VALUE pairs separated by commas', () => {
    assert.deepEqual(parseProdTags(' Environment=prod , env=production '), [
      { key: 'Environment', value: 'prod' },
      { key: 'env', value: 'production' },
    ]);
  });
  for (const bad of ['Environment', '=prod', 'env=', ',']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseProdTags(bad), /--prod-tags/);
    });
  }
});

describe('relativeTo', () => {
  const arn = (x: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${x}`;
  it('shortens to :N within one family, keeps the family otherwise', () => {
    assert.equal(relativeTo(arn('payments-api:2'), arn('payments-api:3')), ':2');
    assert.equal(relativeTo(arn('api:1'), arn('web:3')), 'api:1');
  });
});
