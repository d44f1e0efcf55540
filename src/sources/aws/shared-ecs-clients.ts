import type { ECSClient } from '@aws-sdk/client-ecs';
import type {
  DeserializeHandlerOptions,
  DeserializeMiddleware,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
  RelativeMiddlewareOptions,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
  SerializeMiddleware,
} from '@smithy/types';
import { addAttemptMiddleware } from './attempt-middleware.js';
import type { Limiter } from './limiter.js';

type Identity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };

/**
 * What one account-region keeps of its own on a client shared across accounts: AWS's rate limits are per account
 * and region, so its adaptive retry (and the send rate it learns), its budget of calls in flight, its call counter,
 * and the credentials its requests are signed with.
 */
export interface EcsLane {
  credentials: () => Promise<Identity>;
  /** The lane's retry strategy (adaptive: its rate limiter is the account-region's). */
  retryStrategy: RetryStrategyV2;
  /** Calls in flight for the lane, retries and back-off included. */
  perCall?: Limiter;
  onCall?: (operation: string) => void;
  /** Time of each HTTP attempt, in ms. */
  attemptTook?: (ms: number) => void;
}

/** How the shared clients are built: endpoint, attempts, the organization's budget and sockets. */
export interface SharedEcsSettings {
  endpointUrl?: string;
  maxAttempts: number;
  /** Held per HTTP attempt across every lane (deserialize step, inside the retry loop). */
  shared?: Limiter;
  requestHandler: object;
}

/** What this file reads of the SDK's SigV4 signing: the config the signer comes from. */
interface SigningConfig {
  signer: (authScheme?: { signingName?: string; signingRegion?: string }) => Promise<object>;
}
interface SelectedScheme {
  identity?: unknown;
  httpAuthOption?: { signingProperties?: { config?: SigningConfig } };
}

/** The SDK's key for its own part of a handler's context (selected auth scheme, abort signal). */
const SMITHY_CONTEXT_KEY = '__smithy_context';
/** Where a handler's context names its lane, set when the handler is built (see `laneOf`). */
const LANE_KEY = 'ecsguardLane';

/**
 * Credentials the shared clients are configured with: never used to sign, since every request's lane replaces them
 * before signing (and a request without a lane fails before it is sent).
 */
const NO_CREDENTIALS = { accessKeyId: 'ECSGUARD-NO-LANE', secretAccessKey: 'ECSGUARD-NO-LANE' };

/**
 * One ECS client per region, shared by every account-region of an organization scan. A client per account-region
 * held its configuration, middleware stack, retry strategy and HTTP handler for the whole scan (hundreds of
 * account-regions run at once: each is rate-limited on its own), so memory grew with the accounts. What must stay
 * per account-region lives in its lane (`EcsLane`); a lane's view of the client (`client(region, lane)`) is a
 * small object whose sends carry the lane.
 *
 * How a lane reaches the middleware: the SDK builds a handler (its middleware chain) synchronously at the start of
 * each send, and hands every middleware the handler's context then. The view's send names its lane for that moment
 * (`building`), and the first middleware records it in the context. A handler is then used only by that lane's calls
 * (sendCached caches handlers per view), so the context never mixes accounts. Through the context:
 * - the retry scope (`partition_id`, the SDK's retry token scope) picks the lane's retry strategy;
 * - after the SDK selects the auth scheme, the lane's identity replaces the placeholder credentials;
 * - the lane's call budget, counter and attempt timer wrap the call and each attempt.
 */
export class SharedEcsClients {
  private readonly clients = new Map<string, ECSClient>();
  private readonly lanes = new Map<string, EcsLane>();
  private readonly signingConfigs = new WeakMap<EcsLane, SigningConfig>();
  private readonly baseSigners = new WeakMap<SigningConfig, Map<string, Promise<object>>>();
  private nextLane = 0;
  /** The lane whose handler is being built right now (synchronously, inside a view's send). */
  private building: string | undefined;

