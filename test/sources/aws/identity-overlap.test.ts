import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, liveSource, scanLive, startSeededEmulator } from './helpers.js';

describe('GetCallerIdentity overlaps the listing', () => {
  it('listing and describes start while the identity call is still answering; every resource still names the account', async () => {
    const emulator = await startSeededEmulator();
    try {
      emulator.faults.latency(400, { service: 'sts', operation: 'GetCallerIdentity' });
      const result = await scanLive(liveSource(emulator, { scope: 'latest' }));
      const identity = emulator.calls.find((c) => c.operation === 'GetCallerIdentity');
      const firstList = emulator.calls.find((c) => c.operation === 'ListTaskDefinitions');
      const firstDescribe = emulator.calls.find((c) => c.operation === 'DescribeTaskDefinition');
      assert.ok(identity && firstList && firstDescribe);
      // Answered (and recorded) after its 400 ms: the ECS calls were made meanwhile.
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
});
