import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AwsClients, loadSdk } from '../../../src/sources/aws/clients.js';
import { createEcsApi } from '../../../src/sources/aws/ecs-api.js';
import { createLimiter } from '../../../src/sources/aws/limiter.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const THROTTLED = 'eu-west-1';
const HEALTHY = 'us-east-1';

describe('request budget (client middleware)', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startEcsEmulator({ regions: [HEALTHY, THROTTLED] });
    for (const region of [HEALTHY, THROTTLED]) {
      emulator.account.registerTaskDefinition(region, {
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000' }],
      });
    }
    // Every DescribeTaskDefinition in one region is throttled: its calls spend their time in retry back-off.
    emulator.faults.add({
      region: THROTTLED,
      operation: 'DescribeTaskDefinition',
      error: { type: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
    });
  });
  after(() => emulator.stop());

  it('a shared slot is held per HTTP attempt, never while a throttled call sleeps in back-off', async () => {
    const shared = createLimiter(1);
    const calls: string[] = [];
    const clients = new AwsClients(
      await loadSdk(),
      { endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 10 },
      HEALTHY,
      {
        perClient: 5,
        shared,
        onCall: (operation) => calls.push(operation),
      },
    );
    const stop = new AbortController();
    const api = createEcsApi(clients, stop.signal);
    try {
      let throttledSettled = false;
      const throttled = api.describeTaskDefinition(THROTTLED, 'web').finally(() => (throttledSettled = true));
      throttled.catch(() => undefined);
      // Wait until its first attempt was refused: it is now backing off, between attempts.
      while (emulator.calls.filter((c) => c.region === THROTTLED).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // The only shared slot must be free for the other region (one slot held through the back-off would block this call
      // until the throttled one gave up after ten attempts).
      const healthy = await api.describeTaskDefinition(HEALTHY, 'web');
      assert.equal(healthy.taskDefinition.family, 'web');
      assert.equal(throttledSettled, false, 'the throttled call is still retrying');
      // One count per command, not per attempt.
      assert.deepEqual(calls, ['DescribeTaskDefinition', 'DescribeTaskDefinition']);
      stop.abort();
      await assert.rejects(throttled);
    } finally {
      api.close();
    }
  });
});
