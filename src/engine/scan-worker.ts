/**
 * A worker of the parse+check pool (see pool.ts): loads one batch of independent files through its source and checks
 * every task definition in it. Only compact records travel back (findings, errors, warnings): no value trees.
 */
import { type MessagePort, parentPort } from 'node:worker_threads';
import { CHECKS } from '../checks/catalogue.js';
import { FILE_SOURCES } from '../sources/registry.js';
import { CLAIMED_BY_WORKER, claim } from './batch-claim.js';
import { rereadText } from '../io/read-text-file.js';
import type { InputFile } from '../sources/source.js';
import type { BatchMessage, BatchTask, Preload, WorkerAnswer } from './pool.js';
import { loadDetailCode } from './evaluate.js';
import { type BatchResult, consumeFiles, emptyBatch } from './scan.js';

const port = parentPort;
if (!port) throw new Error('scan-worker.js runs only as a worker thread');

/** Batches received and not started, in order: the pool sends the next one ahead (pool.ts, WORKER_AHEAD). */
const received: BatchMessage[] = [];
let running = false;

port.on('message', (message: BatchMessage | { preload: Preload }) => {
  // Only loads code: a failure here shows again (and is reported) when a batch needs that code.
  if ('preload' in message) void preload(message.preload).catch(() => undefined);
  else {
    received.push(message);
    if (!running) void runReceived(port);
  }
});

/** Runs the received batches one at a time, each unless the main thread took it back before it started. */
async function runReceived(port: MessagePort): Promise<void> {
  running = true;
  for (let next = received.shift(); next; next = received.shift()) {
    if (claim(next.claim, CLAIMED_BY_WORKER)) await runBatch(port, next.id, next.task);
  }
  running = false;
}

async function runBatch(port: MessagePort, id: number, task: BatchTask): Promise<void> {
  const started = performance.now();
  try {
    const source = FILE_SOURCES[task.sourceIndex];
    if (!source) throw new Error(`no file source ${task.sourceIndex}`);
    const byId = new Map(CHECKS.map((c) => [c.meta.id, c]));
    const checks = task.checkIds.map((checkId) => {
      const check = byId.get(checkId);
      if (!check) throw new Error(`unknown check ${checkId}`);
      return check;
    });
    const options = {
      checks,
      includePassed: task.includePassed,
      varFiles: task.varFiles,
      findingLines: task.findingLines,
      findingDetails: task.findingDetails,
      ...(task.share ? { share: task.share } : {}),
      ...(task.unit ? { unit: task.unit } : {}),
    };
    const files = task.reread ? reread(task.files) : task.files;
    if (!files) {
      port.postMessage({ id, changed: true } satisfies WorkerAnswer);
      return;
    }
    // Each checked part's findings go back as they are checked, so the main thread reports them meanwhile.
    const partSink = task.streamParts
      ? (part: BatchResult, handed: number) =>
          port.postMessage({
            id,
            part: { findings: part.findings, ...(part.lines ? { lines: part.lines } : {}), handed },
          } satisfies WorkerAnswer)
      : undefined;
    const result: BatchResult = emptyBatch();
    await consumeFiles(source, files, partSink ? { ...options, partSink } : options, result);
    // How long it took: the main thread's estimate of the work left (scan-files.ts, takeBack).
    port.postMessage({ id, result, ms: performance.now() - started } satisfies WorkerAnswer);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerAnswer);
  }
}

/** The batch's files with their texts read again (BatchTask.reread); undefined when one is no longer the file read. */
function reread(files: InputFile[]): InputFile[] | undefined {
  const read: InputFile[] = [];
  for (const file of files) {
    const text = file.absolutePath && file.identity ? rereadText(file.absolutePath, file.identity) : undefined;
    if (text === undefined) return undefined;
    read.push({ ...file, text });
  }
  return read;
}

async function preload({ sourceIndexes, findingDetails }: Preload): Promise<void> {
  // A source loaded with no files only imports its parser (the registry's sources load on first use).
  for (const index of sourceIndexes) await FILE_SOURCES[index]?.load([], {});
  await loadDetailCode(findingDetails);
}
