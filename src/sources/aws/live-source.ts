import { setMaxListeners } from 'node:events';
import type { ScanError } from '../../model/finding.js';
import type { ResourceRef, Usage } from '../../model/task-definition.js';
import { type ObjectNode, fromPlain } from '../../model/value.js';
import {
  type LiveScope,
  type LiveSource,
  type SourceDefinition,
  type SourceFailure,
  type SourceOutput,
  emptyOutput,
  mergeOutputs,
} from '../source.js';
import { parseTaskDefinitionArn } from './arn.js';
import { DescribeCache, type DescribedRevision } from './cache.js';
import { type AwsConnection, AwsClients, type AwsSdk, type SharedAgents, loadSdk } from './clients.js';
import { type DescribeResult, RevisionDescriber } from './describe.js';
import { EcsCallError, createEcsApi } from './ecs-api.js';
import { isAbort, isMissingCredentials, isUnreachable, toScanError } from './errors.js';
import type { Limiter } from './limiter.js';
import type { SharedEcsClients } from './shared-ecs-clients.js';
import { SILENT_PROGRESS, type ScanProgress } from './progress.js';
import { discoverRegions } from './regions.js';
import { type Scope, ScopeSelector, inUseRevisions, listingsFor } from './scope.js';
import { type RegionUsage, lookUpUsage } from './usage.js';

export interface AwsScanOptions extends AwsConnection {
  scope: Scope;
  /** Regions to scan; with `allRegions` they are discovered instead. */
  regions: string[] | 'all';
  /** DescribeTaskDefinition cache folder; undefined disables the cache. */
  cacheDir?: string;
  /** Requests in flight per region (default 10). */
  maxConcurrency?: number;
  /**
   * A budget shared with other scans (organization fan-out): HTTP attempts in flight across all of them. Held per
   * attempt, never during retry back-off (see AwsClients).
   */
  sharedLimiter?: Limiter;
  /**
   * Describes started at once across scans sharing it (organization fan-out): the rest wait as ARNs, not as built
   * requests queued for `sharedLimiter`.
   */
  sharedStarts?: Limiter;
  /** Connection pools shared with other scans (organization fan-out). */
  sharedAgents?: SharedAgents;
  /** ECS clients shared with other scans (organization fan-out): this scan's calls go through them as its own lane. */
  sharedEcs?: SharedEcsClients;
  /** The account the credentials lead to, when known (an organization scan lists it): no GetCallerIdentity call. */
  accountId?: string;
  progress?: ScanProgress;
  /** Things worth saying that are not errors (skipped opt-in regions, a cache that cannot be written). */
  notice?: (message: string) => void;
}

/** Counters for benchmarks and tests. */
export interface AwsScanStats {
  regions: string[];
  callsByOperation: Record<string, number>;
  cacheHits: number;
  described: number;
}

export const DEFAULT_MAX_CONCURRENCY = 10;
/** Revisions handed to the engine at once: each part is checked and dropped, so memory follows a part. */
const PART_SIZE = 25;
/**
 * Described revisions wait at most this long for their part to fill: a rate-limited region (an organization scan
 * runs hundreds, each at a few describes per second or less) would otherwise hold most of its revisions until the end.
 */
const PART_MAX_WAIT_MS = 1_000;

/** The live account as a source: every region in parallel, revisions by scope, with usage. */
export class AwsLiveSource implements LiveSource {
  readonly stats: AwsScanStats = { regions: [], callsByOperation: {}, cacheHits: 0, described: 0 };

  constructor(
    private readonly options: AwsScanOptions,
    private readonly loadAwsSdk: () => Promise<AwsSdk> = loadSdk,
  ) {}

  private accountRead: string | undefined;

  /** The regions scanned and the account, once known (a discovery or identity that failed is an error of its own). */
  scope(): LiveScope {
    return {
      ...(this.accountRead ? { accounts: [this.accountRead] } : {}),
      regions: [...this.stats.regions],
      revisions: this.options.scope,
    };
  }

