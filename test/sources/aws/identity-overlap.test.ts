import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSdk } from '../../../src/sources/aws/clients.js';
import { AwsLiveSource } from '../../../src/sources/aws/live-source.js';
import { EMULATOR_CREDENTIALS } from '../../support/ecs-emulator/index.js';
import { ACCOUNT, liveSource, scanLive, startSeededEmulator } from './helpers.js';

/** Resolves once the emulator has answered `operation` (ordering, not timing: a loaded machine only makes it later). */
async function recorded(emulator: { calls: Array<{ operation: string }> }, operation: string): Promise<void> {
  for (let waited = 0; !emulator.calls.some((c) => c.operation === operation); waited += 5) {
    if (waited > 60_000) throw new Error(`the emulator never answered ${operation}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('GetCallerIdentity overlaps the listing', () => {
  it('listing and describes start while the identity call is still answering; every resource still names the account', async () => {
    const emulator = await startSeededEmulator();
    try {
      const sdk = await loadSdk();
      // The identity request is sent only once a describe has been answered: a scan that waited for it would hang here.
      class LateIdentity extends sdk.sts.GetCallerIdentityCommand {
        override resolveMiddleware(...args: Parameters<InstanceType<typeof sdk.sts.GetCallerIdentityCommand>['resolveMiddleware']>) {
          const handler = super.resolveMiddleware(...args);
          return (async (input: Parameters<typeof handler>[0]) => {
            await recorded(emulator, 'DescribeTaskDefinition');
            return handler(input);
          }) as typeof handler;
        }
      }
      const source = new AwsLiveSource(
        { scope: 'latest', regions: ['us-east-1'], endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS },
        () => Promise.resolve({ ...sdk, sts: { ...sdk.sts, GetCallerIdentityCommand: LateIdentity } }),
      );
      const result = await scanLive(source);
      const identity = emulator.calls.find((c) => c.operation === 'GetCallerIdentity');
      const firstList = emulator.calls.find((c) => c.operation === 'ListTaskDefinitions');
      const firstDescribe = emulator.calls.find((c) => c.operation === 'DescribeTaskDefinition');
      assert.ok(identity && firstList && firstDescribe);
      assert.ok(firstList.at < identity.at, 'ListTaskDefinitions answered before GetCallerIdentity');
      assert.ok(firstDescribe.at < identity.at, 'DescribeTaskDefinition answered before GetCallerIdentity');
      assert.deepEqual(result.errors, []);
      assert.ok(result.findings.length > 0);
      assert.deepEqual([...new Set(result.findings.map((f) => f.resource.accountId))], [ACCOUNT]);
    } finally {
      await emulator.stop();
    }
  });

  it('an identity call that fails (not for credentials or the network) is reported, and the scan goes on', async () => {
    const emulator = await startSeededEmulator();
    try {
      emulator.faults.add({
        service: 'sts',
        operation: 'GetCallerIdentity',
        error: { type: 'AccessDenied', message: 'not allowed', status: 403 },
      });
      const result = await scanLive(liveSource(emulator, { scope: 'latest' }));
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0]?.operation, 'GetCallerIdentity');
      assert.ok(result.summary.findings.FAIL > 0, 'the regions were still scanned');
      // Every definition was described: none is left out or passed for want of the identity.
      assert.deepEqual([...new Set(result.findings.map((f) => f.resource.accountId))], [ACCOUNT]);
    } finally {
      await emulator.stop();
    }
  });

  it(
    'an identity endpoint that cannot be reached, answering after the regions were listed: its error alone, no revision ' + 'delivered',
    async () => {
      const emulator = await startSeededEmulator();
      try {
        const sdk = await loadSdk();
        // STS refuses the connection once ECS (same emulator) has answered a listing.
        class RefusedIdentity extends sdk.sts.GetCallerIdentityCommand {
          override resolveMiddleware(): never {
            return (async () => {
              await recorded(emulator, 'ListTaskDefinitions');
              throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
            }) as never;
          }
        }
        const source = new AwsLiveSource(
          { scope: 'latest', regions: ['us-east-1', 'eu-west-1'], endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS },
          () => Promise.resolve({ ...sdk, sts: { ...sdk.sts, GetCallerIdentityCommand: RefusedIdentity } }),
        );
        const result = await scanLive(source);
        assert.ok(
          emulator.calls.some((c) => c.operation === 'ListTaskDefinitions'),
          'the regions had started',
        );
        assert.deepEqual(
          result.errors.map((e) => e.operation),
          ['GetCallerIdentity'],
        );
        assert.equal(result.summary.liveRevisions, 0);
        assert.deepEqual(result.findings, []);
      } finally {
        await emulator.stop();
      }
    },
  );
});

describe('requests in flight share the regions stop signal', () => {
  it('a scan with many requests in flight prints no MaxListenersExceededWarning', async () => {
    const emulator = await startSeededEmulator();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      emulator.faults.latency(30, { service: 'ecs', operation: 'DescribeTaskDefinition' });
      const result = await scanLive(liveSource(emulator, { scope: 'all', regions: 'all' }));
      assert.deepEqual(result.errors, []);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
      await emulator.stop();
    }
  });
});
