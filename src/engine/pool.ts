/**
 * The parse+check pool: batches of independent files go to `node:worker_threads` workers, so a file scan uses every
 * core. Results come back per batch and the engine consumes them in batch order, so the report is byte-identical to
 * an in-process (one-job) run.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { FileShare, InputFile } from '../sources/source.js';
import type { FindingDetails } from './evaluate.js';
import type { BatchResult } from './scan.js';

export interface BatchTask {
  /** Index in FILE_SOURCES (kinds are not unique: Terraform HCL and plans share one). */
  sourceIndex: number;
  files: InputFile[];
  checkIds: string[];
  includePassed: boolean;
  varFiles: string[];
  /** Return each finding's anchor lines (BatchResult.lines). */
  findingLines: boolean;
  /** What findings carry besides their verdict (ScanOptions.findingDetails). */
  findingDetails: FindingDetails;
  /** Only this share of the one file's resources (FileSourceOptions.share; shared-file.ts). */
  share?: FileShare;
}

/** Code a worker loads before its first batch: these sources' parsers, the code of these finding details. */
export interface Preload {
  sourceIndexes: number[];
  findingDetails: FindingDetails;
}

export { MIN_FILES_FOR_WORKERS } from './scan-files.js';

export function defaultJobs(): number {
  return availableParallelism();
}

/**
 * A worker's heap limits. Each worker holds one batch's texts and trees at a time (a few MB), but V8 lets a heap grow
 * several times past what is live before it collects; the limits keep the whole process small. A batch that does not
 * fit (one huge file) makes its worker run out of memory: the batch is then run in the main thread (see
 * WorkerOutOfMemory), and a fresh worker takes the dead one's place.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 };

/** The worker running this batch ran out of memory: run the batch in-process instead. */
export class WorkerOutOfMemory extends Error {}

const WORKER_ENTRY = new URL('./scan-worker.js', import.meta.url);

/** False when running from TypeScript sources through a loader (tsx): no compiled worker exists, so scan in-thread. */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_ENTRY));
}

export class ScanPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ id: number; task: BatchTask }> = [];
  private readonly pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  /** The batch each busy worker is running. */
  private readonly running = new Map<Worker, number>();
  private nextId = 0;
  private closed = false;
  private readonly entry = WORKER_ENTRY;

  /** `preload`: what each worker loads while it waits for its first batch (see Preload). */
  constructor(
    readonly size: number,
    private readonly preload?: Preload,
    private readonly limits: ResourceLimits = WORKER_RESOURCE_LIMITS,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(this.entry, { resourceLimits: this.limits });
    if (this.preload) worker.postMessage({ preload: this.preload });
    worker.on('message', (message: { id: number; result?: BatchResult; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      this.running.delete(worker);
      if (message.result) waiting?.resolve(message.result);
      else waiting?.reject(new Error(`scan worker: ${message.error}`));
      this.idle.push(worker);
      this.drain();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.workers.delete(worker);
      const id = this.running.get(worker);
      this.running.delete(worker);
      const waiting = id === undefined ? undefined : this.pending.get(id);
      if (id !== undefined) this.pending.delete(id);
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        waiting?.reject(new WorkerOutOfMemory(error.message));
        if (!this.closed) {
          this.spawn();
          this.drain();
        }
        return;
      }
      waiting?.reject(error);
      for (const other of this.pending.values()) other.reject(error);
      this.pending.clear();
    });
    this.workers.add(worker);
    this.idle.push(worker);
  }

  /** Batches sent and not started by any worker yet. */
  backlog(): number {
    return this.queue.length;
  }

  /** The length of the texts of the batches in backlog(). */
  backlogChars(): number {
    let chars = 0;
    for (const { task } of this.queue) for (const file of task.files) chars += file.text.length;
    return chars;
  }

  /** A worker has nothing to do: a batch sent now starts at once. */
  starving(): boolean {
    return this.queue.length === 0 && this.idle.some((w) => this.workers.has(w));
  }

  /** The source index of the batch steal() would take back, if any. */
  lastQueuedSource(): number | undefined {
    return this.queue.at(-1)?.task.sourceIndex;
  }

  /**
   * Takes back the last batch no worker has started, for the caller to run; `settle` resolves the promise run()
   * returned for it.
   */
  steal(): { task: BatchTask; settle: (result: Promise<BatchResult>) => void } | undefined {
    const next = this.queue.pop();
    if (!next) return undefined;
    const waiting = this.pending.get(next.id);
    this.pending.delete(next.id);
    return {
      task: next.task,
      settle: (result) => {
        result.then(
          (r) => waiting?.resolve(r),
          (e: unknown) => waiting?.reject(e instanceof Error ? e : new Error(String(e))),
        );
      },
    };
  }

  run(task: BatchTask): Promise<BatchResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task });
      this.drain();
    });
  }

  private drain(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop() as Worker;
      if (!this.workers.has(worker)) continue;
      const next = this.queue.shift() as { id: number; task: BatchTask };
      this.running.set(worker, next.id);
      worker.postMessage(next);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
