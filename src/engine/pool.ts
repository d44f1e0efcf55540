/**
 * The parse+check pool: batches of independent files go to `node:worker_threads` workers, so a file scan uses every
 * core. Results come back per batch and the engine consumes them in batch order, so the report is byte-identical to
 * an in-process (one-job) run.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { FileShare, InputFile, UnitPlace } from '../sources/source.js';
import { CLAIMED_BY_MAIN, claim, isClaimedByWorker, isUnclaimed, newClaim } from './batch-claim.js';
import { compilerFlags } from './compiler-tuning.js';
import type { FindingDetails } from './evaluate.js';
import type { Finding } from '../model/finding.js';
import type { FindingAnchor } from '../model/finding-lines.js';
import type { BatchResult } from './scan.js';
import { textLength } from './scan-files.js';

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
  /** These files are one of the source's units, at this place (FileSourceOptions.unit). */
  unit?: UnitPlace;
  /**
   * The files' texts are not sent (a large file: sending costs the main thread about as much as reading it): the worker
   * reads each again from its absolutePath, if its InputFile.identity is still the same (else it answers `changed`).
   */
  reread?: boolean;
  /** Send each checked part of the file as it is checked (`part` answers; ConsumeOptions.partSink): shared-file.ts. */
  streamParts?: boolean;
}

/** Findings of a part of a file checked by a worker (BatchTask.streamParts), `handed` after the first. */
export interface WorkerPart {
  findings: Finding[];
  lines?: Array<FindingAnchor[] | undefined>;
  handed: number;
}

/** What a worker sends back for a batch: parts as they are checked (if asked), then its result or why there is none. */
export type WorkerAnswer =
  | { id: number; part: WorkerPart }
  | { id: number; result: BatchResult; ms: number }
  | { id: number; error: string }
  | { id: number; changed: true };

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
 * WorkerOutOfMemory), and a fresh worker takes the dead one's place. An 8 MB young generation rather than 16: a
 * batch's trees die young either way, and each page of a larger one is faulted in at first use (1,000 templates:
 * peak RSS 144 -> 137 MB, mixed corpus 158 -> 149 MB, 50,000 files 225 -> 206 MB, wall time unchanged).
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 };

/** The worker running this batch ran out of memory: run the batch in-process instead. */
export class WorkerOutOfMemory extends Error {}

/** A file the worker was to read again changed since it was read (BatchTask.reread): run the batch in-process. */
export class FileChangedSinceRead extends Error {}

/** Defined (true) by the command line's bundle (scripts/build-cli.mjs); undefined in the library. */
declare const ECSGUARD_CLI_BUNDLE: boolean | undefined;

const IN_CLI_BUNDLE = typeof ECSGUARD_CLI_BUNDLE !== 'undefined' && ECSGUARD_CLI_BUNDLE;

/**
 * The worker's script. The command line's bundle has a CommonJS worker bundle beside it (scripts/build-cli.mjs): one
 * script, no ES module loader to start in each worker; bin/ecsguard.js names its loader (bin/scan-worker.js: the
 * bundle compiled with V8's code cache).
 */
const WORKER_BUNDLE = new URL(IN_CLI_BUNDLE ? './scan-worker.cjs' : './scan-worker.js', import.meta.url);
const WORKER_ENTRY: URL | string = (IN_CLI_BUNDLE && cliWorkerEntry()) || WORKER_BUNDLE;

/**
 * The worker bin/ecsguard.js started before the scan (bin/early-worker.js), if it did and it is still running, for a
 * pool whose workers have its limits. It was started under the tuned V8 flags, and loaded its bundle with their cache.
 */
function takeEarlyWorker(limits: ResourceLimits): Worker | undefined {
  if (!IN_CLI_BUNDLE || limits !== WORKER_RESOURCE_LIMITS) return undefined;
  const key = Symbol.for('ecsguard.earlyWorker');
  const early = (globalThis as Record<symbol, unknown>)[key];
  delete (globalThis as Record<symbol, unknown>)[key];
  if (!(early instanceof Worker)) return undefined;
  early.ref();
  return early;
}

