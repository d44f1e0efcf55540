import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { FailFastRetryStrategy } from '../../../src/sources/aws/clients.js';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { runCli } from '../../support/cli.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator } from '../../support/ecs-emulator/index.js';
import { liveSource, scanLive, startSeededEmulator } from './helpers.js';

/** A loopback port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const HINT = 'check the network, proxy settings (HTTPS_PROXY) or --endpoint-url';

describe('AWS unreachable: one clear error, no silent retries', () => {
  it('connection refused on the first call: one error naming the endpoint, nothing else attempted', async () => {
    const port = await closedPort();
    const result = await scanLive(
      liveSource({ endpoint: `http://127.0.0.1:${port}` } as EcsEmulator, { regions: ['us-east-1', 'eu-west-1'], maxAttempts: 10 }),
    );
    assert.deepEqual(result.errors, [
      {
        message: `GetCallerIdentity failed: cannot reach http://127.0.0.1:${port} (ECONNREFUSED: connection refused); ${HINT}`,
        region: 'us-east-1',
        operation: 'GetCallerIdentity',
      },
    ]);
    assert.equal(result.summary.liveRevisions, 0);
  });

  it('a host name that does not resolve: one error naming the endpoint', async () => {
    // .invalid never resolves (RFC 6761); without any DNS server the lookup fails with EAI_AGAIN instead.
    const result = await scanLive(liveSource({ endpoint: 'http://ecsguard-test.invalid:4566' } as EcsEmulator, { regions: ['us-east-1'] }));
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]?.message ?? '',
      new RegExp(
        `^GetCallerIdentity failed: cannot reach http://ecsguard-test\\.invalid:4566 \\((ENOTFOUND: host name not found|EAI_AGAIN: DNS ` +
          `lookup failed)\\); ${HINT.replace(/[()]/g, '\\$&')}$`,
      ),
    );
  });

  it('the CLI prints one line for it and exits 2', async () => {
    const port = await closedPort();
    const run = await runCli(
      ['scan', '--aws', '--region', 'us-east-1,eu-west-1', '--endpoint-url', `http://127.0.0.1:${port}`, '--quiet'],
      {
        env: { AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey },
      },
    );
    assert.equal(
      run.stdout,
      `Input errors (1): what these name was not read, or not fully checked
  us-east-1 GetCallerIdentity: GetCallerIdentity failed: cannot reach http://127.0.0.1:${port} (ECONNREFUSED: connection refused); ${HINT}

0 task definitions checked from 0 files: 0 failed, 0 unknown, 0 not evaluated, 1 input error (incomplete, exit 2)
`,
    );
    assert.equal(run.code, 2);
  });
});

describe('the retry strategy', () => {
  const token = { getRetryCount: () => 0, getRetryDelay: () => 0 } as RetryToken;
  const delegate = (): RetryStrategyV2 & { refreshed: RetryErrorInfo[] } => {
    const refreshed: RetryErrorInfo[] = [];
    return {
      refreshed,
      acquireInitialRetryToken: async () => token,
      refreshRetryTokenForRetry: async (_token, info) => {
        refreshed.push(info);
        return token;
      },
      recordSuccess: () => undefined,
    };
  };
  const networkError = (code: string) =>
    Object.assign(new Error(`connect ${code}`), { code, $metadata: {} }) as RetryErrorInfo['error'] & object;

  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
    it(`does not retry ${code}`, async () => {
      const inner = delegate();
      const error = networkError(code);
      await assert.rejects(new FailFastRetryStrategy(inner).refreshRetryTokenForRetry(token, { error, errorType: 'TRANSIENT' }), error);
      assert.deepEqual(inner.refreshed, []);
    });
  }

  for (const [what, info] of [
    ['a connection reset', { error: networkError('ECONNRESET'), errorType: 'TRANSIENT' }],
    [
      'throttling',
      { error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }), errorType: 'THROTTLING' },
    ],
    [
      'a 5xx',
      {
        error: Object.assign(new Error('unavailable'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }),
        errorType: 'SERVER_ERROR',
      },
    ],
  ] as const) {
    it(`leaves ${what} to the adaptive retries`, async () => {
      const inner = delegate();
      await new FailFastRetryStrategy(inner).refreshRetryTokenForRetry(token, info as RetryErrorInfo);
      assert.deepEqual(inner.refreshed, [info]);
    });
  }
});

describe('throttling and 5xx on the first call keep their retries (emulator)', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startSeededEmulator();
  });
  after(() => emulator.stop());
  afterEach(() => {
    emulator.faults.clear();
    emulator.resetCalls();
  });

  it('GetCallerIdentity throttled twice, then a 500: retried, and the scan completes', async () => {
    emulator.faults.add({
      service: 'sts',
      operation: 'GetCallerIdentity',
      times: 2,
      error: { type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    emulator.faults.add({ service: 'sts', operation: 'GetCallerIdentity', times: 1, error: { type: 'ServerException', status: 500 } });
    const result = await scanLive(liveSource(emulator, { scope: 'latest' }));
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.taskDefinitions, 4);
    assert.deepEqual(emulator.countCalls({ operation: 'GetCallerIdentity' }), { GetCallerIdentity: 4 });
  });
});
