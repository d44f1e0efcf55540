/**
 * The file stage of a scan, streamed: files are read a window at a time, routed to their source, and each source's
 * files are parsed and checked in batches (in worker threads when it pays) as soon as a batch is full. A batch's
 * texts and value trees are dropped once its compact results (findings, errors, warnings) are back, so memory follows
 * the largest batch, not the corpus. Results are kept per source and batch and joined in the order a one-thread,
 * read-everything-first scan produces, so the output does not depend on timing or on the number of workers.
 */
import path from 'node:path';
import { realPathOrAbsolute } from '../io/read-text-file.js';
import type { Finding, ScanError } from '../model/finding.js';
import { LineIndex } from '../model/location.js';
import { FILE_SOURCES } from '../sources/registry.js';
import { type FileShare, type FileSource, type InputFile, type UnitPlace, fileError } from '../sources/source.js';
import { type PendingFile, type SkippedFile, fileReader, pendingName } from './discover.js';
import { compactBatch, compactorFor } from './compact-findings.js';
import { releaseBatch } from './detach-batch.js';
import { ALL_FINDING_DETAILS } from './evaluate.js';
import { COLLECT_EVERY_FILES, collectGarbage } from './heap.js';
import { tuneCompilerForFile, tuneCompilerForScan } from './compiler-tuning.js';
import type { ScanPool } from './pool.js';
import {
  type BatchResult,
  NOT_RECOGNIZED,
  type PartSink,
  type ScanOptions,
  batchOrder,
  consumeFiles,
  emptyBatch,
  handFindings,
  routeFile,
  unrecognized,
} from './scan.js';
import { scanShared, sharesFile } from './shared-file.js';

/** A pending file's real path: the walk's, else resolved now (a file named on the command line, a link). */
const realPathOf = (file: PendingFile): string => file.real ?? realPathOrAbsolute(file.absolute ?? file.display);

/**
 * Records which of the files `file` names (relative to it) the scan also reads: InputFile.scannedReferences, with the
 * texts of those given in memory (InputFile.referencedTexts), which a source cannot read from disk.
 */
function markScannedReferences(
  file: InputFile,
  named: readonly string[],
  scanned: () => Set<string>,
  inMemory: () => Map<string, string>,
): void {
  if (named.length === 0) return;
  const folder = path.dirname(file.absolutePath ?? path.resolve(file.path));
  const found: string[] = [];
  for (const name of named) {
    const absolute = path.resolve(folder, name);
    const given = inMemory().get(absolute);
    if (given !== undefined) {
      found.push(absolute);
      (file.referencedTexts ??= {})[absolute] = given;
      continue;
    }
    // A file that does not exist is not scanned either: its absolute path is in no walk.
    const real = realPathOrAbsolute(absolute);
    if (scanned().has(real)) found.push(real);
  }
  if (found.length) file.scannedReferences = found;
}

/** Below this many files the cost of starting workers (each loads the parsers again) exceeds the gain. */
export const MIN_FILES_FOR_WORKERS = 300;

/**
 * Files per batch for sources whose files stand alone: small enough that the lanes (the main thread and the workers)
 * finish close together, large enough that sending a batch costs little next to checking it.
 */
export const FILE_BATCH = 100;

export interface FileStageResult extends BatchResult {
  skipped: SkippedFile[];
  filesScanned: number;
}

interface Group {
  source: FileSource;
  /** Files not yet in a batch (all of them for a source that reads its files as a unit, e.g. Terraform). */
  open: InputFile[];
  /** Each batch's result, in batch order. */
  results: Array<Promise<BatchResult>>;
}

/**
 * A scan of this many files or more runs with the old generation's growth bounded (`src/sources/heap-growth.ts`): its
 * peak then stays near a short scan's. Below it the bound cost CPU (3.5% at 3,000 files) and saved no memory.
 */
export const BOUND_HEAP_FROM_FILES = 10_000;

/** Reads, routes, parses and checks the pending files. */
export async function scanFiles(pending: readonly PendingFile[], options: ScanOptions): Promise<FileStageResult> {
  if (pending.length < BOUND_HEAP_FROM_FILES) return scanFilesUnbounded(pending, options);
  // Loaded here: it loads node:v8, which a short scan's start-up need not pay for.
  const { withBoundedHeapGrowth } = await import('../sources/heap-growth.js');
  return withBoundedHeapGrowth(() => scanFilesUnbounded(pending, options));
}

