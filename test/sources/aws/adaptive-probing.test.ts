import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefaultRateLimiter } from '@smithy/core/retry';
import { probeInCalls } from '../../../src/sources/aws/clients.js';

/** Drives a rate limiter on a clock the test sets: one answer per second, then a throttle, then successes. */
function fillRateAfterThrottle(limiter: DefaultRateLimiter, secondsAfter: number): { lastMax: number; rate: number } {
  const internals = limiter as unknown as { getCurrentTimeInSeconds: () => number; fillRate: number; lastMaxRate: number };
  // The limiter started its first rate bucket at the real time when it was built.
  let now = Math.ceil(Date.now() / 1000);
  internals.getCurrentTimeInSeconds = () => now;
  const throttle = { errorType: 'THROTTLING' };
  // A client sending about one call per second under a limit a little below that.
  for (let i = 0; i < 6; i++) {
    now += 1;
    limiter.updateClientSendingRate({});
  }
  now += 1;
  limiter.updateClientSendingRate(throttle);
  const lastMax = internals.lastMaxRate;
  for (let i = 0; i < secondsAfter; i++) {
    now += 1;
    limiter.updateClientSendingRate({});
  }
  return { lastMax, rate: internals.fillRate };
}

describe('adaptive retry probing (probeInCalls)', () => {
  it('under a limit near one call per second, the SDK is back above its last limit within seconds; probing in calls is not', () => {
    const sdk = fillRateAfterThrottle(new DefaultRateLimiter({ smooth: 1 }), 4);
    assert.ok(sdk.lastMax > 0);
    assert.ok(sdk.rate > sdk.lastMax, `SDK: ${sdk.rate} after 4 s, last limit ${sdk.lastMax}`);
    const paced = fillRateAfterThrottle(probeInCalls(new DefaultRateLimiter({ smooth: 1 })), 4);
    assert.equal(paced.lastMax, sdk.lastMax);
    assert.ok(paced.rate < paced.lastMax, `paced: ${paced.rate} after 4 s, last limit ${paced.lastMax}`);
  });

  it('still climbs past the last limit in the end (a limit that was raised is found)', () => {
    const paced = fillRateAfterThrottle(probeInCalls(new DefaultRateLimiter({ smooth: 1 })), 60);
    assert.ok(paced.rate > paced.lastMax, `paced: ${paced.rate} after 60 s, last limit ${paced.lastMax}`);
  });

  it('a limiter without the internals it adjusts is returned unchanged', () => {
    const other = { getSendToken: () => Promise.resolve(), updateClientSendingRate: () => undefined };
    assert.equal(probeInCalls(other), other);
    assert.deepEqual(Object.keys(other), ['getSendToken', 'updateClientSendingRate']);
  });
});