function cliWorkerEntry(): string | undefined {
  const entry = (globalThis as Record<symbol, unknown>)[Symbol.for('ecsguard.scanWorkerEntry')];
  return typeof entry === 'string' ? entry : undefined;
}

/**
 * False when running from TypeScript sources through a loader (tsx), or when an install lacks the worker's bundle: no
 * compiled worker exists, so scan in-thread. The bundle is checked, not only the entry that loads it (bin/scan-worker.js).
 */
export function workersAvailable(): boolean {
  const exists = (file: URL | string) => existsSync(typeof file === 'string' ? file : fileURLToPath(file));
  return exists(WORKER_BUNDLE) && exists(WORKER_ENTRY);
}

/**
 * Batches a worker holds at once: the one it runs and the next ones. The main thread hands batches out between its own
 * work (it reads, reports, and checks batches of its lane, each a synchronous stretch of a few hundred ms): a worker
 * holding only the batch it runs would wait for the main thread's next turn after each one. Its next batch is already
 * in its port instead, claimed (batch-claim.ts) only when the worker starts it, so the main thread can still take it back.
 */
export const WORKER_AHEAD = 4;

/** A batch with more text than this (UTF-16 code units) goes only to a worker that holds none: one large batch at a time. */
export const AHEAD_MAX_CHARS = 4 * 1024 * 1024;

interface Sent {
  id: number;
  task: BatchTask;
  /** Who runs it, once a worker holds it (batch-claim.ts). */
  claim: Int32Array;
  chars: number;
}

/** The message a worker gets for a batch (scan-worker.ts). */
export interface BatchMessage {
  id: number;
  task: BatchTask;
  claim: Int32Array;
}

const unclaimed = (sent: Sent) => isUnclaimed(sent.claim);

