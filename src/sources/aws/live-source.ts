import { setMaxListeners } from 'node:events';
import type { ScanError } from '../../model/finding.js';
import type { ResourceRef, Usage } from '../../model/task-definition.js';
import { type ObjectNode, fromPlain } from '../../model/value.js';
import { type LiveSource, type SourceDefinition, type SourceOutput, emptyOutput, mergeOutputs } from '../source.js';
import { parseTaskDefinitionArn } from './arn.js';
import { DescribeCache, type DescribedRevision } from './cache.js';
import { AwsClients, type AwsSdk, type ConnectionOptions, loadSdk } from './clients.js';
import { describeRevisions } from './describe.js';
import { isAbort, isMissingCredentials, isUnreachable, toScanError } from './errors.js';
import { type Limiter, createLimiter, withinBudget } from './limiter.js';
import { SILENT_PROGRESS, type ScanProgress } from './progress.js';
import { AwsCallError, RegionApi } from './region-api.js';
import { discoverRegions } from './regions.js';
import { type Scope, type ScopedRevision, inUseRevisions, listRevisionsInScope } from './scope.js';
import { type RegionUsage, lookUpUsage } from './usage.js';

export interface AwsScanOptions extends Omit<ConnectionOptions, 'maxAttempts'> {
  scope: Scope;
  /** Regions to scan; with `allRegions` they are discovered instead. */
  regions: string[] | 'all';
  /** DescribeTaskDefinition cache folder; undefined disables the cache. */
  cacheDir?: string;
  /** Requests in flight per region (default 10). */
  maxConcurrency?: number;
  /** A budget shared with other scans (organization fan-out): requests in flight across all of them. */
  sharedLimiter?: Limiter;
  /** Attempts per request (default 10): adaptive retry needs room to back off under throttling. */
  maxAttempts?: number;
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
export const DEFAULT_MAX_ATTEMPTS = 10;

/** The live account as a source: every region in parallel, revisions by scope, with usage. */
export class AwsLiveSource implements LiveSource {
  readonly stats: AwsScanStats = { regions: [], callsByOperation: {}, cacheHits: 0, described: 0 };

  constructor(
    private readonly options: AwsScanOptions,
    private readonly loadAwsSdk: () => Promise<AwsSdk> = loadSdk,
  ) {}

  async load(signal?: AbortSignal): Promise<SourceOutput> {
    // Every request in flight listens on the signal: lift the default cap of 10 listeners.
    if (signal) setMaxListeners(0, signal);
    const sdk = await this.loadAwsSdk();
    const firstRegion = Array.isArray(this.options.regions) ? (this.options.regions[0] ?? 'us-east-1') : 'us-east-1';
    const clients = new AwsClients(sdk, { ...this.options, maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS }, firstRegion);
    const progress = this.options.progress ?? SILENT_PROGRESS;
    try {
      return await this.scanAccount(clients, firstRegion, progress, signal);
    } finally {
      progress.stop();
      clients.destroy();
    }
  }

  private count(operation: string): void {
    this.stats.callsByOperation[operation] = (this.stats.callsByOperation[operation] ?? 0) + 1;
  }

  private async scanAccount(clients: AwsClients, stsRegion: string, progress: ScanProgress, signal?: AbortSignal): Promise<SourceOutput> {
    const output = emptyOutput();
    const options = signal ? { abortSignal: signal } : {};

    let accountId: string | undefined;
    try {
      this.count('GetCallerIdentity');
      accountId = (await clients.sts(stsRegion).send(new clients.sdk.sts.GetCallerIdentityCommand({}), options)).Account;
    } catch (error) {
      rethrowAbort(error, signal);
      output.errors.push(toScanError(error, { service: 'sts', operation: 'GetCallerIdentity', region: stsRegion }));
      // Without credentials, or with an endpoint that refuses connections or does not resolve, every other call
      // fails the same way: say it once.
      if (isMissingCredentials(error) || isUnreachable(error)) return output;
    }

    let regions: string[];
    if (this.options.regions === 'all') {
      try {
        this.count('ListRegions');
        const discovered = await discoverRegions(clients, signal);
        regions = discovered.enabled;
        if (discovered.skipped.length) {
          this.options.notice?.(`skipped ${discovered.skipped.length} opt-in region(s) not enabled for this account: ${discovered.skipped.join(', ')}`);
        }
      } catch (error) {
        rethrowAbort(error, signal);
        const failed = toScanError(error, { service: 'account', operation: 'ListRegions' });
        output.errors.push({ ...failed, message: `${failed.message}; name the regions with --region instead` });
        return output;
      }
    } else regions = this.options.regions;
    this.stats.regions = regions;

    const cache = this.options.cacheDir ? new DescribeCache(this.options.cacheDir) : undefined;
    progress.start(regions.length);
    const perRegion = await Promise.all(
      regions.map(async (region) => {
        const result = await this.scanRegion(clients, region, accountId, cache, progress, signal);
        progress.regionDone();
        return result;
      }),
    );
    if (cache?.problem) this.options.notice?.(`${cache.problem}; continuing without caching`);
    return mergeOutputs([output, ...perRegion]);
  }

  private async scanRegion(
    clients: AwsClients,
    region: string,
    accountId: string | undefined,
    cache: DescribeCache | undefined,
    progress: ScanProgress,
    signal?: AbortSignal,
  ): Promise<SourceOutput> {
    const output = emptyOutput();
    const limiter = withinBudget(createLimiter(this.options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY), this.options.sharedLimiter);
    const api = new RegionApi(region, clients.sdk, clients.ecs(region), limiter, signal, (operation) => this.count(operation));
    const { scope } = this.options;

    // Usage and the listing are independent: run them together.
    const [usage, listed] = await Promise.all([
      lookUpUsage(api),
      scope === 'in-use' ? Promise.resolve(undefined) : listRevisionsInScope(api, scope).catch((error: unknown) => asCallError(error)),
    ]);
    output.errors.push(...usage.errors);
    let revisions: ScopedRevision[];
    if (scope === 'in-use') revisions = inUseRevisions(usage);
    else if (listed instanceof AwsCallError) {
      output.errors.push(listed.scanError);
      return output;
    } else revisions = listed ?? [];

    progress.planned(revisions.length);
    const outcome = await describeRevisions(
      api,
      revisions.map((r) => r.arn),
      cache,
      progress,
    );
    this.stats.cacheHits += outcome.cacheHits;
    this.stats.described += outcome.described.size - outcome.cacheHits;

    for (const revision of revisions) {
      const resource = resourceFor(revision.arn, region, accountId);
      const revisionUsage = usageFor(usage, revision.arn);
      const described = outcome.described.get(revision.arn);
      if (described) {
        output.definitions.push({ resource, body: bodyFor(described, revision.status), ...(revisionUsage ? { usage: revisionUsage } : {}) });
      } else {
        const error: ScanError = outcome.failures.get(revision.arn) ?? { message: 'not described', region, operation: 'DescribeTaskDefinition', resource: revision.arn };
        // Reported once, as ERROR findings for every check (the engine's rule for unread resources).
        output.failures.push({ resource, error, ...(revisionUsage ? { usage: revisionUsage } : {}) });
      }
    }
    return output;
  }
}

function rethrowAbort(error: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? error;
  if (isAbort(error)) throw error;
}

function asCallError(error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  throw error;
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