async function scanFilesUnbounded(pending: readonly PendingFile[], options: ScanOptions): Promise<FileStageResult> {
  const sources = options.fileSources ?? FILE_SOURCES;
  // Fixers need every text and value tree of the scan: read everything first, as they expect.
  const holdAll = options.onFilesRead !== undefined || options.onEvaluated !== undefined;
  const readErrors: ScanError[] = [];
  const routeErrors: ScanError[] = [];
  const skipped: SkippedFile[] = [];
  const groups = new Map<FileSource, Group>();
  const findingLines = options.onFindingLines !== undefined;
  const total = pending.length;
  let done = 0;
  let filesScanned = 0;

  tuneCompilerForScan(pending.length);
  /** The real paths of every file the scan reads, made when a file first names others (markScannedReferences). */
  let realPaths: Set<string> | undefined;
  const scannedRealPaths = () => (realPaths ??= new Set(pending.map(realPathOf)));
  /** The texts the scan was given in memory (the library's `texts`), by absolute path. */
  let givenTexts: Map<string, string> | undefined;
  const inMemoryTexts = () =>
    (givenTexts ??= new Map(
      pending.flatMap((p) => (p.stdin && p.display !== '<stdin>' ? [[path.resolve(p.display), p.stdin.text] as const] : [])),
    ));
  const pools = new PoolGate(options, pending.length);
  /** Pool batches sent and not yet back: reading waits when too many are out, so texts do not pile up. */
  const outstanding: Array<Promise<unknown>> = [];

  // The scan's options as every batch checked here reads them (copied once, not per batch).
  const inProcess = { ...options, findingLines };
  /** Per source, this thread's time per character of text in its latest batch (ms): see takeBack. */
  const hereMsPerChar = new Map<FileSource, number>();
  /**
   * `part`: the batch is a share of one file, or one of its source's units (FileSourceOptions). `order`: the batch's
   * place in a streamed report, whose sink then takes a file read in parts a part at a time (FindingSink).
   */
  const runInProcess = async (
    source: FileSource,
    batch: InputFile[],
    part?: { share?: FileShare; unit?: UnitPlace; partSink?: PartSink },
    order?: number,
  ): Promise<BatchResult> => {
    // Parsing is synchronous: let a Ctrl-C handler run between batches, and stop if it did.
    await new Promise((resolve) => setImmediate(resolve));
    options.signal?.throwIfAborted();
    const result = emptyBatch();
    const started = performance.now();
    const consume = order === undefined || !options.findingSink ? inProcess : { ...inProcess, findingOrder: order };
    await consumeFiles(source, batch, part ? { ...consume, ...part } : consume, result);
    const chars = textLength(batch);
    if (chars > 0 && !part?.share) hereMsPerChar.set(source, (performance.now() - started) / chars);
    return result;
  };
  const counted = (promise: Promise<BatchResult>, files: number) =>
    promise.then((result) => {
      done += files;
      options.onFileProgress?.(done, total);
      // Held compactly from the moment it is back (a copy: see deliver), not only once every batch is done.
      if (!holdAll) compactBatch(result, options);
      if (Math.floor(done / COLLECT_EVERY_FILES) > Math.floor((done - files) / COLLECT_EVERY_FILES)) collectGarbage();
      return result;
    });

  /** The place of the group's next batch in the join of a held scan (a streamed report's tie order). */
  const nextOrder = (group: Group) => batchOrder([...groups.values()].indexOf(group), group.results.length);

  /**
   * Reserves the batch's place in its group's results at once, so results stay in order whenever it runs. A batch of
   * a source whose files are not independent is one of its units (`unit`: its place among them), else all its files.
   */
  const sendBatch = async (group: Group, batch: InputFile[], unit?: UnitPlace): Promise<void> => {
    let settleSlot!: (result: Promise<BatchResult>) => void;
    const slot = new Promise<BatchResult>((resolve) => (settleSlot = resolve));
    // A streamed report (ScanOptions.findingSink) takes the batch's findings as soon as it is back, ranked by its place.
    const order = nextOrder(group);
    const settle = (result: Promise<BatchResult>) =>
      settleSlot(options.findingSink ? result.then((r) => handFindings(r, options, order)) : result);
    // A batch that fails (Ctrl-C while the main thread checks it) is reported by whoever awaits it; when the scan
    // stops before the results are joined, nobody does: that must not be an unhandled rejection.
    slot.catch(() => undefined);
    group.results.push(slot);
    const run = async (pool: ScanPool | undefined) => {
      // The main thread is one of the `jobs` lanes: it checks a batch itself when its lane is the batch's (lanes).
      if (!pool || checkedHere(pool, group.source)) {
        // In-process records may hold strings that are slices of file texts (and so the texts): their strings are
        // released (detach-batch.ts). Fixers (holdAll) match findings by identity: theirs stay as they are.
        // (A streamed report takes the findings first: rendered at once, they need no release.)
        const compact = runInProcess(group.source, batch, unit && { unit }, order).then((r) =>
          holdAll ? r : releaseBatch(options.findingSink ? handFindings(r, options, order) : r, batch.length),
        );
        const result = counted(compact, batch.length);
        settle(result);
        await result;
        return;
      }
      const pooled = pool.run({
        sourceIndex: FILE_SOURCES.indexOf(group.source),
        files: batch,
        checkIds: options.checks.map((c) => c.meta.id),
        includePassed: options.includePassed ?? false,
        varFiles: options.varFiles ?? [],
        findingLines,
        findingDetails: options.findingDetails ?? ALL_FINDING_DETAILS,
        ...(unit ? { unit } : {}),
      });
      // A batch too large for a worker's heap (one huge file) runs here instead.
      const result = counted(
        pooled.catch(async (error: unknown) => {
          const { WorkerOutOfMemory } = await import('./pool.js');
          if (!(error instanceof WorkerOutOfMemory)) throw error;
          return releaseBatch(await runInProcess(group.source, batch, unit && { unit }), batch.length, options.findingSink !== undefined);
        }),
        batch.length,
      );
      settle(result);
      outstanding.push(result.catch(() => undefined));
      // A bound on texts in flight; checkedHere keeps well under it (the main thread takes batches back first). A
      // source's units are sent once every file is read: their texts are held already, and this thread must not wait
      // for the workers before it can take units back.
      while (!unit && outstanding.length > pool.size * (BACKLOG_PER_WORKER + 1)) await outstanding.shift();
    };
    if (!group.source.independentFiles && !unit) return run(undefined);
    const pool = await pools.pool();
    if (pool === 'undecided') pools.hold(run);
    else {
      await pools.release();
      await run(pool);
    }
  };

  // Everything from the first read on is inside the try: a Ctrl-C (or any error) while reading must still close the
  // pool, or its workers keep the process alive after the scan has stopped.
  try {
    const names = namesFound(pending);
    if (names.terraform) preloadTerraformParser(sources);
    // Workers take a while to start: start them while this thread reads, when the walk found enough likely inputs.
    await pools.prestart(names);
    const reader = fileReader(options);
    let read = 0;
    for await (const outcome of reader.read(pending)) {
      read++;
      if (outcome === undefined) continue;
      if ('message' in outcome) {
        readErrors.push(outcome);
        continue;
      }
      const { file, explicit } = outcome;
      tuneCompilerForFile(file.text.length);
      const route = routeFile(file, sources);
      if (!('source' in route)) {
        if ('error' in route) {
          // Not readable at all: it might have been a task definition, so never a quiet skip.
          const at = route.offset === undefined ? undefined : new LineIndex(file.text).range(file.path, route.offset, route.offset + 1);
          routeErrors.push(fileError(file.path, route.error, at));
        } else if (explicit && !options.skipUnrecognized) {
          routeErrors.push(...(route.what ? [fileError(file.path, `not a task definition: ${route.what}`)] : unrecognized(file)));
        } else {
          skipped.push({ file: file.path, reason: route.what ? `not a task definition: ${route.what}` : NOT_RECOGNIZED });
        }
        continue;
      }
      filesScanned++;
      if (route.source.referencedFiles) {
        markScannedReferences(file, route.source.referencedFiles(file), scannedRealPaths, inMemoryTexts);
      }
      if (route.source.independentFiles || route.source.units) pools.saw(1);
      options.onFileRead?.(file);
      let group = groups.get(route.source);
      if (!group) groups.set(route.source, (group = { source: route.source, open: [], results: [] }));
      group.open.push(file);
      if (!holdAll && route.source.independentFiles && group.open.length >= batchSize(total - read, options.jobs ?? 1))
        await sendBatch(group, group.open.splice(0));
    }
    if (holdAll) options.onFilesRead?.([...groups.values()].flatMap((g) => g.open));
    await pools.readingDone();
    // What is left: the last partial batches, whole Terraform groups, and everything when holding all texts.
    for (const group of groups.values()) {
      // Checked once every other file is (below).
      if (group.source.reportedThroughReaders) continue;
      if (group.source.units && !group.source.independentFiles) {
        // Configurations that can be read apart (Terraform root modules): one batch each, in any lane.
        const units = await group.source.units(group.open.splice(0));
        if (units.length > 1) {
          for (const unit of units) await sendBatch(group, unit.files, unit.place);
          continue;
        }
        group.open = units[0]?.files ?? [];
      }
      const batches = group.source.independentFiles ? chunks(group.open.splice(0), FILE_BATCH) : [group.open.splice(0)];
      for (const batch of batches) {
        if (!batch.length) continue;
        // One large file (a plan) is read in two lanes, this thread and one worker (shared-file.ts).
        if (!holdAll && (await sharesFile(group.source, batch, options))) {
          const [file] = batch as [InputFile];
          const runHere = (share: FileShare | undefined, partSink?: PartSink) =>
            runInProcess(group.source, [file], share && { share, ...(partSink ? { partSink } : {}) }).then((r) => releaseBatch(r, 1));
          // A streamed report takes each lane's parts as they are checked, then the rest like any batch's (sendBatch).
          const order = nextOrder(group);
          const shared = counted(scanShared(group.source, file, { ...options, findingLines }, runHere, order), 1);
          const result = options.findingSink ? shared.then((r) => handFindings(r, options, order)) : shared;
          group.results.push(result);
          await result.catch(() => undefined);
        } else await sendBatch(group, batch);
      }
    }
    await pools.release();
    // Everything is sent: batches still waiting for a worker are checked here instead, so no lane idles at the end;
    // a batch of a worker's source only while enough wait that the workers would finish well after this thread.
    const pool = pools.started();
    for (let waiting = pool && takeBack(pool, hereMsPerChar); waiting; waiting = pool && takeBack(pool, hereMsPerChar)) {
      const { task, settle } = waiting;
      const source = FILE_SOURCES[task.sourceIndex] as FileSource;
      const result = runInProcess(source, task.files, task.unit && { unit: task.unit }).then((r) =>
        releaseBatch(r, task.files.length, options.findingSink !== undefined),
      );
      settle(result);
      // One at a time: the workers go on taking batches from the other end of the queue meanwhile.
      await result.catch(() => undefined);
    }
    // A container list a task definition read in (Terraform's file()) is checked there, where the task-level fields
    // are known: only the others are checked on their own.
    const deferred = [...groups.values()].filter((group) => group.source.reportedThroughReaders);
    const readIn = deferred.length ? await listsReadIn(groups.values()) : new Map<string, string>();
    for (const group of deferred) {
      const files = group.open.splice(0).filter((file) => {
        const by = readIn.get(path.resolve(file.path));
        if (by === undefined) return true;
        skipped.push({ file: file.path, reason: `a container list that ${by} reads in (file() or templatefile()): checked there` });
        filesScanned--;
        return false;
      });
      if (files.length) await sendBatch(group, files);
    }
    const out: FileStageResult = { ...emptyBatch(), errors: [...readErrors, ...routeErrors], skipped, filesScanned };
    for (const group of groups.values()) {
      for (const result of group.results) {
        const batch = await result;
        deliver(batch, options, out, false);
      }
    }
    return out;
  } finally {
    await Promise.allSettled(outstanding);
    // The workers are stopped, and stop on their own threads (150 ms of wall in loaded traces) while this thread goes
    // on with the report: nothing waits for them (a stopping worker still keeps the process alive until it is gone).
    pools.close().catch(() => undefined);
  }
}

