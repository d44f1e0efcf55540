import type { Check } from '../checks/types.js';
import { type Finding, type ScanError, type Status, countStatuses } from '../model/finding.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { firstSignificantChar, parseJsonWithPositions } from '../sources/json/json-tree.js';
import { recognizeNonTaskDefinition } from '../sources/not-task-definition.js';
import { FILE_SOURCES } from '../sources/registry.js';
import {
  type FileSource,
  type FileSourceOptions,
  type InputFile,
  type LiveSource,
  type SourceDefinition,
  type SourceOutput,
  fileError,
} from '../sources/source.js';
import { type DiscoveryOptions, type SkippedFile, discoverFiles } from './discover.js';
import { errorFindings, evaluateTaskDefinition } from './evaluate.js';
import { describeLoadFailure, loadIsolating } from './isolate.js';
import { MAX_NESTING, nestedTooDeep } from './nesting.js';

export interface ScanOptions extends FileSourceOptions, DiscoveryOptions {
  paths: string[];
  checks: readonly Check[];
  includePassed?: boolean;
  liveSources?: LiveSource[];
  fileSources?: readonly FileSource[];
  signal?: AbortSignal;
  /** Named files no source recognizes are skipped, not errors (pre-commit passes every staged YAML/JSON). */
  skipUnrecognized?: boolean;
  /** Sees each checked task definition with its findings (fixers need the value trees). */
  onEvaluated?: (evaluated: EvaluatedDefinition) => void;
  /** Sees every file that was read and routed to a source (fixers need the texts). */
  onFilesRead?: (files: InputFile[]) => void;
  /**
   * Stages between sources and checks that add facts to the model (image users);
   * they run on each batch of normalized definitions before any check sees them.
   */
  enrichers?: readonly Enricher[];
  /**
   * Parse+check in this many worker threads (the CLI passes os.availableParallelism() or --jobs). Used only for
   * catalogue checks, without onEvaluated (fixers need the value trees in this thread), without enrichers and for at
   * least MIN_FILES_FOR_WORKERS independent files; otherwise everything runs in this thread. Output is the same.
   */
  jobs?: number;
  /** Files read and checked so far, of all the files routed to a source (for a progress bar). */
  onFileProgress?: (done: number, total: number) => void;
}

/** What one batch of files adds to a scan: compact records only, so it can cross a worker boundary. */
export interface BatchResult {
  findings: Finding[];
  errors: ScanError[];
  warnings: ScanError[];
  taskDefinitions: number;
}

type ConsumeOptions = Pick<ScanOptions, 'checks' | 'includePassed' | 'onEvaluated' | 'enrichers' | 'signal'>;

/** Adds a source's output to `into`: errors, ERROR findings for failures, and the findings of every definition. */
export async function consumeOutput(output: SourceOutput, options: ConsumeOptions, into: BatchResult): Promise<void> {
  const { findings, errors, warnings } = into;
  errors.push(...output.errors);
  warnings.push(...(output.warnings ?? []));
  for (const failure of output.failures) {
    // Listed as an input error (with region and operation) and as ERROR for every check: never a PASS.
    errors.push({ ...failure.error, resource: failure.error.resource ?? failure.resource.arn ?? failure.resource.id });
    findings.push(...errorFindings(failure.resource, failure.error, options.checks, failure.usage, failure.range));
  }
  const normalized = output.definitions.flatMap((d) => normalizeDefinition(d, options, findings, errors, warnings));
  for (const enrich of options.enrichers ?? []) {
    errors.push(...(await enrich(normalized.map((n) => n.taskDefinition), options.signal)));
  }
  for (const { definition, taskDefinition } of normalized) {
    if (evaluateDefinition(definition, taskDefinition, options, findings, errors)) into.taskDefinitions++;
  }
}

function append(into: BatchResult, from: BatchResult): void {
  for (const f of from.findings) into.findings.push(f);
  for (const e of from.errors) into.errors.push(e);
  for (const w of from.warnings) into.warnings.push(w);
  into.taskDefinitions += from.taskDefinitions;
}

/** A pool when it pays and is safe (see ScanOptions.jobs); undefined otherwise. */
async function poolFor(options: ScanOptions, owned: Map<FileSource, InputFile[]>) {
  const jobs = options.jobs ?? 1;
  if (jobs <= 1 || options.onEvaluated || options.fileSources || options.enrichers?.length) return undefined;
  let independent = 0;
  for (const [source, files] of owned) if (source.independentFiles) independent += files.length;
  const { MIN_FILES_FOR_WORKERS, ScanPool } = await import('./pool.js');
  if (independent < MIN_FILES_FOR_WORKERS) return undefined;
  // Workers rebuild the checks from their ids: only catalogue checks can cross (a library caller's own cannot).
  const { CHECKS } = await import('../checks/catalogue.js');
  if (!options.checks.every((c) => CHECKS.includes(c))) return undefined;
  return new ScanPool(Math.min(jobs, Math.ceil(independent / FILE_BATCH)));
}

