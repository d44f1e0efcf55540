/**
 * Two lanes for one large file: a shareable source's file (a Terraform plan of thousands of resources) is the whole
 * scan, so batching files gives a worker nothing to do. Instead this thread reads and checks the first share of the
 * file's resources while one worker reads and checks the rest; the two results are joined in the order a one-thread
 * run of the whole file gives, so the output does not depend on the number of jobs.
 *
 * The worker reads a file that has an identity (InputFile.identity: large, from disk, unchanged for a while) from disk
 * itself, while this thread indexes it: structured-cloning a 19 MB text cost this thread 0.16 s and the worker as
 * much. A streamed report (ScanOptions.findingSink) gets each lane's findings part by part as they are checked, the
 * worker's through its messages, and renders them while the worker still checks; before, it waited for the worker's
 * whole result (10,000 findings cloned at once) and rendered them after. The worker's parts wait until this thread's
 * share is read to its end: if the source fails there, one run of the whole file would stop there too, and so does
 * the report. On the 5,000-resource bench plan with --jobs 3 on two cores: 1.8-2.1 s instead of 2.4-2.8 s, 215 MB
 * peak instead of 260.
 */
import { FILE_SOURCES } from '../sources/registry.js';
import type { FileShare, FileSource, InputFile } from '../sources/source.js';
import type { FindingAnchor } from '../model/finding-lines.js';
import { ALL_FINDING_DETAILS } from './evaluate.js';
import { type BatchResult, type BatchSections, PART_PLACES, type PartSink, type ScanOptions, emptyBatch, handFindings } from './scan.js';

/**
 * Below this size a file is read in one lane: a worker takes about 0.1 s of CPU to start and reads the whole text
 * again to find its share (a plan's index), which pays off from about a thousand plan resources (3.5 MB).
 */
export const SHARE_MIN_CHARS = 2_000_000;

/**
 * Jobs needed before one file is read in two lanes. On two cores the second lane loses: V8's own threads (optimizing
 * compiles, garbage collection) already use much of the second core while one thread reads a plan, and a worker
 * starts cold, checking its first hundreds of resources in V8's interpreter while its own compiled code warms up (the
 * main thread's does not help it). The 5,000-resource bench plan, interleaved runs: 1.1-1.2x the wall time and 1.5x
 * the CPU of one lane. So the default `--jobs` of a two-core machine reads a plan in one lane.
 */
export const MIN_JOBS_TO_SHARE = 3;

/** This thread's share: besides its resources it reads the files, joins the results and writes the report. */
export const MAIN_SHARE = 0.4;

/**
 * The share worker's heap: it holds the file's text and its share's findings, and a file too large for it is read in
 * this thread instead (WorkerOutOfMemory). Its young generation: with 8 MB the worker scavenged 116 times for its share
 * of the 5,000-resource plan (1.9 s of pauses on a loaded machine), with 32 MB 39 times (1.0 s); the process's peak RSS
 * was the same, 255-260 MB (a part's trees die young either way; the peak is the report's and the texts').
 */
const SHARE_WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 };

/** Whether this batch is one file to read in two lanes: the conditions of the worker pool, and a large enough file. */
export async function sharesFile(source: FileSource, batch: readonly InputFile[], options: ScanOptions): Promise<boolean> {
  const [file] = batch;
  if (!source.shareable || batch.length !== 1 || !file || file.text.length < SHARE_MIN_CHARS) return false;
  if (
    (options.jobs ?? 1) < MIN_JOBS_TO_SHARE ||
    options.onEvaluated ||
    options.onFilesRead ||
    options.fileSources ||
    options.enrichers?.length
  )
    return false;
  if (!FILE_SOURCES.includes(source)) return false;
  const [{ CHECKS }, { workersAvailable }] = await Promise.all([import('../checks/catalogue.js'), import('./pool.js')]);
  // Workers rebuild the checks from their ids: only catalogue checks can cross.
  return workersAvailable() && options.checks.every((c) => CHECKS.includes(c));
}

