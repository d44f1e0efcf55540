import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefaultRateLimiter } from '@smithy/core/retry';
import { AwsClients, RegionPacing, ThrottleWindowRateLimiter, loadSdk } from '../../../src/sources/aws/clients.js';
import { RevisionDescriber } from '../../../src/sources/aws/describe.js';
import { createEcsApi, type EcsApi } from '../../../src/sources/aws/ecs-api.js';
import { AwsLiveSource } from '../../../src/sources/aws/live-source.js';
import { createLimiter } from '../../../src/sources/aws/limiter.js';
import { NO_PROGRESS, countingDescribes } from '../../support/counting-describes.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const THROTTLE = { errorType: 'THROTTLING' };
const fillRate = (limiter: object) => (limiter as { fillRate: number }).fillRate;

/** How many tokens the SDK's bucket has handed out, counted by wrapping its getSendToken once. */
function bucketTakes(limiter: ThrottleWindowRateLimiter): number {
  const inner = (limiter as unknown as { inner: DefaultRateLimiter & { takes?: number } }).inner;
  if (inner.takes === undefined) {
    inner.takes = 0;
    const take = inner.getSendToken.bind(inner);
    inner.getSendToken = () => {
      inner.takes = (inner.takes ?? 0) + 1;
      return take();
    };
  }
  return inner.takes;
}

/** `n` sends, all let through (the limiter is not enabled before its first throttle). */
async function send(limiter: { getSendToken(): Promise<void> }, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await limiter.getSendToken();
}

describe('adaptive rate limiter: one cut per window', () => {
  it('ten throttles for requests sent before the cut cut the rate once, not ten times', async () => {
    const inner = new DefaultRateLimiter({ smooth: 1 });
    const limiter = new ThrottleWindowRateLimiter(inner);
    // A burst of 60 requests in flight: 50 accepted, then the 10 sent with them come back throttled together.
    await send(limiter, 60);
    for (let i = 0; i < 50; i++) limiter.updateClientSendingRate({});
    for (let i = 0; i < 10; i++) limiter.updateClientSendingRate(THROTTLE);
    // 51 answered (the throttle too) within a second: seeded at 51/s, one cut of 0.7x (a first throttle with a
    // measured rate of 0 would land on the SDK's floor of 0.5/s).
    assert.equal(limiter.rate, 35.7);
  });

  it('the SDK limiter alone collapses to its floor on the same answers (the defect this repairs)', async () => {
    const inner = new DefaultRateLimiter({ smooth: 1 });
    await send(inner, 60);
    for (let i = 0; i < 50; i++) inner.updateClientSendingRate({});
    for (let i = 0; i < 10; i++) inner.updateClientSendingRate(THROTTLE);
    assert.equal(fillRate(inner), 0.5);
  });

  it('a throttle for a request sent after the cut cuts again', async () => {
    const limiter = new ThrottleWindowRateLimiter(new DefaultRateLimiter({ smooth: 1 }));
    await send(limiter, 12);
    for (let i = 0; i < 10; i++) limiter.updateClientSendingRate({});
    limiter.updateClientSendingRate(THROTTLE);
    const first = limiter.rate;
    assert.ok(first !== undefined && first > 0.5, `first cut to ${String(first)}`);
    // The 12th request was sent before the cut: its throttle is counted only.
    limiter.updateClientSendingRate(THROTTLE);
    assert.equal(limiter.rate, first);
    // One sent after the cut, throttled: the rate is too high still.
    await send(limiter, 1);
    limiter.updateClientSendingRate(THROTTLE);
    assert.ok(limiter.rate !== undefined && limiter.rate < first, `second cut: ${String(limiter.rate)} < ${first}`);
  });

  it('lets everything through until the first throttle', async () => {
    const limiter = new ThrottleWindowRateLimiter(new DefaultRateLimiter({ smooth: 1 }));
    await send(limiter, 100);
    for (let i = 0; i < 100; i++) limiter.updateClientSendingRate({});
    assert.equal(limiter.rate, undefined);
  });
});

