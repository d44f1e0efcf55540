/**
 * Two lanes for one large file: a shareable source's file (a Terraform plan of thousands of resources) is the whole
 * scan, so batching files gives a worker nothing to do. Instead this thread reads and checks the first share of the
 * file's resources while one worker reads and checks the rest; the two results are joined in the order a one-thread
 * run of the whole file gives, so the output does not depend on the number of jobs.
 */
import { FILE_SOURCES } from '../sources/registry.js';
import type { FileShare, FileSource, InputFile } from '../sources/source.js';
import type { FindingAnchor } from '../model/finding-lines.js';
import { ALL_FINDING_DETAILS } from './evaluate.js';
import type { BatchResult, BatchSections, ScanOptions } from './scan.js';

/**
 * Below this size a file is read in one lane: a worker takes about 0.1 s of CPU to start and reads the whole text
 * again to find its share (a plan's index), which pays off from about a thousand plan resources (3.5 MB).
 */
export const SHARE_MIN_CHARS = 2_000_000;

/**
 * Jobs needed before one file is read in two lanes. On two cores the second lane lost: V8's own threads (optimizing
 * compiles, garbage collection) already use much of the second core while one thread reads a plan, and the worker
 * reads the whole text again for its index; the 5,000-resource bench plan took 1.2x the wall time and 1.43x the CPU
 * of one lane. So the default `--jobs` of a two-core machine reads a plan in one lane.
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
 * Reads and checks `file` in two lanes. `runHere` checks a share in this thread (undefined: the whole file); it also
 * runs the worker's share when the worker runs out of memory, and the whole file when a share could not be joined
 * (a source that failed and was loaded again without parts).
 */
export async function scanShared(
  source: FileSource,
  file: InputFile,
  options: ScanOptions & { findingLines: boolean },
  runHere: (share: FileShare | undefined) => Promise<BatchResult>,
): Promise<BatchResult> {
  const { ScanPool, WorkerOutOfMemory } = await import('./pool.js');
  const sourceIndex = FILE_SOURCES.indexOf(source);
  const findingDetails = options.findingDetails ?? ALL_FINDING_DETAILS;
  // The worker starts, and loads the source's and the checks' code, while this thread prepares the shares.
  const pool = new ScanPool(1, { sourceIndexes: [sourceIndex], findingDetails }, SHARE_WORKER_LIMITS);
  try {
    const prepared = await source.prepareShares?.(file);
    const withPrepared = (share: FileShare): FileShare => (prepared === undefined ? share : { ...share, prepared });
    const workerShare = withPrepared({ from: MAIN_SHARE, to: 1 });
    const there = pool
      .run({
        sourceIndex,
        files: [file],
        checkIds: options.checks.map((c) => c.meta.id),
        includePassed: options.includePassed ?? false,
        varFiles: options.varFiles ?? [],
        findingLines: options.findingLines,
        findingDetails,
        share: workerShare,
      })
      .catch((error: unknown) => {
        if (!(error instanceof WorkerOutOfMemory)) throw error;
        return runHere(workerShare);
      });
    // Awaited below; a failure here while this thread is busy must not count as unhandled.
    there.catch(() => undefined);
    const here = await runHere(withPrepared({ from: 0, to: MAIN_SHARE }));
    return joinShares([here, await there]) ?? (await runHere(undefined));
  } finally {
    await pool.close();
  }
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
        const from = section === 0 ? 0 : (bounds[section - 1] as number);
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
