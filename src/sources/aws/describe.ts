import type { ScanError } from '../../model/finding.js';
import type { DescribeCache, DescribedRevision } from './cache.js';
import { EcsCallError, type EcsApi } from './ecs-api.js';
import type { Limiter } from './limiter.js';

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
 *
 * Revisions not started yet wait as ARNs in a queue: an organization scan holds tens of thousands at its start, and
 * a suspended call per revision (its async frames, promises and limiter closure) cost about a kilobyte each, held
 * for the minute or more a rate-limited account-region takes.
 */
export class RevisionDescriber {
  /** ARNs waiting for a cache read (only with a cache), then ARNs waiting for a describe; `*Head` is the next one. */
  private readonly toRead: string[] = [];
  private readHead = 0;
  private readonly toDescribe: string[] = [];
  private describeHead = 0;
  private reading = 0;
  /**
   * Describes started at once: the region's budget lets no more through anyway, and a queued ARN costs nothing
   * where a started SDK call holds its command and handler stack (an organization has thousands of pairs in flight).
   * A function follows the region's pace: a throttled region starts only what its rate keeps busy.
   */
  private readonly bound: () => number;
  private describing = 0;
  /**
   * Describes started that wait at the gate (their region's rate, a start slot) without a request yet: at most one,
   * so a region waits for the organization's start budget in one place of its queue, not with every describe its
   * bound allows (each a suspended call of about a kilobyte: 7,560 of them for 200 accounts, growing with them).
   */
  private atGate = 0;
  /** Added, without a result yet. */
  private unfinished = 0;
  /** An abort or a defect: no more starts, and settled() rejects with it. */
  private failure: { error: unknown } | undefined;
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
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
    this.bound = typeof inFlight === 'number' ? () => inFlight : () => Math.max(1, inFlight());
  }

  add(arn: string): void {
    if (this.failure) return;
    this.unfinished++;
    if (this.cache) this.toRead.push(arn);
    else this.toDescribe.push(arn);
    this.pump();
  }

  /** Resolves when every added revision has its result (rejects on abort or a defect, never on an AWS error). */
  async settled(): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.unfinished === 0) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** The region failed (Ctrl-C, a defect): nothing more starts; describes in flight end on their own. */
  abandon(): void {
    this.failure ??= { error: new Error('the region was abandoned') };
    this.dropQueues();
  }

  /** Starts what the bounds allow, reading the describe bound before each start (it follows the region's pace). */
  private pump(): void {
    while (!this.failure && this.readHead < this.toRead.length && this.reading < CACHE_READS_IN_FLIGHT) {
      const arn = this.take(this.toRead, 'read');
      this.reading++;
      this.track(
        this.read(arn).finally(() => {
          this.reading--;
        }),
      );
    }
    while (!this.failure && this.atGate === 0 && this.describeHead < this.toDescribe.length && this.describing < this.bound()) {
      const arn = this.take(this.toDescribe, 'describe');
      this.describing++;
      this.atGate++;
      this.track(
        this.describe(arn).finally(() => {
          this.describing--;
        }),
      );
    }
  }

  /** The next ARN of a queue; the queue's taken front is dropped once it is half of it, so memory follows what waits. */
  private take(queue: string[], which: 'read' | 'describe'): string {
    const head = which === 'read' ? this.readHead++ : this.describeHead++;
    const arn = queue[head] as string;
    if (head + 1 >= 1024 && head + 1 >= queue.length / 2) {
      queue.splice(0, head + 1);
      if (which === 'read') this.readHead = 0;
      else this.describeHead = 0;
    }
    return arn;
  }

  private track(work: Promise<boolean>): void {
    work.then(
      (finished) => {
        if (finished) this.finishOne();
        this.pump();
      },
      (error: unknown) => {
        this.fail(error);
      },
    );
  }

  private finishOne(): void {
    if (--this.unfinished > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.dropQueues();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private dropQueues(): void {
    this.toRead.length = 0;
    this.toDescribe.length = 0;
    this.readHead = 0;
    this.describeHead = 0;
  }

  /** A cache hit is a result; a miss goes on to the describe queue. True when the revision has its result. */
  private async read(arn: string): Promise<boolean> {
    const cached = await (this.cache as DescribeCache).get(arn);
    if (!cached) {
      if (!this.failure) this.toDescribe.push(arn);
      return false;
    }
    this.cacheHits++;
    this.progress.cacheHit();
    this.onResult({ arn, described: cached });
    return true;
  }

  private async describe(arn: string): Promise<boolean> {
    let fresh: DescribedRevision;
    let passed = false;
    // Past the gate: the next describe may come to it.
    const pass = (pump: boolean) => {
      if (passed) return;
      passed = true;
      this.atGate--;
      if (pump) this.pump();
    };
    try {
      await this.gate.ready?.();
      const call = () => {
        pass(true);
        return this.api.describeTaskDefinition(this.region, arn);
      };
      fresh = await (this.gate.starts ? this.gate.starts.run(call) : call());
    } catch (error) {
      pass(false);
      if (!(error instanceof EcsCallError)) throw error;
      this.progress.failed();
      this.onResult({ arn, error: error.scanError });
      return true;
    }
    this.described++;
    this.progress.described();
    await this.cache?.put(arn, fresh);
    this.onResult({ arn, described: fresh });
    return true;
  }
}