/**
 * The container lists the groups' task definitions read in (BatchResult.listsReadIn), by resolved path, each with the
 * definition that read it; waits for the groups' batches. A batch that failed reads nothing in here: the scan reports
 * its failure when it joins the results.
 */
async function listsReadIn(groups: Iterable<Group>): Promise<Map<string, string>> {
  const readIn = new Map<string, string>();
  for (const group of groups) {
    if (group.source.reportedThroughReaders) continue;
    for (const result of group.results) {
      const batch = await result.catch(() => undefined);
      for (const list of batch?.listsReadIn ?? []) {
        const file = path.resolve(list.file);
        if (!readIn.has(file)) readIn.set(file, list.by);
      }
    }
  }
  return readIn;
}

/**
 * Adds a batch's results to `into`, in order; hands each finding's anchor lines to the hook. Records that crossed a
 * worker boundary are copies: they are held compactly, their repeated strings and parts shared (compact-findings.ts).
 */
export function deliver(
  from: BatchResult,
  options: Pick<ScanOptions, 'onFindingLines' | 'checks'>,
  into: BatchResult,
  copied: boolean,
): void {
  const compactor = copied ? compactorFor(options) : undefined;
  for (let i = 0; i < from.findings.length; i++) {
    const finding = compactor ? compactor.finding(from.findings[i] as Finding) : (from.findings[i] as Finding);
    into.findings.push(finding);
    const lines = from.lines?.[i];
    if (lines) options.onFindingLines?.(finding, lines);
  }
  for (const e of from.errors) into.errors.push(e);
  for (const w of from.warnings) into.warnings.push(w);
  into.taskDefinitions += from.taskDefinitions;
}