export class ScanPool {
  private readonly workers = new Set<Worker>();
  /** Per live worker, the batches sent to it and not back yet, in the order it runs them. */
  private readonly sent = new Map<Worker, Sent[]>();
  /** Batches no worker holds yet. */
  private readonly queue: Sent[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: BatchResult) => void; reject: (e: Error) => void; onPart?: ((part: WorkerPart) => void) | undefined }
  >();
  /** Per source index, a worker's time per character of text in its latest batch (ms). */
  private readonly msPerChar = new Map<number, number>();
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
    // The V8 flags it runs under, which name its code cache (bin/scan-worker.js).
    const workerData = IN_CLI_BUNDLE ? { v8Flags: compilerFlags() } : undefined;
    const worker = takeEarlyWorker(this.limits) ?? new Worker(this.entry, { resourceLimits: this.limits, workerData });
    if (this.preload) worker.postMessage({ preload: this.preload });
    const sent: Sent[] = [];
    worker.on('message', (message: WorkerAnswer) => {
      if ('part' in message) {
        this.pending.get(message.id)?.onPart?.(message.part);
        return;
      }
      const at = sent.findIndex((s) => s.id === message.id);
      const done = sent[at];
      if (at >= 0) sent.splice(at, 1);
      if (done && 'ms' in message && done.chars > 0) this.msPerChar.set(done.task.sourceIndex, message.ms / done.chars);
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if ('result' in message) waiting?.resolve(message.result);
      else if ('changed' in message) waiting?.reject(new FileChangedSinceRead('the file changed since it was read'));
      else waiting?.reject(new Error(`scan worker: ${message.error}`));
      this.drain();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.workers.delete(worker);
      this.sent.delete(worker);
      // The batch it was running: the one it claimed; or, if none, the one it was receiving.
      const running = sent.find((s) => isClaimedByWorker(s.claim)) ?? sent.find(unclaimed);
      const waiting = running && this.pending.get(running.id);
      if (running) this.pending.delete(running.id);
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        waiting?.reject(new WorkerOutOfMemory(error.message));
        // Batches it held and had not started go back to the front of the queue, in their order.
        this.queue.unshift(...sent.filter((s) => s !== running && unclaimed(s)));
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
    this.sent.set(worker, sent);
  }

  /** Batches sent and not started by any worker yet (queued here or held by a worker). */
  backlog(): number {
    let count = this.queue.length;
    for (const sent of this.sent.values()) for (const s of sent) if (unclaimed(s)) count++;
    return count;
  }

  /** The length of the texts of the batches in backlog(). */
  backlogChars(): number {
    let chars = 0;
    for (const s of this.queue) chars += s.chars;
    for (const sent of this.sent.values()) for (const s of sent) if (unclaimed(s)) chars += s.chars;
    return chars;
  }

  /** A worker is about to have nothing to do: a batch sent now is the next it runs. */
  starving(): boolean {
    if (this.queue.length) return false;
    for (const sent of this.sent.values()) if (sent.length < WORKER_AHEAD) return true;
    return false;
  }

  /** The last batch no worker has started: the last queued, else the last held by a worker (the newest). */
  private lastUnstarted(): Sent | undefined {
    const queued = this.queue.at(-1);
    if (queued) return queued;
    let last: Sent | undefined;
    for (const sent of this.sent.values()) {
      const s = sent.at(-1);
      if (s && unclaimed(s) && (!last || s.id > last.id)) last = s;
    }
    return last;
  }

  /** The source index and text length of the batch steal() would take back, if any. */
  lastQueued(): { sourceIndex: number; chars: number } | undefined {
    const last = this.lastUnstarted();
    return last && { sourceIndex: last.task.sourceIndex, chars: last.chars };
  }

  /** A worker's time per character for this source, from its latest batch of it; undefined before one is back. */
  workerMsPerChar(sourceIndex: number): number | undefined {
    return this.msPerChar.get(sourceIndex);
  }

  /**
   * The workers' time (ms) to run the batches no worker has started, each at its source's latest rate, spread over
   * the workers; undefined while a source among them has no rate yet.
   */
  backlogMs(): number | undefined {
    let ms = 0;
    const add = (s: Sent) => {
      const rate = this.msPerChar.get(s.task.sourceIndex);
      if (rate === undefined) return false;
      ms += rate * s.chars;
      return true;
    };
    for (const s of this.queue) if (!add(s)) return undefined;
    for (const sent of this.sent.values()) for (const s of sent) if (unclaimed(s) && !add(s)) return undefined;
    return ms / this.size;
  }

  /**
   * Takes back the last batch no worker has started, for the caller to run; `settle` resolves the promise run()
   * returned for it.
   */
  steal(): { task: BatchTask; settle: (result: Promise<BatchResult>) => void } | undefined {
    for (let next = this.lastUnstarted(); next; next = this.lastUnstarted()) {
      if (this.queue.at(-1) === next) this.queue.pop();
      // Held by a worker: ours only if the worker has not started it meanwhile (then it is no longer a candidate).
      else if (!claim(next.claim, CLAIMED_BY_MAIN)) continue;
      else for (const sent of this.sent.values()) if (sent.at(-1) === next) sent.pop();
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
    return undefined;
  }

  /** Runs the batch in a worker; `onPart` receives its parts as they are checked (BatchTask.streamParts). */
  run(task: BatchTask, onPart?: (part: WorkerPart) => void): Promise<BatchResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onPart });
      this.queue.push({ id, task, claim: newClaim(), chars: textLength(task.files) });
      this.drain();
    });
  }

  /** Sends queued batches, in order, to the live worker holding the fewest, up to WORKER_AHEAD each. */
  private drain(): void {
    for (let next = this.queue[0]; next; next = this.queue[0]) {
      let target: Worker | undefined;
      let held = WORKER_AHEAD;
      for (const [worker, sent] of this.sent) {
        if (sent.length < held) {
          target = worker;
          held = sent.length;
        }
      }
      if (!target || (held > 0 && next.chars > AHEAD_MAX_CHARS)) return;
      this.queue.shift();
      (this.sent.get(target) as Sent[]).push(next);
      target.postMessage({ id: next.id, task: next.task, claim: next.claim } satisfies BatchMessage);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}