/**
 * Reads and checks `file` in two lanes. `runHere` checks a share in this thread (undefined: the whole file), handing
 * its checked parts to `partSink` when given; it also runs the worker's share when the worker runs out of memory or
 * finds the file changed, and the whole file when a share could not be joined (a source that failed and was loaded
 * again without parts). With `order` (a streamed report: ScanOptions.findingSink), each lane's checked parts go to
 * the report as they are checked, this thread's and the worker's alike, ranked as one whole-file run ranks them.
 */
export async function scanShared(
  source: FileSource,
  file: InputFile,
  options: ScanOptions & { findingLines: boolean },
  runHere: (share: FileShare | undefined, partSink?: PartSink) => Promise<BatchResult>,
  order?: number,
): Promise<BatchResult> {
  const { ScanPool, WorkerOutOfMemory, FileChangedSinceRead } = await import('./pool.js');
  const sourceIndex = FILE_SOURCES.indexOf(source);
  const findingDetails = options.findingDetails ?? ALL_FINDING_DETAILS;
  const sink = options.findingSink && order !== undefined ? options : undefined;
  // The worker starts, and loads the source's and the checks' code, while this thread prepares the shares.
  const pool = new ScanPool(1, { sourceIndexes: [sourceIndex], findingDetails }, SHARE_WORKER_LIMITS);
  try {
    // A large file read from disk is read again by the worker: sending its text costs this thread about as much. That
    // worker also finds its resources itself, at once, rather than wait for this thread's index and receive it
    // (5,000 plan resources: 0.1 s of its time to deserialize, after 0.1 to 0.2 s of waiting).
    const reread = file.identity !== undefined && file.absolutePath !== undefined;
    const prepared = reread ? undefined : await source.prepareShares?.(file);
    const withPrepared = (share: FileShare): FileShare => (prepared === undefined ? share : { ...share, prepared });
    const workerShare = withPrepared({ from: MAIN_SHARE, to: 1 });
    const hereShare = withPrepared({ from: 0, to: MAIN_SHARE });
    // A share's findings are ranked after those of the shares before it, as in one run of the whole file.
    const toReport = (share: FileShare): PartSink | undefined =>
      sink && ((part, handed) => handFindings(part, sink, order as number, PART_PLACES + Math.round(share.from * SHARE_PLACES) + handed));
    /** Findings of the worker's share it handed: a run of its share here hands only those after them. */
    let workerHanded = 0;
    const workerSink = toReport(workerShare);
    // The worker's parts wait until this thread's share is checked: one run of the whole file stops where its source
    // fails, so a later share's findings may be reported only once every share before it was read to its end.
    let waiting: Array<[BatchResult, number]> | undefined = [];
    const workerGate: PartSink | undefined =
      workerSink &&
      ((part, handed) => {
        // A copy: the lane that checked the part empties it once handed.
        const copy = partBatch(part);
        if (waiting) waiting.push([copy, handed]);
        else workerSink(copy, handed);
      });
    const there = pool
      .run(
        {
          sourceIndex,
          files: [reread ? { ...file, text: '' } : file],
          checkIds: options.checks.map((c) => c.meta.id),
          includePassed: options.includePassed ?? false,
          varFiles: options.varFiles ?? [],
          findingLines: options.findingLines,
          findingDetails,
          share: workerShare,
          ...(reread ? { reread } : {}),
          ...(workerSink ? { streamParts: true } : {}),
        },
        workerGate &&
          ((part) => {
            workerGate(partBatch(part), part.handed);
            workerHanded = part.handed + part.findings.length;
          }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof WorkerOutOfMemory) && !(error instanceof FileChangedSinceRead)) throw error;
        return runHere(workerShare, workerGate && withoutFirst(workerGate, workerHanded));
      });
    // Awaited below; a failure here while this thread is busy must not count as unhandled.
    there.catch(() => undefined);
    const here = await runHere(hereShare, toReport(hereShare));
    // This share's source failed (streamed: consumeInParts kept what it checked before): the file is read up to there,
    // as one run of it would be, and the worker's share not at all.
    if (here.sections?.failed) return here;
    const released = waiting;
    waiting = undefined;
    for (const [part, handed] of released) workerSink?.(part, handed);
    const joined = joinShares([here, await there]);
    if (joined) return joined;
    // Streamed shares always join (consumeInParts keeps their sections): loading the file again would report twice.
    if (sink) throw new Error(`the shares of ${file.path} could not be joined`);
    return await runHere(undefined);
  } finally {
    await pool.close();
  }
}