/**
 * Lanes: each thread JIT-compiles the code of the sources it parses, and its compiled code stays fast only for the
 * shapes of value trees it has seen; a thread that parses two sources compiles both parsers and recompiles the checks
 * for both shapes. So each source keeps to a lane where it can: the main thread (which also reads, routes and
 * reports) checks task-definition JSON, the cheapest files per byte; workers check the other sources. A lane takes
 * the other's batches only when it would otherwise idle or the other has too much: a worker with nothing waiting
 * gets JSON; while reading, the main thread checks a worker's source only when BACKLOG_CHARS of text wait for the
 * workers (the memory bound), and once everything is read it takes batches back from the end of the queue (see
 * takeBack). Output does not depend on which lane checks a batch (results are joined in batch order).
 *
 * Why not on a count of waiting batches, as before: reading is fast, so a corpus whose templates come first in walk
 * order (a folder of CloudFormation, then one of JSON) filled a count of 8 batches per worker at once, and the main
 * thread then compiled the YAML parser and checked templates itself while its own JSON waited to be read. A 3,000-file
 * mixed scan spent about 0.5 CPU-s more that way (about a tenth), all of it on the main thread, the lane that decides
 * when the scan ends.
 */
const MAIN_LANE_KINDS: ReadonlySet<string> = new Set(['json']);

