import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as account from '@aws-sdk/client-account';
import * as ecs from '@aws-sdk/client-ecs';
import * as sts from '@aws-sdk/client-sts';
import { liveSource, scanLive, startSeededEmulator } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function policyActions(): Promise<string[]> {
  const policy = JSON.parse(await readFile(join(root, 'docs/iam-policy.json'), 'utf8')) as {
    Statement: Array<{ Effect: string; Action: string[]; Resource: string }>;
  };
  assert.ok(policy.Statement.every((s) => s.Effect === 'Allow' && s.Resource === '*'));
  return policy.Statement.flatMap((s) => s.Action).sort();
}

/** `service:Operation` for every `new XxxCommand(` in the live source, the service found from the SDK module exporting it. */
async function operationsInSource(): Promise<string[]> {
  const folder = join(root, 'src/sources/aws');
  const found = new Set<string>();
  for (const file of await readdir(folder)) {
    const text = await readFile(join(folder, file), 'utf8');
    for (const match of text.matchAll(/new\s+(?:[\w.]+\.)?(\w+)Command\(/g)) {
      const name = `${match[1]}Command`;
      const service = name in ecs ? 'ecs' : name in sts ? 'sts' : name in account ? 'account' : undefined;
      assert.ok(service, `${name} (${file}) belongs to no known client`);
      found.add(`${service}:${match[1]}`);
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
      assert.deepEqual(made, await policyActions());
    } finally {
      await emulator.stop();
    }
  });

  it('docs/iam-policy.md shows the same policy', async () => {
    const markdown = await readFile(join(root, 'docs/iam-policy.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    assert.ok(block, 'a json block');
    assert.deepEqual(JSON.parse(block), JSON.parse(await readFile(join(root, 'docs/iam-policy.json'), 'utf8')));
  });
});