/** Adds facts to normalized task definitions; may fetch, must not throw for one bad input (report it instead). */
export type Enricher = (taskDefinitions: TaskDefinition[], signal?: AbortSignal) => Promise<ScanError[]>;

export interface EvaluatedDefinition {
  taskDefinition: TaskDefinition;
  findings: Finding[];
}

export interface ScanSummary {
  filesScanned: number;
  /**
   * Files in walked folders that were not scanned: no source recognized them
   * (package.json), they are something else (an AppSpec, a run-task input, a
   * template), or a symlink that was not followed. Listed in `skipped`.
   */
  filesSkipped: number;
  taskDefinitions: number;
  /** Live revisions the AWS source listed in scope (read or not). */
  liveRevisions: number;
  findings: Record<Status, number>;
  errors: number;
  warnings: number;
}

export interface ScanResult {
  findings: Finding[];
  /** What could not be read: some verdict is missing (exit 2). */
  errors: ScanError[];
  /** Validation problems that left every verdict intact (a container without a name, no containers). */
  warnings: ScanError[];
  /** Files in walked folders that were not scanned, and why. */
  skipped: SkippedFile[];
  /** Real paths of the paths scanned: a fixer writes nothing outside them. */
  roots: string[];
  summary: ScanSummary;
}

/** Sources → model → checks: the whole scan, with every failure collected. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const sources = options.fileSources ?? FILE_SOURCES;
  const discovered = await discoverFiles(options.paths, options);
  const errors: ScanError[] = [...discovered.errors];
  const warnings: ScanError[] = [];
  const skipped: SkippedFile[] = [...discovered.skipped];

  const owned = new Map<FileSource, InputFile[]>();
  for (const { file, explicit } of discovered.files) {
    const route = routeFile(file, sources);
    if ('source' in route) {
      const list = owned.get(route.source);
      if (list) list.push(file);
      else owned.set(route.source, [file]);
    } else if ('error' in route) {
      // Not readable at all: it might have been a task definition, so never a quiet skip.
      errors.push(fileError(file.path, route.error));
    } else if (explicit && !options.skipUnrecognized) {
      errors.push(...(route.what ? [fileError(file.path, `not a task definition: ${route.what}`)] : unrecognized(file)));
    } else {
      skipped.push({ file: file.path, reason: route.what ? `not a task definition: ${route.what}` : NOT_RECOGNIZED });
    }
  }

  const acc: BatchResult = { findings: [], errors, warnings, taskDefinitions: 0 };
  const findings = acc.findings;
  const consume = (output: SourceOutput) => consumeOutput(output, options, acc);

  options.onFilesRead?.([...owned.values()].flat());
  const pool = await poolFor(options, owned);
  try {
    // Every pooled batch is queued first; results are then taken in the same order as the one-thread loop.
    const plan: Array<{ source: FileSource; batch: InputFile[]; pooled?: Promise<BatchResult> }> = [];
    for (const [source, files] of owned) {
      const batches = source.independentFiles ? chunks(files, FILE_BATCH) : [files];
      for (const batch of batches) {
        const pooled =
          pool && source.independentFiles
            ? pool.run({
                sourceIndex: FILE_SOURCES.indexOf(source),
                files: batch,
                checkIds: options.checks.map((c) => c.meta.id),
                includePassed: options.includePassed ?? false,
                varFiles: options.varFiles ?? [],
              })
            : undefined;
        plan.push({ source, batch, ...(pooled ? { pooled } : {}) });
      }
    }
    const total = plan.reduce((n, step) => n + step.batch.length, 0);
    let done = 0;
    for (const step of plan) {
      // Parsing is synchronous: let a Ctrl-C handler run between batches, and stop if it did.
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      if (step.pooled) append(acc, await step.pooled);
      else await consume(await loadIsolating(step.source, step.batch, options));
      done += step.batch.length;
      options.onFileProgress?.(done, total);
    }
  } finally {
    await pool?.close();
  }
  let liveRevisions = 0;
  for (const live of options.liveSources ?? []) {
    const take = async (output: SourceOutput) => {
      liveRevisions += output.definitions.length + output.failures.length;
      await consume(output);
    };
    // A source that delivers in parts (an organization, an aggregator) has each part checked and dropped at once.
    if (live.loadInParts) await live.loadInParts(options.signal, take);
    else await take(await live.load(options.signal));
  }

  sortFindings(findings, options.checks);
  const counts = countStatuses(findings);
  const reportedErrors = capPerFile(errors);
  const reportedWarnings = capPerFile(warnings);

  return {
    findings,
    errors: reportedErrors,
    warnings: reportedWarnings,
    skipped,
    roots: discovered.roots,
    summary: {
      filesScanned: [...owned.values()].reduce((n, files) => n + files.length, 0),
      filesSkipped: skipped.length,
      taskDefinitions: acc.taskDefinitions,
      liveRevisions,
      findings: counts,
      errors: reportedErrors.length,
      warnings: reportedWarnings.length,
    },
  };
}

const NOT_RECOGNIZED = 'not task-definition JSON, a CloudFormation template, Terraform or a Terraform plan';

/** Which source reads a file; or what it is when it is no task definition; or why it cannot be read at all. */
function routeFile(file: InputFile, sources: readonly FileSource[]): { source: FileSource } | { what?: string } | { error: string } {
  if (nestedTooDeep(file.text)) return { error: `nested more than ${MAX_NESTING} levels deep ([ and {); not read` };
  try {
    const what = recognizeNonTaskDefinition(file);
    if (what) return { what };
    const source = sources.find((s) => s.detect(file));
    return source ? { source } : {};
  } catch (error) {
    return { error: describeLoadFailure(undefined, error) };
  }
}

