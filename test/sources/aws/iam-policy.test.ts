import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as account from '@aws-sdk/client-account';
import * as ecs from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as sts from '@aws-sdk/client-sts';
import { runAccountFix } from '../../../src/cli/commands/fix-account.js';
import { REGION, fixOptions, seedAccount, streams } from '../../remediate/account/account-fixture.js';
import { REPO_ROOT } from '../../support/paths.js';
import { liveSource, scanLive, startSeededEmulator } from './helpers.js';

const root = REPO_ROOT;

async function policyActions(): Promise<string[]> {
  const policy = JSON.parse(await readFile(join(root, 'docs/iam-policy.json'), 'utf8')) as {
    Statement: Array<{ Effect: string; Action: string[]; Resource: string }>;
  };
  assert.ok(policy.Statement.every((s) => s.Effect === 'Allow' && s.Resource === '*'));
  return policy.Statement.flatMap((s) => s.Action).sort();
}

/** Operations that change the account: `apply` and `rollback` need them, the read-only policy does not grant them. */
const WRITES = /^(Register|Deregister|Update|Create|Delete|Put|Tag|Untag|Run|Start|Stop)/;

/**
 * `service:Operation` for every `new XxxCommand(` in the live source and the
 * remediation planner (read operations only), the service found from the SDK
 * module exporting it.
 */
async function operationsInSource(): Promise<string[]> {
  const found = new Set<string>();
  for (const folder of ['src/sources/aws', 'src/remediate/account'].map((f) => join(root, f))) {
    for (const file of await readdir(folder)) {
      const text = await readFile(join(folder, file), 'utf8');
      for (const match of text.matchAll(/(?:new\s+(?:[\w.]+\.)?(\w+)Command\(|\bpaginate(\w+)\()/g)) {
        const operation = (match[1] ?? match[2]) as string;
        const name = `${operation}Command`;
        const service =
          name in ecs ? 'ecs' : name in sts ? 'sts' : name in account ? 'account' : name in elbv2 ? 'elasticloadbalancing' : undefined;
        assert.ok(service, `${name} (${file}) belongs to no known client`);
        if (!WRITES.test(operation)) found.add(`${service}:${operation}`);
      }
    }
  }
  return [...found].sort();
}

describe('least-privilege IAM policy (docs/iam-policy.json)', () => {
  it('lists exactly the operations the live source code calls', async () => {
    assert.deepEqual(await policyActions(), await operationsInSource());
  });

  it('covers every call a scan makes against the emulator, in every scope and with --all-regions', async () => {
    const emulator = await startSeededEmulator();
    try {
      for (const scope of ['latest', 'active', 'in-use', 'all'] as const) {
        const result = await scanLive(liveSource(emulator, { scope, regions: 'all' }));
        assert.deepEqual(result.errors, []);
      }
      const made = [...new Set(emulator.calls.map((c) => `${c.service}:${c.operation}`))].sort();
      const planOnly = ['ecs:DescribeClusters', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups'];
      assert.deepEqual(
        made,
        (await policyActions()).filter((a) => !planOnly.includes(a)),
      );
    } finally {
      await emulator.stop();
    }
  });

  it(
    'covers every call fix --aws makes to plan (services, cluster tags, load balancers), and together with a scan needs all of ' + 'it',
    async () => {
      const seeded = await seedAccount();
      try {
        const { account } = seeded.emulator;
        const lb = account.loadBalancing.createLoadBalancer(REGION, { name: 'public', scheme: 'internet-facing' });
        const tg = account.loadBalancing.createTargetGroup(REGION, { name: 'web-tg', loadBalancerArns: [lb.LoadBalancerArn] });
        account.registerTaskDefinition(REGION, { family: 'edge', containerDefinitions: [{ name: 'app', image: 'edge:1', user: 'root' }] });
        account.createService(REGION, { cluster: 'prod', name: 'edge', taskDefinition: 'edge:1', targetGroupArns: [tg.TargetGroupArn] });
        const { stdout, context } = streams();
        assert.equal(await runAccountFix(fixOptions(seeded.emulator, seeded.planFile), context), 1, stdout.text());
        const made = [...new Set(seeded.emulator.calls.map((c) => `${c.service}:${c.operation}`))].sort();
        const allowed = await policyActions();
        assert.deepEqual(
          made.filter((a) => !allowed.includes(a)),
          [],
        );
        for (const action of [
          'ecs:DescribeClusters',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeLoadBalancers',
        ]) {
          assert.ok(made.includes(action), action);
        }
      } finally {
        await seeded.stop();
      }
    },
  );

  it('docs/iam-policy.md shows the same policy', async () => {
    const markdown = await readFile(join(root, 'docs/iam-policy.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    assert.ok(block, 'a json block');
    assert.deepEqual(JSON.parse(block), JSON.parse(await readFile(join(root, 'docs/iam-policy.json'), 'utf8')));
  });
});