/**
 * Batches sent to the workers and not back yet, per worker, before reading waits: a bound for corpora of many small
 * files, whose texts stay under BACKLOG_CHARS; it must not be reached before the main thread's own lane is read.
 */
export const BACKLOG_PER_WORKER = 64;

/**
 * Text (UTF-16 code units) that may wait for the workers: the backlog's memory bound. About 16 MB of one-byte strings
 * (ASCII and Latin-1 texts), enough for the 1,000 templates of the mixed bench corpus to wait for the worker while
 * the main thread reads and checks the JSON behind them.
 */
export const BACKLOG_CHARS = 16 * 1024 * 1024;

/**
 * At the end, before the workers' rates are known, the main thread takes back a batch of a worker's source only while
 * this many wait per worker.
 */
export const TAKE_BACK_PER_WORKER = 3;

/**
 * How much slower than a worker the main thread is assumed to check a source it has not checked yet in this scan (it
 * compiles that source's parser and the checks for its trees first): a guess, used until it has checked a batch.
 */
const COLD_LANE_FACTOR = 3;

/**
 * The smallest batch the tail of a scan is cut into. The lanes end together only if the last batches are short: the
 * main thread takes back the last ones no worker has started, while the workers run the first.
 */
export const TAIL_BATCH = 20;