/** At most this many errors (or warnings) per file; the rest are counted in one "and N more" line. */
export const MAX_MESSAGES_PER_FILE = 5;

function capPerFile(entries: ScanError[]): ScanError[] {
  const perFile = new Map<string, number>();
  const out: ScanError[] = [];
  for (const entry of entries) {
    if (entry.file === undefined) {
      out.push(entry);
      continue;
    }
    const seen = (perFile.get(entry.file) ?? 0) + 1;
    perFile.set(entry.file, seen);
    if (seen <= MAX_MESSAGES_PER_FILE) out.push(entry);
  }
  for (const [file, count] of perFile) {
    if (count <= MAX_MESSAGES_PER_FILE) continue;
    // Placed right after the file's last shown entry.
    const last = out.findLastIndex((e) => e.file === file);
    out.splice(last + 1, 0, { file, message: `and ${count - MAX_MESSAGES_PER_FILE} more in this file` });
  }
  return out;
}

/** A named file no source claims: if it is broken JSON, say where; otherwise say what was expected. */
function unrecognized(file: InputFile): ScanError[] {
  const first = firstSignificantChar(file.text);
  if (first === '{' || first === '[') {
    try {
      const parsed = parseJsonWithPositions(file.text, file.path);
      if (parsed.errors.length) return parsed.errors;
    } catch (error) {
      return [fileError(file.path, describeLoadFailure(undefined, error))];
    }
  }
  return [fileError(file.path, `not a recognized input: expected task-definition JSON, a CloudFormation template, Terraform, or a Terraform plan`)];
}

/** Files per batch for sources whose files stand alone. */
const FILE_BATCH = 200;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Normalizes one definition; one that cannot be checked becomes an error and ERROR findings (an empty result). */
function normalizeDefinition(
  definition: SourceDefinition,
  options: ConsumeOptions,
  findings: Finding[],
  errors: ScanError[],
  warnings: ScanError[],
): Array<{ definition: SourceDefinition; taskDefinition: TaskDefinition }> {
  try {
    const { taskDefinition, problems } = normalizeTaskDefinition(definition.resource, definition.body, definition.range);
    for (const problem of problems) {
      (problem.severity === 'error' ? errors : warnings).push({
        ...(problem.range ? fileError(problem.range.file, problem.message, problem.range) : { message: problem.message }),
        ...(definition.resource.kind === 'aws' && definition.resource.region ? { region: definition.resource.region } : {}),
        resource: definition.resource.id,
      });
    }
    if (!taskDefinition) throw new Error(problems.map((p) => p.message).join('; '));
    if (definition.usage) taskDefinition.usage = definition.usage;
    return [{ definition, taskDefinition }];
  } catch (error) {
    notEvaluated(definition, error, options, findings, errors);
    return [];
  }
}

/** Checks one normalized (and enriched) definition; returns whether it could be evaluated. */
function evaluateDefinition(
  definition: SourceDefinition,
  taskDefinition: TaskDefinition,
  options: ConsumeOptions,
  findings: Finding[],
  errors: ScanError[],
): boolean {
  try {
    const own = evaluateTaskDefinition(taskDefinition, options.checks, options.includePassed ?? false);
    findings.push(...own);
    options.onEvaluated?.({ taskDefinition, findings: own });
    return true;
  } catch (error) {
    notEvaluated(definition, error, options, findings, errors);
    return false;
  }
}

/** A defect (or a stack overflow) on one definition: ERROR for it, the others go on. */
function notEvaluated(definition: SourceDefinition, error: unknown, options: ConsumeOptions, findings: Finding[], errors: ScanError[]): void {
  const reason = { message: describeLoadFailure(undefined, error) };
  errors.push({
    ...(definition.range ? fileError(definition.range.file, reason.message, definition.range) : reason),
    resource: definition.resource.id,
  });
  findings.push(...errorFindings(definition.resource, reason, options.checks, definition.usage, definition.range));
}

function sortFindings(findings: Finding[], checks: readonly Check[]): void {
  const order = new Map(checks.map((c, i) => [c.meta.id, i]));
  const key = (f: Finding) => f.resource.file ?? f.resource.arn ?? f.resource.id;
  // Grouped by account first (an organization scan), then by resource.
  findings.sort(
    (a, b) =>
      (a.resource.accountId ?? '').localeCompare(b.resource.accountId ?? '') ||
      key(a).localeCompare(key(b)) ||
      (a.location?.start.offset ?? 0) - (b.location?.start.offset ?? 0) ||
      (order.get(a.checkId) ?? 0) - (order.get(b.checkId) ?? 0),
  );
}
