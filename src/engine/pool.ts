/**
 * The parse+check pool: batches of independent files go to `node:worker_threads` workers, so a file scan uses every
 * core. Results come back per batch and the engine consumes them in batch order, so the report is byte-identical to
 * an in-process (one-job) run.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InputFile } from '../sources/source.js';
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
}

/** Below this many files the cost of starting workers (each loads the parsers again) exceeds the gain. */
export const MIN_FILES_FOR_WORKERS = 300;

export function defaultJobs(): number {
  return availableParallelism();
}

export class ScanPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ id: number; task: BatchTask }> = [];
  private readonly pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(readonly size: number) {
    const entry = new URL('./scan-worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry);
      worker.on('message', (message: { id: number; result?: BatchResult; error?: string }) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.result) waiting?.resolve(message.result);
        else waiting?.reject(new Error(`scan worker: ${message.error}`));
        this.idle.push(worker);
        this.drain();
      });
      worker.on('error', (error) => {
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
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
      worker.postMessage(this.queue.shift());
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