/**
 * Files per batch when `remaining` files are left to read: FILE_BATCH, then smaller towards the end, so that each
 * lane's last batch is short (about a quarter of its share of what is left).
 */
export function batchSize(remaining: number, jobs: number): number {
  if (jobs <= 1) return FILE_BATCH;
  return Math.min(FILE_BATCH, Math.max(TAIL_BATCH, Math.ceil(remaining / (jobs * 4))));
}

function checkedHere(pool: ScanPool, source: FileSource): boolean {
  if (MAIN_LANE_KINDS.has(source.kind)) return !pool.starving();
  return pool.backlogChars() >= BACKLOG_CHARS;
}

/**
 * The batch the main thread checks next once everything is sent, if it should take one back from the workers: one of
 * its own lane's always; one of a worker's source only when the main thread would finish it before the workers finish
 * what waits for them (at the rates the latest batches of each lane ran at), so that no lane ends long after the other.
 */
function takeBack(pool: ScanPool, hereMsPerChar: ReadonlyMap<FileSource, number>): ReturnType<ScanPool['steal']> {
  const last = pool.lastQueued();
  if (last === undefined) return undefined;
  const source = FILE_SOURCES[last.sourceIndex];
  if (source !== undefined && !MAIN_LANE_KINDS.has(source.kind)) {
    const workerRate = pool.workerMsPerChar(last.sourceIndex);
    const workersMs = pool.backlogMs();
    if (workerRate === undefined || workersMs === undefined) {
      if (pool.backlog() < TAKE_BACK_PER_WORKER * pool.size) return undefined;
    } else {
      const hereMs = (hereMsPerChar.get(source) ?? workerRate * COLD_LANE_FACTOR) * last.chars;
      if (hereMs >= workersMs) return undefined;
    }
  }
  return pool.steal();
}

/**
 * Terraform's parser is a WebAssembly grammar, compiled on V8's background threads: started before the files are read,
 * it is ready when this thread reads its first configuration, which otherwise waited for it (about 60 ms idle in a
 * scan of 250 module folders).
 */
function preloadTerraformParser(sources: readonly FileSource[]): void {
  // A source loaded with no files only loads its parser; a failure is reported by the load that reads files.
  void sources
    .find((source) => source.kind === 'terraform')
    ?.load([], {})
    .catch(() => undefined);
}

/** What the walk's file names say, before any file is read. */
interface NamesFound {
  /** Files whose names say they are probably independent inputs or Terraform (JSON, YAML, `.tf`). */
  likely: number;
  yaml: boolean;
  terraform: boolean;
}

function namesFound(pending: readonly PendingFile[]): NamesFound {
  const found: NamesFound = { likely: 0, yaml: false, terraform: false };
  for (const file of pending) {
    const name = pendingName(file).toLowerCase();
    if (name.endsWith('.json')) found.likely++;
    else if (name.endsWith('.tf')) {
      found.likely++;
      found.terraform = true;
    } else if (name.endsWith('.yaml') || name.endsWith('.yml') || name.endsWith('.template')) {
      found.likely++;
      found.yaml = true;
    }
  }
  return found;
}

