import type { ScanError } from '../../model/finding.js';
import type { DescribeCache, DescribedRevision } from './cache.js';
import { createLimiter } from './limiter.js';
import { AwsCallError, type RegionApi } from './region-api.js';

export interface DescribeProgress {
  cacheHit(): void;
  described(): void;
  failed(): void;
}

export interface DescribeOutcome {
  described: Map<string, DescribedRevision>;
  failures: Map<string, ScanError>;
  cacheHits: number;
}

/** Cache reads in flight at once: enough to keep up, few enough never to run out of file handles. */
const CACHE_READS_IN_FLIGHT = 64;

/**
 * Describes each revision once: from the cache when it has a valid entry,
 * otherwise with DescribeTaskDefinition (include TAGS) through the region's
 * limiter, and stores the answer. A revision that cannot be described is a
 * failure, never dropped.
 */
export async function describeRevisions(
  api: RegionApi,
  arns: readonly string[],
  cache: DescribeCache | undefined,
  progress: DescribeProgress,
): Promise<DescribeOutcome> {
  const outcome: DescribeOutcome = { described: new Map(), failures: new Map(), cacheHits: 0 };
  const reads = createLimiter(CACHE_READS_IN_FLIGHT);
  await Promise.all(
    arns.map(async (arn) => {
      const cached = cache ? await reads.run(() => cache.get(arn)) : undefined;
      if (cached) {
        outcome.cacheHits++;
        outcome.described.set(arn, cached);
        progress.cacheHit();
        return;
      }
      try {
        const fresh = await api.describeTaskDefinition(arn);
        outcome.described.set(arn, fresh);
        progress.described();
        await cache?.put(arn, fresh);
      } catch (error) {
        if (!(error instanceof AwsCallError)) throw error;
        outcome.failures.set(arn, error.scanError);
        progress.failed();
      }
    }),
  );
  return outcome;
}