  constructor(
    private readonly ecs: typeof import('@aws-sdk/client-ecs'),
    private readonly settings: SharedEcsSettings,
  ) {}

  /**
   * The region's client as one lane sees it: an ECSClient (paginators check) whose sends run as the lane. Release
   * the lane when the account-region is done.
   */
  view(region: string, lane: EcsLane): { client: ECSClient; release: () => void } {
    const key = `lane-${this.nextLane++}`;
    this.lanes.set(key, lane);
    const shared = this.client(region);
    const inLane = <T>(build: () => T): T => {
      const outer = this.building;
      this.building = key;
      try {
        return build();
      } finally {
        this.building = outer;
      }
    };
    const view = Object.create(shared) as ECSClient & { [LANE_VIEW]: typeof inLane };
    view[LANE_VIEW] = inLane;
    view.send = ((command: never, options?: never) => inLane(() => shared.send(command, options))) as ECSClient['send'];
    return { client: view, release: () => this.lanes.delete(key) };
  }

  destroy(): void {
    // A client's destroy() closes its connection pool: a shared one belongs to the scan that made it.
    this.clients.clear();
    this.lanes.clear();
  }

  private laneOf(context: Record<string, unknown>): EcsLane {
    const key = context[LANE_KEY];
    const lane = typeof key === 'string' ? this.lanes.get(key) : undefined;
    // Never signed with the placeholder credentials: a request that names no live lane is not sent.
    if (!lane) throw new Error('internal error: an ECS request was sent without its account-region');
    return lane;
  }

  private client(region: string): ECSClient {
    let client = this.clients.get(region);
    if (client) return client;
    const { settings } = this;
    client = new this.ecs.ECSClient({
      region,
      ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
      credentials: NO_CREDENTIALS,
      maxAttempts: settings.maxAttempts,
      retryMode: 'adaptive',
      retryStrategy: new LaneRetryStrategy((scope) => this.lanes.get(scope.replace(/:longpoll$/, ''))?.retryStrategy),
      requestHandler: settings.requestHandler,
    });
    this.addMiddleware(client);
    this.clients.set(region, client);
    return client;
  }

  /**
   * The client's config as the lane's requests are signed with it: the same settings, and a signer that is the
   * region's (built once, not per request as the SDK's default does) with the lane's credentials. Clock-skew
   * corrections the signer records land on the lane's config.
   */
  private signingConfig(lane: EcsLane, config: SigningConfig): SigningConfig {
    let signing = this.signingConfigs.get(lane);
    if (signing) return signing;
    const signers = new Map<string, Promise<object>>();
    signing = Object.create(config, {
      signer: {
        value: (authScheme?: { signingName?: string; signingRegion?: string }) => {
          const key = `${authScheme?.signingName ?? ''}/${authScheme?.signingRegion ?? ''}`;
          let signer = signers.get(key);
          if (!signer) {
            signer = this.baseSigner(config, key, authScheme).then(
              (base) => Object.create(base, { credentialProvider: { value: lane.credentials } }) as object,
            );
            signers.set(key, signer);
          }
          return signer;
        },
      },
    }) as SigningConfig;
    this.signingConfigs.set(lane, signing);
    return signing;
  }

  /** The SDK's signer for a region's client and auth scheme, built once (its credentials are never used). */
  private baseSigner(config: SigningConfig, key: string, authScheme: object | undefined): Promise<object> {
    let byScheme = this.baseSigners.get(config);
    if (!byScheme) this.baseSigners.set(config, (byScheme = new Map<string, Promise<object>>()));
    let signer = byScheme.get(key);
    if (!signer) byScheme.set(key, (signer = config.signer(authScheme)));
    return signer;
  }