describe('waiting for the rate outside the SDK', () => {
  it('ready() resolves at once before the first throttle, and after a throttle only once a token is there', async () => {
    const limiter = new ThrottleWindowRateLimiter(new DefaultRateLimiter({ smooth: 1 }));
    await limiter.ready();
    await send(limiter, 11);
    for (let i = 0; i < 10; i++) limiter.updateClientSendingRate({});
    limiter.updateClientSendingRate(THROTTLE);
    // 7.7/s: the bucket holds at most one second's worth; empty it, then one token takes about 130 ms.
    await limiter.getSendToken();
    while ((limiter as unknown as { inner: { availableTokens: number } }).inner.availableTokens >= 1) await limiter.getSendToken();
    const started = performance.now();
    await limiter.ready();
    const waited = performance.now() - started;
    assert.ok(waited >= 20, `waited ${waited.toFixed(0)} ms for a token`);
    // The token is the caller's: the send that follows takes none from the SDK's bucket.
    const tokensBefore = bucketTakes(limiter);
    await limiter.getSendToken();
    assert.equal(bucketTakes(limiter), tokensBefore);
  });

  it('two callers waiting for one token: the second waits for the next token here, not inside the SDK', async () => {
    const limiter = new ThrottleWindowRateLimiter(new DefaultRateLimiter({ smooth: 1 }));
    await send(limiter, 11);
    for (let i = 0; i < 10; i++) limiter.updateClientSendingRate({});
    limiter.updateClientSendingRate(THROTTLE);
    while ((limiter as unknown as { inner: { availableTokens: number } }).inner.availableTokens >= 1) await limiter.getSendToken();
    const order: string[] = [];
    const caller = async (name: string) => {
      await limiter.ready();
      order.push(`${name} ready`);
      const takes = bucketTakes(limiter);
      await limiter.getSendToken();
      order.push(`${name} sent${bucketTakes(limiter) === takes ? ' at once' : ' after waiting'}`);
    };
    bucketTakes(limiter);
    const started = performance.now();
    await Promise.all([caller('first'), caller('second')]);
    // 7.7/s: the second token comes about 130 ms after the first.
    assert.ok(performance.now() - started >= 100, `two tokens took ${(performance.now() - started).toFixed(0)} ms`);
    // Which caller the SDK's timers wake first is not fixed (their delays differ by the clock's last tick); each
    // send follows its own ready() with the token that ready() took.
    const byCaller = (name: string) => order.filter((step) => step.startsWith(name));
    assert.deepEqual(byCaller('first'), ['first ready', 'first sent at once']);
    assert.deepEqual(byCaller('second'), ['second ready', 'second sent at once']);
    assert.equal(order.length, 4);
  });
});

describe('region pacing', () => {
  it('the whole budget until throttled, then what the rate keeps busy (never fewer than two)', async () => {
    const pacing = new RegionPacing();
    pacing.rateLimiter = new ThrottleWindowRateLimiter(new DefaultRateLimiter({ smooth: 1 }));
    pacing.attemptTook(20);
    assert.equal(pacing.inFlight(10), 10);
    await send(pacing.rateLimiter, 11);
    for (let i = 0; i < 10; i++) pacing.rateLimiter.updateClientSendingRate({});
    pacing.rateLimiter.updateClientSendingRate(THROTTLE);
    // 11 answered over (at least) a second: 7.7/s after the cut; 7.7/s × 20 ms × 2 is under one request.
    assert.equal(pacing.rateLimiter.rate, 7.7);
    assert.equal(pacing.inFlight(10), 2);
    // Slow attempts need more in flight to keep the same rate: 7.7/s × 500 ms × 2 = 7.7, rounded up, plus one.
    for (let i = 0; i < 40; i++) pacing.attemptTook(500);
    assert.equal(pacing.inFlight(10), 9);
    assert.equal(pacing.inFlight(5), 5);
  });
});