  async load(signal?: AbortSignal): Promise<SourceOutput> {
    const parts: SourceOutput[] = [];
    await this.loadInParts(signal, (part) => {
      parts.push(part);
    });
    return mergeOutputs(parts);
  }

  /**
   * Described revisions go to `onPart` as they are ready (a few dozen at a time, once the region's usage is known),
   * errors at the end in region order, so a report does not depend on timing.
   */
  async loadInParts(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void> {
    // Every request in flight listens on the signal: lift the default cap of 10 listeners.
    if (signal) setMaxListeners(0, signal);
    const sdk = await this.loadAwsSdk();
    const firstRegion = Array.isArray(this.options.regions) ? (this.options.regions[0] ?? 'us-east-1') : 'us-east-1';
    const clients = new AwsClients(sdk, this.options, firstRegion, {
      perClient: this.options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      ...(this.options.sharedLimiter ? { shared: this.options.sharedLimiter } : {}),
      ...(this.options.sharedAgents ? { agents: this.options.sharedAgents } : {}),
      ...(this.options.sharedEcs ? { sharedEcs: this.options.sharedEcs } : {}),
      onCall: (operation) => {
        this.count(operation);
      },
    });
    const progress = this.options.progress ?? SILENT_PROGRESS;
    // Parts are handed over one at a time, whatever the number of regions delivering.
    let delivered: Promise<unknown> = Promise.resolve();
    const deliver = (part: SourceOutput) => {
      const next = delivered.then(() => onPart(part));
      delivered = next;
      return next;
    };
    try {
      const errors = await this.scanAccount(clients, firstRegion, progress, deliver, signal);
      await delivered;
      await onPart({ ...emptyOutput(), errors });
    } finally {
      progress.stop();
      clients.destroy();
    }
  }

  private count(operation: string): void {
    this.stats.callsByOperation[operation] = (this.stats.callsByOperation[operation] ?? 0) + 1;
  }

  /**
   * The caller's identity (GetCallerIdentity) is asked while the regions are listed, not before: it names the account
   * on each resource, so parts are delivered only once it is known. When it fails for want of credentials or an
   * endpoint, every other call fails the same way: the regions are stopped and that one error is reported alone.
   */
  private async scanAccount(
    clients: AwsClients,
    stsRegion: string,
    progress: ScanProgress,
    deliver: (part: SourceOutput) => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<ScanError[]> {
    const identityErrors: ScanError[] = [];
    let accountId: string | undefined = this.options.accountId;
    // The regions' work stops with the scan's signal, or when the identity shows nothing else can succeed.
    const regionsStop = new AbortController();
    // Every request in flight listens to it (10 per region by default): not a leak, so no warning on stderr.
    setMaxListeners(0, regionsStop.signal);
    const stopRegions = () => {
      regionsStop.abort(signal?.reason);
    };
    if (signal?.aborted) stopRegions();
    else signal?.addEventListener('abort', stopRegions, { once: true });
    let abandoned = false;
    const identity = (async () => {
      if (accountId !== undefined) return;
      try {
        accountId = (
          await clients.sts(stsRegion).send(new clients.sdk.sts.GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {})
        ).Account;
      } catch (error) {
        rethrowAbort(error, signal);
        identityErrors.push(toScanError(error, { service: 'sts', operation: 'GetCallerIdentity', region: stsRegion }));
        if (isMissingCredentials(error) || isUnreachable(error)) {
          abandoned = true;
          regionsStop.abort(new Error('the caller identity could not be read'));
        }
      }
    })();
    const regionsWork = this.scanRegions(clients, () => accountId, identity, progress, deliver, regionsStop.signal);
    try {
      const [identityOutcome, regionsOutcome] = await Promise.allSettled([identity, regionsWork]);
      this.accountRead = accountId;
      if (identityOutcome.status === 'rejected') throw identityOutcome.reason;
      if (abandoned) return identityErrors;
      if (regionsOutcome.status === 'rejected') throw regionsOutcome.reason;
      return [...identityErrors, ...regionsOutcome.value];
    } finally {
      signal?.removeEventListener('abort', stopRegions);
    }
  }

  private async scanRegions(
    clients: AwsClients,
    accountId: () => string | undefined,
    identity: Promise<void>,
    progress: ScanProgress,
    deliver: (part: SourceOutput) => Promise<unknown>,
    signal: AbortSignal,
  ): Promise<ScanError[]> {
    const errors: ScanError[] = [];
    let regions: string[];
    if (this.options.regions === 'all') {
      try {
        const discovered = await discoverRegions(clients, signal);
        regions = discovered.enabled;
        if (discovered.skipped.length) {
          this.options.notice?.(
            `skipped ${discovered.skipped.length} opt-in region(s) not enabled for this account: ${discovered.skipped.join(', ')}`,
          );
        }
      } catch (error) {
        rethrowAbort(error, signal);
        const failed = toScanError(error, { service: 'account', operation: 'ListRegions' });
        errors.push({ ...failed, message: `${failed.message}; name the regions with --region instead` });
        return errors;
      }
    } else regions = this.options.regions;
    this.stats.regions = regions;

    const cache = this.options.cacheDir ? new DescribeCache(this.options.cacheDir) : undefined;
    progress.start(regions.length);
    const perRegion = await Promise.all(
      regions.map(async (region) => {
        const result = await this.scanRegion(clients, region, accountId, identity, cache, progress, deliver, signal);
        progress.regionDone();
        return result;
      }),
    );
    if (cache?.problem) this.options.notice?.(`${cache.problem}; continuing without caching`);
    return [...errors, ...perRegion.flat()];
  }

  /**
   * One region: usage and the listing start together; each listing page's revisions are described at once (no
   * waiting for the last page), and described revisions are delivered once both the listing and usage are known
   * (usage rides on each definition; the listing settles `latest`). Returns the region's errors.
   */
  private async scanRegion(
    clients: AwsClients,
    region: string,
    accountId: () => string | undefined,
    identity: Promise<void>,
    cache: DescribeCache | undefined,
    progress: ScanProgress,
    deliver: (part: SourceOutput) => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<ScanError[]> {
    const errors: ScanError[] = [];
    const api = createEcsApi(clients, signal, () => undefined);
    const { scope } = this.options;
    const status = new Map<string, 'ACTIVE' | 'INACTIVE'>();
    const selector = scope === 'in-use' ? undefined : new ScopeSelector(scope);

    // Results wait here until the listing is complete and usage known; then they go on in parts.
    let usage: RegionUsage | undefined;
    let listed = false;
    let waiting: DescribeResult[] = [];
    const parts: Array<Promise<unknown>> = [];
    let listingFailed = false;
    let partTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = (force: boolean) => {
      // A listing that failed part-way reports only its error: a partial list must not pass for the region's.
      if (listingFailed) return;
      if (!usage || !listed || (!force && waiting.length < PART_SIZE)) return;
      const ready = waiting;
      waiting = [];
      const part = this.partFor(ready, region, accountId(), usage, status, selector?.superseded);
      if (part.definitions.length || part.failures.length) parts.push(deliver(part));
    };
    const pacing = clients.ecsPacing(region);
    const describer = new RevisionDescriber(
      api,
      region,
      cache,
      progress,
      (result) => {
        waiting.push(result);
        flush(false);
        if (waiting.length > 0 && !partTimer) {
          partTimer = setTimeout(() => {
            partTimer = undefined;
            flush(true);
          }, PART_MAX_WAIT_MS);
          partTimer.unref();
        }
      },
      // Until the region is throttled, the whole budget; then what its adaptive rate keeps busy.
      () => pacing.inFlight(this.options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY),
      { ready: () => pacing.ready(), ...(this.options.sharedStarts ? { starts: this.options.sharedStarts } : {}) },
    );
    const take = (revisions: Array<{ arn: string; status?: 'ACTIVE' | 'INACTIVE' }>) => {
      progress.planned(revisions.length);
      for (const r of revisions) {
        if (status.has(r.arn)) continue;
        if (r.status) status.set(r.arn, r.status);
        describer.add(r.arn);
      }
    };

    const usageLookup = lookUpUsage(api, region).then((found) => {
      usage = found;
      errors.push(...found.errors);
    });
    const listing = Promise.all(
      listingsFor(scope).map(async ({ status: listedStatus, sort }) => {
        for await (const page of api.taskDefinitionPages(region, listedStatus, sort))
          take((selector as ScopeSelector).select(page, listedStatus));
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof EcsCallError)) throw error;
      listingFailed = true;
      errors.push(error.scanError);
    });
    try {
      // Parts name the account: nothing is delivered before the identity is known.
      await Promise.all([usageLookup, listing, identity]);
      // An identity that failed for want of credentials or an endpoint stopped the regions: nothing is delivered.
      signal?.throwIfAborted();
      if (scope === 'in-use') take(inUseRevisions(usage as unknown as RegionUsage));
      listed = true;
      flush(true);
      await describer.settled();
      flush(true);
      await Promise.all(parts);
    } catch (error) {
      describer.abandon();
      for (const part of parts) part.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(partTimer);
    }
    this.stats.cacheHits += describer.cacheHits;
    this.stats.described += describer.described;
    return errors;
  }

  private partFor(
    results: readonly DescribeResult[],
    region: string,
    accountId: string | undefined,
    usage: RegionUsage,
    status: ReadonlyMap<string, 'ACTIVE' | 'INACTIVE'>,
    superseded: ReadonlySet<string> | undefined,
  ): SourceOutput {
    const definitions: SourceDefinition[] = [];
    const failures: SourceFailure[] = [];
    for (const result of results) {
      if (superseded?.has(result.arn)) continue;
      const resource = resourceFor(result.arn, region, accountId);
      const revisionUsage = usageFor(usage, result.arn);
      if ('described' in result) {
        definitions.push({
          resource,
          body: bodyFor(result.described, status.get(result.arn)),
          ...(revisionUsage ? { usage: revisionUsage } : {}),
        });
      } else {
        // Reported once, as ERROR findings for every check (the engine's rule for unread resources).
        failures.push({ resource, error: result.error, ...(revisionUsage ? { usage: revisionUsage } : {}) });
      }
    }
    return { definitions, failures, errors: [] };
  }
}

function rethrowAbort(error: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? error;
  if (isAbort(error)) throw error;
}

function resourceFor(arn: string, region: string, accountId: string | undefined): ResourceRef {
  const parsed = parseTaskDefinitionArn(arn);
  const account = accountId ?? parsed?.accountId;
  return {
    kind: 'aws',
    source: 'aws',
    id: arn,
    arn,
    region,
    ...(parsed ? { family: parsed.family, revision: parsed.revision } : {}),
    ...(account ? { accountId: account } : {}),
  };
}

/** Usage only when the lookup was complete: a partial one could claim "not running" for a running revision. */
function usageFor(usage: RegionUsage, arn: string): Usage | undefined {
  if (!usage.complete) return undefined;
  const found = usage.byArn.get(arn);
  return found ? { runningTasks: found.runningTasks, services: [...found.services] } : { runningTasks: 0, services: [] };
}

/**
 * One DescribeTaskDefinition answer as this source hands it to the engine
 * (resource and body), without a connection: lets tests run checks and fixes
 * on the live shape.
 */
export function describedDefinition(described: DescribedRevision, region: string, accountId?: string): SourceDefinition {
  return { resource: resourceFor(described.taskDefinition.taskDefinitionArn, region, accountId), body: bodyFor(described, undefined) };
}

/** The describe answer as the model's body; the listing's status wins over a cached one (deregistering changes it). */
function bodyFor(described: DescribedRevision, status: 'ACTIVE' | 'INACTIVE' | undefined): ObjectNode {
  const plain: Record<string, unknown> = { ...described.taskDefinition, tags: described.tags };
  if (status) plain['status'] = status;
  return fromPlain(plain) as ObjectNode;
}
