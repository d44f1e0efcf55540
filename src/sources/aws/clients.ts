import type { AccountClient } from '@aws-sdk/client-account';
import type { ECSClient, ECSClientConfig } from '@aws-sdk/client-ecs';
import type { STSClient } from '@aws-sdk/client-sts';
import type {
  DeserializeHandlerOptions,
  DeserializeMiddleware,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
  StandardRetryToken,
} from '@smithy/types';
import { addAttemptMiddleware } from './attempt-middleware.js';
import { isUnreachable } from './errors.js';
import { type Limiter, createLimiter } from './limiter.js';
import { type SharedEcsClients, resolveInLane } from './shared-ecs-clients.js';

/** Static credentials or a provider, as every SDK client accepts them. */
export type Credentials = NonNullable<ECSClientConfig['credentials']>;
type CredentialIdentity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
type CredentialProvider = () => Promise<CredentialIdentity>;

/** The SDK modules, imported on first use so `--help` and file-only scans never load them. */
export interface AwsSdk {
  ecs: typeof import('@aws-sdk/client-ecs');
  sts: typeof import('@aws-sdk/client-sts');
  account: typeof import('@aws-sdk/client-account');
  credentials: typeof import('@aws-sdk/credential-providers');
  /** The SDK's retry strategies, wrapped so that an unreachable endpoint fails at once (absent in some test fakes). */
  retry?: typeof import('@smithy/core/retry');
}

let loaded: Promise<AwsSdk> | undefined;

export function loadSdk(): Promise<AwsSdk> {
  loaded ??= Promise.all([
    import('@aws-sdk/client-ecs'),
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-account'),
    import('@aws-sdk/credential-providers'),
    import('@smithy/core/retry'),
  ]).then(([ecs, sts, account, credentials, retry]) => ({ ecs, sts, account, credentials, retry }));
  return loaded;
}

/**
 * How every AWS caller reaches an account: scan, fix --aws, apply and rollback, the organization scan's management
 * account. The CLI builds it once from the shared connection options (src/cli/connection-options.ts).
 */