/** A batch holding a checked part's findings and their lines, and nothing else. */
const partBatch = ({ findings, lines }: Pick<BatchResult, 'findings' | 'lines'>): BatchResult =>
  lines ? { ...emptyBatch(), findings, lines } : { ...emptyBatch(), findings };

/** Places per whole share in a streamed report (FindingSink): a share from `from` ranks its findings from `from` * this. */
const SHARE_PLACES = 2 ** 44;

/** `sink` without the first `skip` findings (reported already, by the worker that ran the share before). */
export function withoutFirst(sink: PartSink, skip: number): PartSink {
  return (part, handed) => {
    const drop = Math.min(part.findings.length, Math.max(0, skip - handed));
    if (drop === part.findings.length) return;
    if (drop > 0) {
      part.findings = part.findings.slice(drop);
      if (part.lines) part.lines = part.lines.slice(drop);
    }
    sink(part, handed + drop);
  };
}

/**
 * The shares' results as one whole-file run gives them: the source's errors and warnings, its failures' errors and
 * ERROR findings, then the checks' records, each section in share order. Undefined when a share has no sections.
 */
export function joinShares(parts: BatchResult[]): BatchResult | undefined {
  const sections: BatchSections[] = [];
  for (const part of parts) {
    if (!part.sections) return undefined;
    sections.push(part.sections);
  }
  const joined: BatchResult = { findings: [], errors: [], warnings: [], taskDefinitions: 0 };
  // A share whose source failed (streamed) has the failure first among its errors, where one run of the whole file has
  // it first of all (consumeInParts): it goes first, and not again in its share's section.
  parts.forEach((part, i) => {
    if (sections[i]?.failed && part.errors[0]) joined.errors.push(part.errors[0]);
  });
  const lines: Array<FindingAnchor[] | undefined> = []; // sparse, as consumeInParts leaves it
  /** Each list's section ends (the last section runs to the end); each section is taken from every share in turn. */
  const lists: Array<{ of: 'errors' | 'warnings' | 'findings'; ends: (s: BatchSections) => number[] }> = [
    { of: 'errors', ends: (s) => [s.sourceErrors, s.sourceErrors + s.failureErrors] },
    { of: 'warnings', ends: (s) => [s.sourceWarnings] },
    { of: 'findings', ends: (s) => [s.failureFindings] },
  ];
  for (const { of, ends } of lists) {
    const into: unknown[] = joined[of];
    for (let section = 0; section <= ends(sections[0] as BatchSections).length; section++) {
      parts.forEach((part, i) => {
        const bounds = ends(sections[i] as BatchSections);
        const items: unknown[] = part[of];
        const from = section === 0 ? (of === 'errors' && sections[i]?.failed ? 1 : 0) : (bounds[section - 1] as number);
        const to = Math.min(bounds[section] ?? Number.POSITIVE_INFINITY, items.length);
        for (let k = from; k < to; k++) {
          const found = of === 'findings' ? part.lines?.[k] : undefined;
          if (found) lines[into.length] = found;
          into.push(items[k]);
        }
      });
    }
  }
  for (const part of parts) joined.taskDefinitions += part.taskDefinitions;
  if (lines.length) joined.lines = lines;
  return joined;
}
