import type { ScanError } from '../../model/finding.js';
import type { DescribeCache, DescribedRevision } from './cache.js';
import { EcsCallError, type EcsApi } from './ecs-api.js';
import { type Limiter, createLimiter } from './limiter.js';

export interface DescribeProgress {
  cacheHit(): void;
  described(): void;
  failed(): void;
}

/** One revision's describe: the answer, or why there is none. */
export type DescribeResult = { arn: string; described: DescribedRevision } | { arn: string; error: ScanError };

/**
 * What a describe waits for before it starts, holding only its ARN: the region's rate (a throttled region's next send
 * would wait inside the SDK otherwise), then a slot of a budget shared across account-regions (an organization scan:
 * describes started at once, so requests waiting for the shared HTTP budget do not pile up when the machine is slower
 * than the rate limits).
 */
export interface DescribeGate {
  ready?: () => Promise<void>;
  starts?: Limiter;
}

/** Cache reads in flight at once: enough to keep up, few enough never to run out of file handles. */
const CACHE_READS_IN_FLIGHT = 64;

/**
 * Describes revisions as they are added (the listing's first page starts the first describes): from the cache when
 * it has a valid entry, otherwise with DescribeTaskDefinition (include TAGS), bounded by the region client's
 * budget, and stores the answer. Each result goes to `onResult` at once, so the caller can hand it on and drop it.
 * A revision that cannot be described is a result with its error, never dropped.
 */
export class RevisionDescriber {
  private readonly pending: Array<Promise<void>> = [];
  private readonly reads = createLimiter(CACHE_READS_IN_FLIGHT);
  /**
   * Describes started at once: the region's budget lets no more through anyway, and a queued ARN costs a closure where
   * a started SDK call holds its command and handler stack (an organization has thousands of pairs in flight). A
   * function follows the region's pace: a throttled region starts only what its rate keeps busy.
   */
  private readonly calls: ReturnType<typeof createLimiter>;
  cacheHits = 0;
  described = 0;

  constructor(
    private readonly api: EcsApi,
    private readonly region: string,
    private readonly cache: DescribeCache | undefined,
    private readonly progress: DescribeProgress,
    private readonly onResult: (result: DescribeResult) => void,
    inFlight: number | (() => number),
    private readonly gate: DescribeGate = {},
  ) {
    this.calls = createLimiter(inFlight);
  }

  add(arn: string): void {
    this.pending.push(this.describe(arn));
  }

  /** Resolves when every added revision has its result (rejects on abort or a defect, never on an AWS error). */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** The region failed (Ctrl-C, a defect): describes in flight end on their own, their rejections are not news. */
  abandon(): void {
    for (const p of this.pending) p.catch(() => undefined);
  }

  private async describe(arn: string): Promise<void> {
    const cached = this.cache ? await this.reads.run(() => (this.cache as DescribeCache).get(arn)) : undefined;
    if (cached) {
      this.cacheHits++;
      this.progress.cacheHit();
      this.onResult({ arn, described: cached });
      return;
    }
    let fresh: DescribedRevision;
    try {
      fresh = await this.calls.run(async () => {
        await this.gate.ready?.();
        const call = () => this.api.describeTaskDefinition(this.region, arn);
        return this.gate.starts ? this.gate.starts.run(call) : call();
      });
    } catch (error) {
      if (!(error instanceof EcsCallError)) throw error;
      this.progress.failed();
      this.onResult({ arn, error: error.scanError });
      return;
    }
    this.described++;
    this.progress.described();
    await this.cache?.put(arn, fresh);
    this.onResult({ arn, described: fresh });
  }
}