export interface AwsConnection {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  /** One endpoint for every service (an emulator such as LocalStack or the test emulator). */
  endpointUrl?: string;
  /** Explicit credentials (library use, tests); otherwise the SDK's default chain or `profile`. */
  credentials?: Credentials;
  /** Attempts per request, including retries of throttled and failed calls (default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/**
 * The one retry default: adaptive retry needs room to back off under throttling (the SDK's own default is 3), and
 * unreachable endpoints fail on the first attempt anyway (FailFastRetryStrategy).
 */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** Requests in flight, enforced by middleware on every client so paginators and plain sends are bounded alike. */
export interface RequestBudget {
  /** Calls in flight per client (per account-region), retries and their back-off included. */
  perClient?: number;
  /**
   * A budget shared with other clients (an organization scan): held only while an HTTP attempt is in flight, never
   * while the SDK sleeps in retry back-off or waits for the adaptive rate limiter.
   */
  shared?: Limiter;
  /** Called once per command (not per attempt): `ListTaskDefinitions`, `AssumeRole`… */
  onCall?: (operation: string) => void;
  /**
   * Connection pools shared by every client of an organization scan, so sockets follow the requests in flight, not
   * the number of account-regions (each client's own pool kept up to ten sockets per pair). The owner destroys them.
   */
  agents?: SharedAgents;
  /**
   * ECS clients shared with other account-regions (an organization scan): this account-region's calls go through
   * the region's shared client as its own lane (its credentials, adaptive retry, budget and counter), instead of a
   * client of its own held for the whole scan. The owner destroys them.
   */
  sharedEcs?: SharedEcsClients;
}

export interface SharedAgents {
  http: import('node:http').Agent;
  https: import('node:https').Agent;
}

/** Keep-alive pools for SharedAgents, sized to the requests allowed in flight. */
export async function createSharedAgents(maxSockets: number): Promise<SharedAgents> {
  const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  return { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
}

/** Every client's HTTP settings: timeouts, and the shared pools when there are (SharedAgents). */
export function requestHandlerSettings(agents?: SharedAgents) {
  return {
    connectionTimeout: 5_000,
    requestTimeout: 60_000,
    ...(agents ? { httpAgent: agents.http, httpsAgent: agents.https } : {}),
  };
}

/** The Account API is global; its endpoint lives in us-east-1. */
const ACCOUNT_API_REGION = 'us-east-1';

/**
 * Builds one client per region and service, all sharing one credentials
 * provider (so a role is assumed once, not once per region). Retries use the
 * SDK's adaptive mode: throttling slows the client down instead of failing it.
 */
export class AwsClients {
  private readonly ecsClients = new Map<string, ECSClient>();
  private readonly stsClients = new Map<string, STSClient>();
  private readonly pacings = new Map<string, RegionPacing>();
  /** Lanes taken on shared ECS clients, released with destroy(). */
  private readonly lanes: Array<() => void> = [];
  private readonly laneViews = new Set<object>();
  private accountClient: AccountClient | undefined;
  private readonly credentials: Credentials | undefined;

  constructor(
    readonly sdk: AwsSdk,
    private readonly options: AwsConnection,
    /** Region for STS when assuming a role (the first scanned region). */
    stsRegion: string,
    private readonly budget: RequestBudget = {},
  ) {
    this.credentials = this.buildCredentials(stsRegion);
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  /**
   * Adaptive retry's client-side rate limiter measures the sending rate in half-second buckets and smooths it with
   * the past (default 0.8 new, 0.2 old, starting from 0 at client creation): the first throttle then cuts the rate to
   * 0.7 x a rate far below the real one (a scan fell to 5 requests/s under a 20/s limit for seconds). `smooth: 1` uses
   * the last bucket's rate, so the cut lands near the limit.
   */
  private common(region: string, pacing?: RegionPacing) {
    const retryStrategy = this.retryStrategy(pacing);
    return {
      region,
      ...(this.options.profile ? { profile: this.options.profile } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
      ...(this.credentials ? { credentials: this.credentials } : {}),
      maxAttempts: this.maxAttempts,
      retryMode: 'adaptive' as const,
      ...(retryStrategy ? { retryStrategy } : {}),
      requestHandler: requestHandlerSettings(this.budget.agents),
    };
  }

  /** Adaptive retry with its own rate limiter (one per account-region), which `pacing` then reads. */
  private retryStrategy(pacing?: RegionPacing): RetryStrategyV2 | undefined {
    const { retry } = this.sdk;
    if (!retry) return undefined;
    const rateLimiter = new ThrottleWindowRateLimiter(new retry.DefaultRateLimiter({ smooth: 1 }));
    if (pacing) pacing.rateLimiter = rateLimiter;
    return new FailFastRetryStrategy(
      new retry.AdaptiveRetryStrategy(this.maxAttempts, {
        rateLimiter,
        backoff: new ThrottlingBackoff(),
      }),
    );
  }

  /**
   * Every client names the endpoint in a connection error, so the report can say which one was unreachable, and
   * keeps the request budget: `perClient` around the whole command (initialize step: a throttled account-region
   * waits in its own back-off), `shared` around each HTTP attempt only (deserialize step, inside the retry loop).
   */
  private withEndpointInErrors<C extends ECSClient | STSClient | AccountClient>(client: C, pacing?: RegionPacing): C {
    const stack = client.middlewareStack as unknown as {
      add(
        middleware: DeserializeMiddleware<object, MetadataBearer> | InitializeMiddleware<object, MetadataBearer>,
        options: (DeserializeHandlerOptions | InitializeHandlerOptions) & { priority?: 'high' | 'normal' | 'low' },
      ): void;
    };
    const { perClient, shared, onCall } = this.budget;
    const own = perClient ? createLimiter(perClient) : undefined;
    if (own || onCall) {
      const call: InitializeMiddleware<object, MetadataBearer> = (next, context) => (args) => {
        onCall?.(String(context.commandName ?? 'Unknown').replace(/Command$/, ''));
        return own ? own.run(() => next(args)) : next(args);
      };
      stack.add(call, { step: 'initialize', name: 'ecsguardCallsInFlight', priority: 'high' });
    }
    addAttemptMiddleware(
      stack,
      shared,
      pacing &&
        ((ms) => {
          pacing.attemptTook(ms);
        }),
    );
    return client;
  }

  private buildCredentials(stsRegion: string): Credentials | undefined {
    const { credentials, profile, roleArn, externalId, endpointUrl } = this.options;
    const base = credentials ?? (profile ? this.sdk.credentials.fromNodeProviderChain({ profile }) : undefined);
    if (!roleArn) return base;
    return memoizeUntilExpiry(
      this.sdk.credentials.fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: `ecsguard-${Date.now()}`, ...(externalId ? { ExternalId: externalId } : {}) },
        ...(base ? { masterCredentials: base } : {}),
        clientConfig: { region: stsRegion, ...(endpointUrl ? { endpoint: endpointUrl } : {}), ...(profile ? { profile } : {}) },
      }),
    );
  }

  /** The shared connection settings, for clients built elsewhere (ECR, for image users). */
  clientConfig(region: string): ReturnType<AwsClients['common']> {
    return this.common(region);
  }

  ecs(region: string): ECSClient {
    let client = this.ecsClients.get(region);
    if (!client) {
      const pacing = this.ecsPacing(region);
      client =
        this.laneOnSharedEcs(region, pacing) ?? this.withEndpointInErrors(new this.sdk.ecs.ECSClient(this.common(region, pacing)), pacing);
      this.ecsClients.set(region, client);
    }
    return client;
  }

  /** This account-region's lane on the region's shared ECS client; undefined when there is none to share. */
  private laneOnSharedEcs(region: string, pacing: RegionPacing): ECSClient | undefined {
    const { sharedEcs, perClient, onCall } = this.budget;
    const { credentials } = this;
    const retryStrategy = sharedEcs && credentials ? this.retryStrategy(pacing) : undefined;
    if (!sharedEcs || !credentials || !retryStrategy) return undefined;
    const { client, release } = sharedEcs.view(region, {
      credentials: typeof credentials === 'function' ? () => credentials() : () => Promise.resolve(credentials),
      retryStrategy,
      ...(perClient ? { perCall: createLimiter(perClient) } : {}),
      ...(onCall ? { onCall } : {}),
      attemptTook: (ms) => {
        pacing.attemptTook(ms);
      },
    });
    this.lanes.push(release);
    this.laneViews.add(client);
    return client;
  }

  /** How fast the region's ECS client may send (its adaptive rate once throttled) and how long an attempt takes. */
  ecsPacing(region: string): RegionPacing {
    let pacing = this.pacings.get(region);
    if (!pacing) this.pacings.set(region, (pacing = new RegionPacing()));
    return pacing;
  }

  sts(region: string): STSClient {
    let client = this.stsClients.get(region);
    if (!client) {
      client = this.withEndpointInErrors(new this.sdk.sts.STSClient(this.common(region)));
      this.stsClients.set(region, client);
    }
    return client;
  }

  account(): AccountClient {
    this.accountClient ??= this.withEndpointInErrors(new this.sdk.account.AccountClient(this.common(ACCOUNT_API_REGION)));
    return this.accountClient;
  }

  /** Closes the sockets so the process can exit promptly. */
  destroy(): void {
    for (const release of this.lanes.splice(0)) release();
    // A client's destroy() closes its connection pool: a shared one belongs to the scan that made it.
    if (this.budget.agents) return;
    for (const client of [...this.ecsClients.values(), ...this.stsClients.values(), this.accountClient]) {
      // A lane's view of a shared client: the client is its owner's to destroy.
      if (client && !this.laneViews.has(client)) client.destroy();
    }
  }
}

/** What `sendCached` needs of a client and a command: the SDK's public Command/Client shape. */
interface CachedSendClient {
  middlewareStack?: unknown;
  config?: unknown;
  send(command: never, options: object): Promise<unknown>;
}
interface CachedSendCommand<O> {
  resolveMiddleware?(stack: never, configuration: never, options: never): (command: never) => Promise<{ output: O }>;
}

type CachedHandler = (command: never) => Promise<{ output: unknown }>;
const handlerCache = new WeakMap<object, WeakMap<object, Map<unknown, CachedHandler>>>();

/**
 * `client.send(command, options)` with the command's handler built once per client, command class and options
 * object, not on every call (the SDK's `cacheMiddleware` does the same, but only for calls without options, and the
 * scan's calls carry its abort signal). Resolving a handler clones and sorts the middleware stack: about a tenth of
 * the CPU a DescribeTaskDefinition costs. Valid while the client's middleware stack no longer changes (AwsClients
 * adds its middleware when it builds the client).
 */
export function sendCached<O>(client: CachedSendClient, command: CachedSendCommand<O>, options: object): Promise<O> {
  // A stand-in client or command (tests) is sent as it is.
  if (!client.middlewareStack || !command.resolveMiddleware) return client.send(command as never, options) as Promise<O>;
  let byOptions = handlerCache.get(client);
  if (!byOptions) handlerCache.set(client, (byOptions = new WeakMap()));
  let handlers = byOptions.get(options);
  if (!handlers) byOptions.set(options, (handlers = new Map<unknown, CachedHandler>()));
  let handler = handlers.get(command.constructor) as ((command: never) => Promise<{ output: O }>) | undefined;
  if (!handler) {
    // A lane's view of a shared client builds the handler as its lane (see SharedEcsClients).
    handler = resolveInLane(client, () =>
      (command.resolveMiddleware as NonNullable<typeof command.resolveMiddleware>)(
        client.middlewareStack as never,
        client.config as never,
        options as never,
      ),
    );
    handlers.set(command.constructor, handler);
  }
  return handler(command as never).then((result) => result.output);
}

/** The region the SDK would use by default (AWS_REGION, the profile's region); undefined if none is configured. */
export async function defaultRegion(sdk: AwsSdk, profile: string | undefined): Promise<string | undefined> {
  const client = new sdk.sts.STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

/** Caches temporary credentials across clients until five minutes before they expire. */
function memoizeUntilExpiry(provider: CredentialProvider): CredentialProvider {
  let current: Promise<CredentialIdentity> | undefined;
  return async () => {
    if (current) {
      const value = await current.catch(() => undefined);
      if (value && (!value.expiration || value.expiration.getTime() - Date.now() > 300_000)) return value;
    }
    current = provider();
    return current;
  };
}

/** The SDK's client-side rate limiter (adaptive retry), as its retry strategy calls it. */
export interface RateLimiter {
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}

/** The state of the SDK's DefaultRateLimiter this file reads and sets (checked at run time, never assumed). */
interface CubicRateState {
  enabled?: unknown;
  fillRate?: unknown;
  measuredTxRate?: unknown;
  updateMeasuredRate?: unknown;
}

/**
 * The SDK's adaptive rate limiter (CUBIC: cut the send rate to 0.7x on a throttle, grow it back), with two repairs
 * for a rate-limited API answered quickly:
 * - one cut per window: the requests already sent when the rate was cut come back throttled too (ten at once with ten
 *   in flight); each cut the rate again, 0.7^10 of it, down to the floor of 0.5 requests/s, and CUBIC took seconds
 *   to climb back. A throttle answering a request sent before the last cut is counted, not acted on (TCP's rule).
 * - a first throttle that comes within the limiter's first half-second measuring bucket found a measured rate of 0
 *   and cut to the floor. The rate answered so far (over at least a second) sets it instead.
 * Before the first throttle it lets everything through, like the SDK's.
 */
export class ThrottleWindowRateLimiter implements RateLimiter {
  private sent = 0;
  private answered = 0;
  /** Answers up to this count are for requests sent before the last cut. */
  private sentBeforeCut = 0;
  private firstSend = 0;
  /** Tokens ready() took for requests not sent yet: their sends do not wait again. */
  private prepaid = 0;

  constructor(private readonly inner: RateLimiter) {}

  async getSendToken(): Promise<void> {
    // A token taken by ready() for the request now being sent.
    if (this.prepaid > 0) this.prepaid--;
    else await this.inner.getSendToken();
    this.firstSend ||= performance.now();
    this.sent++;
  }

  updateClientSendingRate(response: unknown): void {
    this.answered++;
    if (isThrottling(response)) {
      const state = this.inner as CubicRateState;
      if (this.answered <= this.sentBeforeCut) {
        // Sent at the old rate: keep the measured rate true, leave the send rate alone.
        if (typeof state.updateMeasuredRate === 'function') (state.updateMeasuredRate as () => void).call(this.inner);
        return;
      }
      this.sentBeforeCut = this.sent;
      if (state.enabled === false && typeof state.measuredTxRate === 'number') {
        const seconds = Math.max(1, (performance.now() - this.firstSend) / 1000);
        state.measuredTxRate = Math.max(state.measuredTxRate, this.answered / seconds);
      }
    }
    this.inner.updateClientSendingRate(response);
  }

  /**
   * Resolves when the caller's next send will not wait for a token (at once before the first throttle): the caller
   * waits here, holding nothing, instead of inside the SDK holding a built request. The token is taken here, one per
   * caller: when two callers saw the same token, the second used to enter the SDK and wait there a whole refill
   * period (seconds, for a rate-limited account-region), long enough for its request to outlive two young-generation
   * collections; an organization scan promoted about one such request per account-region and refill, garbage that
   * only a full collection frees (bench:org's peak heap grew to several times the live heap). A token taken for a
   * request that is never sent (an abort) is spent by the next send instead.
   */
  async ready(): Promise<void> {
    if ((this.inner as CubicRateState).enabled !== true) return;
    await this.inner.getSendToken();
    this.prepaid++;
  }

  /** Requests per second the limiter lets through; undefined before the first throttle (no limit). */
  get rate(): number | undefined {
    const { enabled, fillRate } = this.inner as CubicRateState;
    return enabled === true && typeof fillRate === 'number' ? fillRate : undefined;
  }
}

function isThrottling(response: unknown): boolean {
  return (response as { errorType?: unknown } | undefined)?.errorType === 'THROTTLING';
}

/**
 * One account-region's ECS pace: its adaptive send rate and how long an HTTP attempt takes. A throttled pair can
 * use only rate x attempt time requests in flight; more only wait inside the SDK for the rate limiter, each holding
 * its serialized request, retry token and middleware closures (about 30 KB). An organization scan runs hundreds of
 * pairs at once, so it starts describes by what the pace can use (see RevisionDescriber) and keeps the rest as ARNs.
 */
export class RegionPacing {
  rateLimiter: ThrottleWindowRateLimiter | undefined;
  /** Moving average of HTTP attempt times, in ms. */
  private attemptMs = 0;

  /** Resolves when the rate allows a send (see ThrottleWindowRateLimiter.ready). */
  ready(): Promise<void> {
    return this.rateLimiter?.ready() ?? Promise.resolve();
  }

  attemptTook(ms: number): void {
    this.attemptMs = this.attemptMs === 0 ? ms : 0.8 * this.attemptMs + 0.2 * ms;
  }

  /**
   * Requests worth having in flight, at most `max`: all of them until the region is throttled, then twice what
   * its rate keeps busy over an attempt's time, plus one (never fewer than MIN_PACED_IN_FLIGHT: a throttled retry
   * sleeping in back-off holds its slot).
   */
  inFlight(max: number): number {
    const rate = this.rateLimiter?.rate;
    if (rate === undefined) return max;
    const busy = Math.ceil((rate * this.attemptMs * 2) / 1000) + 1;
    return Math.min(max, Math.max(MIN_PACED_IN_FLIGHT, busy));
  }
}

const MIN_PACED_IN_FLIGHT = 2;

/**
 * The SDK retries a refused connection or an unknown host like any transient
 * error (ten attempts with backoff: half a minute of silence). Neither heals
 * in seconds, so they fail on the first attempt; throttling, 5xx, resets and
 * timeouts keep the adaptive retries.
 */
export class FailFastRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly inner: RetryStrategyV2) {}

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (isUnreachable(errorInfo.error)) return Promise.reject(errorInfo.error);
    return this.inner.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token);
  }
}

/**
 * Back-off between attempts: the SDK's jittered exponential delays, except that a throttled call waits at most
 * THROTTLED_RETRY_CAP_MS. The adaptive rate limiter already paces every send (retries included) to the rate the
 * service accepts; an exponential sleep on top left the last calls of a rate-limited account-region idle for up to
 * 20 s while the service's bucket had refilled (bench:org measured 2x the ideal time).
 */
export class ThrottlingBackoff {
  private base = 50;

  setDelayBase(delay: number): void {
    this.base = delay;
  }

  computeNextBackoffDelay(retryCount: number): number {
    const cap = this.base >= THROTTLING_BASE_DELAY_MS ? THROTTLED_RETRY_CAP_MS : MAXIMUM_RETRY_DELAY_MS;
    return Math.floor(Math.random() * Math.min(this.base * 2 ** retryCount, cap));
  }
}

/** The SDK's base delay for throttling errors (other errors start at 50 ms), and its overall cap. */
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAXIMUM_RETRY_DELAY_MS = 20_000;
const THROTTLED_RETRY_CAP_MS = 1_000;