/** The length of the files' texts (UTF-16 code units). */
export function textLength(files: readonly InputFile[]): number {
  let chars = 0;
  for (const file of files) chars += file.text.length;
  return chars;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Decides once whether batches go to worker threads: only when allowed (jobs > 1, catalogue checks, no fixer hooks,
 * no enrichers, the built-in sources) and at least MIN_FILES_FOR_WORKERS independent files are seen (below that,
 * starting workers costs more than it saves). Until then, batches wait here.
 */
class PoolGate {
  private state: 'undecided' | 'none' | ScanPool = 'undecided';
  private allowed: boolean | undefined;
  private seen = 0;
  private done = false;
  private waiting: Array<(pool: ScanPool | undefined) => Promise<void>> = [];
  private minimum = Number.POSITIVE_INFINITY;
  /** Started by prestart, before the decision; closed if the decision is none. */
  private early: ScanPool | undefined;
  private earlyClosed: Promise<void> | undefined;

  constructor(
    private readonly options: ScanOptions,
    private readonly pendingFiles: number,
  ) {}

  /** Independent files routed so far. */
  saw(files: number): void {
    this.seen += files;
  }

  private async isAllowed(): Promise<boolean> {
    if (this.allowed !== undefined) return this.allowed;
    const { options } = this;
    const jobs = options.jobs ?? 1;
    if (jobs <= 1 || options.onEvaluated || options.onFilesRead || options.fileSources || options.enrichers?.length)
      return (this.allowed = false);
    this.minimum = MIN_FILES_FOR_WORKERS;
    // A small scan never loads the pool (start-up cost).
    if (this.pendingFiles < MIN_FILES_FOR_WORKERS) return (this.allowed = false);
    const { CHECKS } = await import('../checks/catalogue.js');
    // Workers rebuild the checks from their ids: only catalogue checks can cross (a library caller's own cannot).
    return (this.allowed = options.checks.every((c) => CHECKS.includes(c)));
  }

  /**
   * Starts the workers now when the scan may use them and the walk found at least MIN_FILES_FOR_WORKERS files whose
   * names say they are probably independent inputs (JSON, YAML): the decision still waits for the files seen. Each
   * worker loads the code it is likely to need meanwhile (the YAML parser when there are YAML files).
   */
  async prestart({ likely, yaml, terraform }: NamesFound): Promise<void> {
    if (!(await this.isAllowed())) return;
    if (likely < this.minimum) return;
    const { ScanPool, workersAvailable } = await import('./pool.js');
    if (!workersAvailable()) return;
    const cloudFormation = FILE_SOURCES.findIndex((s) => s.kind === 'cloudformation');
    const hcl = FILE_SOURCES.findIndex((s) => s.kind === 'terraform');
    this.early = new ScanPool(this.size(), {
      sourceIndexes: [...(yaml && cloudFormation >= 0 ? [cloudFormation] : []), ...(terraform && hcl >= 0 ? [hcl] : [])],
      findingDetails: this.options.findingDetails ?? ALL_FINDING_DETAILS,
    });
  }

  /** jobs - 1 workers: the main thread checks batches too (one thread fewer to start and to warm up). */
  private size(): number {
    const jobs = this.options.jobs ?? 1;
    return Math.max(1, Math.min(jobs - 1, Math.ceil(this.pendingFiles / FILE_BATCH) - 1));
  }

  private none(): void {
    this.state = 'none';
    this.earlyClosed = this.early?.close();
    this.early = undefined;
  }

  /** The pool, none (in-process), or undecided (hold the batch until enough files are seen or reading ends). */
  async pool(): Promise<ScanPool | undefined | 'undecided'> {
    if (this.state !== 'undecided') return this.state === 'none' ? undefined : this.state;
    if (!(await this.isAllowed()) || (this.seen < this.minimum && this.done)) {
      this.none();
      return undefined;
    }
    if (this.seen < this.minimum) return 'undecided';
    if (this.early) {
      this.state = this.early;
      return this.state;
    }
    const { ScanPool, workersAvailable } = await import('./pool.js');
    if (!workersAvailable()) {
      this.none();
      return undefined;
    }
    this.state = new ScanPool(this.size());
    return this.state;
  }

  hold(run: (pool: ScanPool | undefined) => Promise<void>): void {
    this.waiting.push(run);
  }

  /** Reading is over: decide, and send what waited. */
  async readingDone(): Promise<void> {
    this.done = true;
    if (this.waiting.length) await this.pool();
    await this.release();
  }

  /** Sends the batches that waited for the decision, in their order. */
  async release(): Promise<void> {
    if (this.state === 'undecided') return;
    const pool = this.state === 'none' ? undefined : this.state;
    for (const run of this.waiting.splice(0)) await run(pool);
  }

  /** The pool, if one was started. */
  started(): ScanPool | undefined {
    return this.state !== 'undecided' && this.state !== 'none' ? this.state : undefined;
  }

  async close(): Promise<void> {
    if (this.state === 'undecided') this.none();
    await Promise.all([this.started()?.close(), this.earlyClosed]);
  }
}