  private addMiddleware(client: ECSClient): void {
    const stack = client.middlewareStack as unknown as {
      add(
        middleware: DeserializeMiddleware<object, MetadataBearer> | InitializeMiddleware<object, MetadataBearer>,
        options: (DeserializeHandlerOptions | InitializeHandlerOptions) & { priority?: 'high' | 'normal' | 'low' },
      ): void;
      addRelativeTo(middleware: SerializeMiddleware<object, MetadataBearer>, options: RelativeMiddlewareOptions): void;
    };
    // Records the lane in the handler's context (the handler is built in the lane's send), and its retry scope.
    const call: InitializeMiddleware<object, MetadataBearer> = (next, context) => {
      const ctx = context as Record<string, unknown>;
      if (this.building !== undefined) {
        ctx[LANE_KEY] = this.building;
        ctx['partition_id'] = this.building;
      }
      return (args) => {
        const lane = this.laneOf(ctx);
        lane.onCall?.((context.commandName ?? 'Unknown').replace(/Command$/, ''));
        return lane.perCall ? lane.perCall.run(() => next(args)) : next(args);
      };
    };
    stack.add(call, { step: 'initialize', name: 'ecsguardLaneCall', priority: 'high' });
    // The lane's credentials: the SDK's SigV4 signer signs with the credentials of the config it is handed (not with
    // the identity the auth scheme selected), so the lane's request is handed the lane's config, whose signer is the
    // region's signer with the lane's credentials.
    const identity: SerializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      const ctx = context as Record<string, unknown>;
      const lane = this.laneOf(ctx);
      const smithy = ctx[SMITHY_CONTEXT_KEY] as { selectedHttpAuthScheme?: SelectedScheme } | undefined;
      const scheme = smithy?.selectedHttpAuthScheme;
      const properties = scheme?.httpAuthOption?.signingProperties;
      if (!scheme || !properties?.config) throw new Error('internal error: no SigV4 signing for an ECS request');
      properties.config = this.signingConfig(lane, properties.config);
      scheme.identity = await lane.credentials();
      return next(args);
    };
    stack.addRelativeTo(identity, { relation: 'after', toMiddleware: 'httpAuthSchemeMiddleware', name: 'ecsguardLaneIdentity' });
    addAttemptMiddleware(stack, this.settings.shared, (ms, context) =>
      this.lanes.get((context as Record<string, unknown>)[LANE_KEY] as string)?.attemptTook?.(ms),
    );
  }
}

/** A lane's view of a shared client runs handler builds as its lane (see resolveInLane). */
const LANE_VIEW = Symbol('ecsguard.laneView');

/**
 * Builds a handler for `client`: when it is a lane's view of a shared client, as that lane (the handler's context
 * records it). For callers that build handlers themselves (sendCached).
 */
export function resolveInLane<T>(client: object, build: () => T): T {
  const inLane = (client as { [LANE_VIEW]?: <R>(build: () => R) => R })[LANE_VIEW];
  return inLane ? inLane(build) : build();
}

/** The retry strategy of the lane a call's scope names; a token goes back to the strategy that issued it. */
class LaneRetryStrategy implements RetryStrategyV2 {
  private readonly owners = new WeakMap<RetryToken, RetryStrategyV2>();

  constructor(private readonly strategyFor: (scope: string) => RetryStrategyV2 | undefined) {}

  async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    const strategy = this.strategyFor(scope);
    if (!strategy) throw new Error('internal error: an ECS request was sent without its account-region');
    return this.own(strategy, await strategy.acquireInitialRetryToken(scope));
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const strategy = this.owner(token);
    return this.own(strategy, await strategy.refreshRetryTokenForRetry(token, errorInfo));
  }

  recordSuccess(token: RetryToken): void {
    this.owner(token).recordSuccess(token);
  }

  private own(strategy: RetryStrategyV2, token: RetryToken): RetryToken {
    this.owners.set(token, strategy);
    return token;
  }

  private owner(token: RetryToken): RetryStrategyV2 {
    const strategy = this.owners.get(token);
    if (!strategy) throw new Error('internal error: a retry token of no account-region');
    return strategy;
  }
}