describe('describes started follow the pace', () => {
  it('a limiter whose bound drops starts no more than the new bound', async () => {
    let bound = 10;
    const limiter = createLimiter(() => bound);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    const first = Array.from({ length: 10 }, () => limiter.run(task));
    assert.equal(running, 10);
    bound = 2;
    most = 0;
    const rest = Array.from({ length: 20 }, () => limiter.run(task));
    await Promise.all(first);
    // Once the first ten are done, never more than two at once.
    most = running;
    await Promise.all(rest);
    assert.ok(most <= 2, `at most 2 in flight after the bound dropped, saw ${most}`);
  });

  it('RevisionDescriber reads its bound before each start', async () => {
    let bound = 3;
    let running = 0;
    const seen: number[] = [];
    const api = {
      describeTaskDefinition: async (_region: string, arn: string) => {
        running++;
        seen.push(running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return { taskDefinition: { taskDefinitionArn: arn }, tags: [] };
      },
    } as unknown as EcsApi;
    const results: string[] = [];
    const progress = { cacheHit: () => undefined, described: () => undefined, failed: () => undefined };
    const describer = new RevisionDescriber(
      api,
      'us-east-1',
      undefined,
      progress,
      (r) => results.push(r.arn),
      () => bound,
    );
    for (let i = 1; i <= 12; i++) describer.add(`arn:aws:ecs:us-east-1:111111111111:task-definition/web:${i}`);
    await describer.settled();
    assert.equal(results.length, 12);
    assert.equal(Math.max(...seen), 3);
    bound = 1;
    seen.length = 0;
    for (let i = 13; i <= 20; i++) describer.add(`arn:aws:ecs:us-east-1:111111111111:task-definition/web:${i}`);
    await describer.settled();
    assert.equal(results.length, 20);
    assert.equal(Math.max(...seen), 1);
  });
});

describe('revisions waiting for a describe', () => {
  it('wait as ARNs: a few dozen bytes each, not a suspended call', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const api = {
      describeTaskDefinition: async (_region: string, arn: string) => {
        await blocked;
        return { taskDefinition: { taskDefinitionArn: arn }, tags: [] };
      },
    } as unknown as EcsApi;
    let results = 0;
    const progress = { cacheHit: () => undefined, described: () => undefined, failed: () => undefined };
    const describer = new RevisionDescriber(api, 'us-east-1', undefined, progress, () => results++, 2);
    const arns = Array.from({ length: 20_000 }, (_, i) => `arn:aws:ecs:us-east-1:111111111111:task-definition/web:${i + 1}`);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (const arn of arns) describer.add(arn);
    gc();
    const perRevision = (process.memoryUsage().heapUsed - before) / arns.length;
    // A promise chain per revision (async frames, promises, the limiter's closure) was about 1 KB.
    assert.ok(perRevision < 100, `${perRevision.toFixed(0)} bytes per waiting revision`);
    release();
    await describer.settled();
    assert.equal(results, 20_000);
  });

  it('an abort stops the queue: settled() rejects with it and nothing more starts', async () => {
    let started = 0;
    const api = {
      describeTaskDefinition: async () => {
        started++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new DOMException('This operation was aborted', 'AbortError');
      },
    } as unknown as EcsApi;
    const progress = { cacheHit: () => undefined, described: () => undefined, failed: () => undefined };
    const describer = new RevisionDescriber(api, 'us-east-1', undefined, progress, () => undefined, 3);
    for (let i = 1; i <= 50; i++) describer.add(`arn:aws:ecs:us-east-1:111111111111:task-definition/web:${i}`);
    await assert.rejects(describer.settled(), /aborted/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(started, 3);
    await assert.rejects(describer.settled(), /aborted/);
  });
});

describe('describes started across account-regions', () => {
  it("two regions' describers share a start budget: never more started at once than it allows", async () => {
    const { api, most } = countingDescribes(() => new Promise((resolve) => setTimeout(resolve, 2)));
    const starts = createLimiter(3);
    let results = 0;
    const describers = ['us-east-1', 'eu-west-1'].map(
      (region) => new RevisionDescriber(api, region, undefined, NO_PROGRESS, () => results++, 10, { starts }),
    );
    for (const [r, describer] of describers.entries())
      for (let i = 1; i <= 10; i++) describer.add(`arn:aws:ecs:us-east-1:11111111111${r}:task-definition/web:${i}`);
    await Promise.all(describers.map((d) => d.settled()));
    assert.equal(results, 20);
    assert.equal(most(), 3);
  });
});

describe('a throttled region, end to end (emulator)', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startEcsEmulator({ regions: ['us-east-1'] });
    for (let i = 0; i < 30; i++)
      emulator.account.registerTaskDefinition('us-east-1', {
        family: `web-${i % 3}`,
        containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000' }],
      });
    // A burst of 2 at 10/s: 30 describes sent 10 at a time exceed it however slowly a loaded machine sends them.
    emulator.faults.rateLimit('DescribeTaskDefinition', { ratePerSecond: 10, burst: 2 });
  });
  after(() => emulator.stop());

  it("the client's pacing sees the throttle and asks for fewer describes in flight; every revision is described", async () => {
    const clients = new AwsClients(
      await loadSdk(),
      { endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 10 },
      'us-east-1',
      { perClient: 10 },
    );
    const api = createEcsApi(clients);
    try {
      const pacing = clients.ecsPacing('us-east-1');
      assert.equal(pacing.inFlight(10), 10);
      const arns = await api.listTaskDefinitions('us-east-1', 'ACTIVE');
      const described = await Promise.all(arns.map((arn) => api.describeTaskDefinition('us-east-1', arn)));
      assert.equal(described.length, 30);
      assert.ok(
        emulator.calls.some((c) => c.outcome === 'ThrottlingException'),
        'the burst of 2 was exceeded',
      );
      assert.notEqual(pacing.rateLimiter?.rate, undefined, 'the rate limiter is engaged');
      // Bounded by rate x attempt time, not by the cap: on a loaded machine attempts are slow and that product can
      // reach a cap of 10, but never 1,000.
      assert.ok(pacing.inFlight(1000) < 1000, `fewer in flight once throttled: ${pacing.inFlight(1000)}`);
    } finally {
      clients.destroy();
    }
  });
});

describe('a slow region hands over what it described as it goes', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startEcsEmulator({ regions: ['us-east-1'] });
    for (let i = 0; i < 12; i++)
      emulator.account.registerTaskDefinition('us-east-1', {
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx', ...(i % 2 ? { privileged: true } : { user: '1000' }) }],
      });
    // About 3 s for 12 describes: far from filling a part of 25.
    emulator.faults.rateLimit('DescribeTaskDefinition', { ratePerSecond: 4, burst: 2 });
  });
  after(() => emulator.stop());

  it('parts go to the engine within about a second of their describes, every revision once', async () => {
    const source = new AwsLiveSource({
      scope: 'active',
      regions: ['us-east-1'],
      accountId: '123456789012',
      endpointUrl: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });
    const parts: string[][] = [];
    await source.loadInParts(undefined, (part) => {
      if (part.definitions.length) parts.push(part.definitions.map((d) => d.resource.arn ?? ''));
    });
    const arns = parts.flat();
    assert.equal(arns.length, 12);
    assert.equal(new Set(arns).size, 12);
    assert.ok(parts.length >= 2, `several parts while the region was described, got ${parts.length}`);
  });
});
