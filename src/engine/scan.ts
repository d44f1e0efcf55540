import type { Check } from '../checks/types.js';
import { cachedText } from '../io/cached-text.js';
import { type Finding, type ScanError, type Status, countStatuses } from '../model/finding.js';
import { type FindingAnchor, findingLines } from '../model/finding-lines.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { field } from '../model/value.js';
import { firstSignificantChar, parseJsonWithPositions } from '../sources/json/json-tree.js';
import { recognizeNonTaskDefinition } from '../sources/not-task-definition.js';
import { forgetDecodedText } from '../sources/escaped-text.js';
import {
  type FileSource,
  type FileSourceOptions,
  type InputFile,
  type LiveScope,
  type LiveSource,
  type SourceDefinition,
  type SourceOutput,
  fileError,
} from '../sources/source.js';
import { type DiscoveryOptions, type SkippedFile, walkPaths } from './discover.js';
import { deliver, scanFiles } from './scan-files.js';
import {
  ALL_FINDING_DETAILS,
  type DetailCode,
  type FindingDetails,
  errorFindings,
  evaluateTaskDefinition,
  loadDetailCode,
} from './evaluate.js';
import { describeLoadFailure, loadIsolating } from './isolate.js';
import { MAX_NESTING, tooDeepAt } from '../sources/nesting.js';

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
  /**
   * Sees every file that was read and routed to a source, all at once (fixers need the texts). Setting it (or
   * onEvaluated) makes the scan hold every text until the end; without them, texts are dropped batch by batch.
   */
  onFilesRead?: (files: InputFile[]) => void;
  /** Sees each file routed to a source as it is read (the muting stage keeps the few that hold directives). */
  onFileRead?: (file: InputFile) => void;
  /**
   * Sees each finding with the lines it is anchored at: its resource's first line, its container's, its field's
   * (inline suppressions match them). Works with worker threads, unlike onEvaluated.
   */
  onFindingLines?: (finding: Finding, lines: FindingAnchor[]) => void;
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
  /** What findings carry besides their verdict (fix text edits, peers); default: everything. */
  findingDetails?: FindingDetails;
  /**
   * Takes the findings as they are checked (a batch of files, a live part) instead of the scan holding them: the
   * result's `findings` is then empty, and the sink orders them (a streamed report, src/report/spill-report.ts).
   */
  findingSink?: FindingSink;
  /**
   * Whether held findings keep their proposed fix (`fix`, `sameAs`: its changes, the nodes they replace, warnings,
   * manual steps and other places), a dozen records per failure. False drops them as each batch is held: the CLI says
   * so when no planned report prints them (only JSON and SARIF do). Default true: the library and fixers keep them.
   */
  keepFixes?: boolean;
}

/**
 * Receives a scan's findings unsorted, a batch at a time. `order` ranks the batch in the order a held scan joins
 * batches before its stable sort (file batches by source and batch, then live parts), so the sink can sort the
 * same way, and `firstPlace` is the place of the first of these findings among the batch's (0 unless said). Every
 * finding of one file (or one live revision) comes in one call, except a large file read in parts (a Terraform plan
 * alone in its batch): each part's findings come as the part is checked, all with the batch's order, at places
 * from PART_PLACES on, after those of the findings its batch hands over at its end.
 */
export interface FindingSink {
  take(findings: readonly Finding[], order: number, firstPlace?: number): void;
}

/** The place of the first finding of a file's first part (see FindingSink): after any batch's own findings. */
export const PART_PLACES = 2 ** 40;

/** The `order` of a file batch (see FindingSink): its source group's place among the groups, then its own. */
export function batchOrder(group: number, batch: number): number {
  return group * 1e9 + batch;
}

/** Hands a batch's findings to the sink (after the anchor-lines hook); returns the batch, which then holds none. */
export function handFindings(
  batch: BatchResult,
  options: Pick<ScanOptions, 'findingSink' | 'onFindingLines'>,
  order: number,
  firstPlace = 0,
): BatchResult {
  const { findings, lines } = batch;
  if (options.onFindingLines && lines) {
    for (let i = 0; i < findings.length; i++) {
      const at = lines[i];
      if (at) options.onFindingLines(findings[i] as Finding, at);
    }
  }
  options.findingSink?.take(findings, order, firstPlace);
  // The batch itself lets go of them too: a promise of it may be kept after the sink took them (the pool's bound on
  // batches in flight keeps each sent batch's promise until a later one is sent), and 65 batches of findings held
  // that way were most of a 50,000-file scan's live heap.
  batch.findings = [];
  delete batch.lines;
  return batch;
}

/** The order of the first live part: after every file batch. */
const LIVE_ORDER = 1e15;

/** What one batch of files adds to a scan: compact records only, so it can cross a worker boundary. */
export interface BatchResult {
  findings: Finding[];
  errors: ScanError[];
  warnings: ScanError[];
  taskDefinitions: number;
  /** With ConsumeOptions.findingLines: the anchor lines of findings[i] (see ScanOptions.onFindingLines). */
  lines?: Array<FindingAnchor[] | undefined>;
  /**
   * Set when a source delivered in parts: how many leading records came from the source itself (its errors and
   * warnings, then its failures' errors and ERROR findings) before the checks' own. Shares of one file are joined
   * by these (shared-file.ts), in the order one whole-file run gives.
   */
  sections?: BatchSections;
  /**
   * Container lists written in a file of their own that a definition of the batch read in (Terraform's file() and
   * templatefile()): the list's file as the source named it, and the definition. A FileSource.reportedThroughReaders
   * source's file among them is checked there, not on its own.
   */
  listsReadIn?: ListReadIn[];
}

export interface ListReadIn {
  file: string;
  /** The definition that read it in, as a skipped file's reason names it. */
  by: string;
}

export interface BatchSections {
  sourceErrors: number;
  failureErrors: number;
  sourceWarnings: number;
  failureFindings: number;
  /** The source threw after these parts (a streamed share): its error is the first of the source errors. */
  failed?: true;
}

type ConsumeOptions = Pick<ScanOptions, 'checks' | 'includePassed' | 'onEvaluated' | 'enrichers' | 'signal' | 'findingDetails'> & {
  /** The texts of the files being scanned: findings of files then carry the text edits of their fix. */
  readText?: (file: string) => string | undefined;
  /** Record each evaluated finding's anchor lines in BatchResult.lines. */
  findingLines?: boolean;
  /** Set by consumeOutput: the code of the details asked for. */
  code?: DetailCode;
  /**
   * The order of the batch being consumed, when its findings go to `findingSink`: the parts of a file read in parts
   * are then handed over as they are checked (FindingSink), not held until the batch is done.
   */
  findingOrder?: number;
  /**
   * Takes each checked part of a file read in parts (its findings, with their lines) as it is checked, `handed`
   * findings after the file's first: a share of a file streamed to a report (shared-file.ts, a worker's parts).
   */
  partSink?: PartSink;
} & Pick<ScanOptions, 'findingSink' | 'onFindingLines'>;

/** Parts of one file checked between two turns of the event loop (where a Ctrl-C handler can run). */
const PARTS_BETWEEN_TURNS = 10;

/** Takes a checked part of a file read in parts, `handed` findings after the first (ConsumeOptions.partSink). */
export type PartSink = (part: BatchResult, handed: number) => void;

export function emptyBatch(): BatchResult {
  return { findings: [], errors: [], warnings: [], taskDefinitions: 0 };
}

/** Adds a source's output to `into`: errors, ERROR findings for failures, and the findings of every definition. */
export async function consumeOutput(output: SourceOutput, given: ConsumeOptions, into: BatchResult): Promise<void> {
  const { findings, errors, warnings } = into;
  const loaded = await loadDetailCode(given.findingDetails ?? ALL_FINDING_DETAILS);
  const { readText } = given;
  // Built key by key: this runs for every file, and a spread of the scan's options (or a literal of conditional
  // spreads) costs microseconds each in V8 11. `given` may be the whole ScanOptions: only what is read here is copied.
  const code: DetailCode = {};
  if (loaded.peers) code.peers = loaded.peers;
  if (loaded.attachEdits && readText) code.edits = { attachEdits: loaded.attachEdits, readText };
  if (given.findingDetails?.fixes === false) code.withoutFixes = true;
  const options: ConsumeOptions = {
    checks: given.checks,
    includePassed: given.includePassed,
    onEvaluated: given.onEvaluated,
    enrichers: given.enrichers,
    signal: given.signal,
    findingDetails: given.findingDetails,
    readText,
    findingLines: given.findingLines,
    code,
  };
  append(errors, output.errors);
  append(warnings, output.warnings ?? []);
  for (const failure of output.failures) {
    // Listed as an input error (with region and operation) and as ERROR for every check: never a PASS.
    errors.push(withResource(failure.error, failure.error.resource ?? failure.resource.arn ?? failure.resource.id));
    findings.push(...errorFindings(failure.resource, failure.error, options.checks, failure.usage, failure.range, peersWanted(options)));
  }
  for (const definition of output.definitions) {
    const list = listReadIn(definition);
    if (list) (into.listsReadIn ??= []).push(list);
  }
  const normalized = output.definitions.flatMap((d) => normalizeDefinition(d, options, findings, errors, warnings));
  for (const enrich of options.enrichers ?? []) {
    errors.push(
      ...(await enrich(
        normalized.map((n) => n.taskDefinition),
        options.signal,
      )),
    );
  }
  for (const { definition, taskDefinition } of normalized) {
    const before = findings.length;
    if (evaluateDefinition(definition, taskDefinition, options, findings, errors)) into.taskDefinitions++;
    if (options.findingLines) {
      const lines = (into.lines ??= []);
      findingLines(taskDefinition, findings.slice(before)).forEach((anchored, i) => {
        lines[before + i] = anchored;
      });
    }
  }
}

/** The file a file definition's container list is written in, when it is not the definition's own. */
function listReadIn(definition: SourceDefinition): ListReadIn | undefined {
  const own = definition.resource.file;
  if (definition.resource.kind !== 'file' || own === undefined) return undefined;
  const file = field(definition.body, 'containerDefinitions')?.range?.file;
  return file === undefined || file === own ? undefined : { file, by: `${definition.resource.id} in ${own}` };
}

/** `{ ...error, resource }`, built key by key (resource keeps its place when the error has one). */
function withResource(error: ScanError, resource: string | undefined): ScanError {
  const out: Record<string, unknown> = {};
  const record = error as unknown as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key)) out[key] = record[key];
  out['resource'] = resource;
  return out as unknown as ScanError;
}

/**
 * Loads and checks a batch of files. Files that stand alone are loaded and checked one at a time, so only one file's
 * value trees are alive at once (far less garbage-collector work than a whole batch's trees).
 */
export async function consumeFiles(
  source: FileSource,
  files: InputFile[],
  options: ConsumeOptions & FileSourceOptions,
  into: BatchResult,
): Promise<void> {
  // Findings of files carry their fix as text edits (when asked for), computed from the texts of this batch (and of
  // files a definition reads besides, a Terraform file() JSON, from disk once).
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const edits = (options.findingDetails ?? ALL_FINDING_DETAILS).edits;
  const withTexts = edits ? { ...options, readText: (path: string) => cachedText(path, texts) } : options;
  // Enrichers fetch for a whole batch at once (concurrent registry requests): keep their batches whole.
  const loadInParts = source.loadInParts?.bind(source);
  if (loadInParts && !options.enrichers?.length)
    return consumeInParts((onPart) => loadInParts(files, options, onPart), source, files, options, withTexts, into);
  if (!source.independentFiles || options.enrichers?.length)
    return consumeOutput(await loadIsolating(source, files, options), withTexts, into);
  for (const file of files) await consumeOutput(await loadIsolating(source, [file], options), withTexts, into);
}

/**
 * A source that delivers its output in parts: each part's definitions are checked as it arrives and its trees dropped.
 * Results are joined in the order one consumeOutput of the whole output gives (source errors and failures first). If
 * the source throws, the parts are discarded and the files are loaded again through loadIsolating, as without parts.
 */
async function consumeInParts(
  loadInParts: (onPart: (part: SourceOutput) => Promise<void>) => Promise<void>,
  source: FileSource,
  files: InputFile[],
  options: ConsumeOptions & FileSourceOptions,
  withTexts: ConsumeOptions,
  into: BatchResult,
): Promise<void> {
  const whole: SourceOutput = { definitions: [], failures: [], errors: [], warnings: [] };
  const checked = emptyBatch();
  const [only] = files;
  // One file's parts go to a streamed report as they are checked: a 5,000-resource plan's findings were otherwise
  // held to the end (35 MB more peak, and the collector copying them from part to part: 8% of its CPU). A share of a
  // file is joined with the other lane's first (shared-file.ts), and several files may be loaded again: theirs wait.
  // A share streams through the partSink its lanes give (shared-file.ts); a whole file straight to the report's sink.
  const sink =
    files.length !== 1
      ? undefined
      : (options.partSink ??
        (!options.share && options.findingOrder !== undefined && options.findingSink !== undefined
          ? (part: BatchResult, handed: number) => handFindings(part, options, options.findingOrder as number, PART_PLACES + handed)
          : undefined));
  let parts = 0;
  let handed = 0;
  let failed: true | undefined;
  try {
    await loadInParts(async (part) => {
      append(whole.errors, part.errors);
      if (whole.warnings) append(whole.warnings, part.warnings ?? []);
      append(whole.failures, part.failures);
      await consumeOutput({ definitions: part.definitions, failures: [], errors: [] }, withTexts, checked);
      parts++;
      if (sink && checked.findings.length) {
        const count = checked.findings.length;
        sink(checked, handed);
        checked.findings = [];
        delete checked.lines;
        handed += count;
      }
      // One file read in hundreds of parts (a plan) is checked in one go otherwise: let a Ctrl-C handler run between
      // some of them, and stop if it did (a 19 MB plan ran to its end, up to 1.8 s after the signal).
      if (options.signal && parts % PARTS_BETWEEN_TURNS === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        options.signal.throwIfAborted();
      }
    });
  } catch (error) {
    // Stopped, not failed: no "not checked" error for the file, the scan ends as interrupted.
    if (options.signal?.aborted) throw error;
    // A file that failed after some of its parts were checked keeps their findings (a streamed report has them
    // already), with the failure as its error: the held and the streamed report agree, and the scan is incomplete.
    // A streamed share does so even before its first part, marked failed (BatchSections.failed): loaded again, it could
    // not be joined with the others, and shared-file.ts reports the file as one run of it would.
    if (files.length !== 1 || !only || (!options.partSink && (options.share || parts === 0)))
      return consumeOutput(await loadIsolating(source, files, options), withTexts, into);
    // First: a file's errors past the fifth are folded into a count.
    whole.errors.unshift(fileError(only.path, describeLoadFailure(source, error)));
    failed = true;
  }
  const before = { errors: into.errors.length, warnings: into.warnings.length, findings: into.findings.length };
  await consumeOutput(whole, withTexts, into);
  into.sections = {
    sourceErrors: whole.errors.length,
    failureErrors: into.errors.length - before.errors - whole.errors.length,
    sourceWarnings: into.warnings.length - before.warnings,
    failureFindings: into.findings.length - before.findings,
    ...(failed ? { failed } : {}),
  };
  for (let i = 0; i < checked.findings.length; i++) {
    into.findings.push(checked.findings[i] as Finding);
    const lines = checked.lines?.[i];
    if (lines) (into.lines ??= [])[into.findings.length - 1] = lines;
  }
  append(into.errors, checked.errors);
  append(into.warnings, checked.warnings);
  if (checked.listsReadIn) (into.listsReadIn ??= []).push(...checked.listsReadIn);
  into.taskDefinitions += checked.taskDefinitions;
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
  /** What the scan looked at (JSON report's `scope`): whatever lies outside was not scanned, so not found fixed. */
  scope?: ScanScope;
  summary: ScanSummary;
}

export interface ScanScope {
  /** The folder the scan ran in: what relative paths are relative to. */
  folder: string;
  /** The paths scanned as findings name files: as given, `<stdin>` for `-`, and the library's in-memory texts. */
  paths: string[];
  /** Each live source that ran, with the accounts and regions it read when it knows them. */
  live: LiveScope[];
}

/** Sources → model → checks: the whole scan, with every failure collected. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const walked = await walkPaths(options.paths, options);
  const files = await scanFiles(walked.pending, options);
  const errors: ScanError[] = [...walked.errors, ...files.errors];
  const warnings = files.warnings;
  const skipped: SkippedFile[] = [...walked.skipped, ...files.skipped];
  const acc: BatchResult = { findings: files.findings, errors, warnings, taskDefinitions: files.taskDefinitions };
  const findings = acc.findings;
  let parts = 0;
  const liveOptions: ConsumeOptions = { ...options, findingLines: options.onFindingLines !== undefined };
  const consume = async (output: SourceOutput) => {
    const part = emptyBatch();
    await consumeOutput(output, liveOptions, part);
    deliver(options.findingSink ? handFindings(part, options, LIVE_ORDER + parts++) : part, options, acc, false);
  };

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

  // A finding is never dropped: one that reached here past the sink (a path that did not hand it over) goes to it now.
  if (options.findingSink && findings.length) options.findingSink.take(findings.splice(0), LIVE_ORDER - 1);
  sortFindings(findings, options.checks);
  const counts = countStatuses(findings);
  const reportedErrors = capPerFile(errors);
  const reportedWarnings = capPerFile(warnings);

  return {
    findings,
    errors: reportedErrors,
    warnings: reportedWarnings,
    skipped,
    roots: walked.roots,
    scope: {
      folder: process.cwd(),
      paths: [...options.paths.map((p) => (p === '-' ? '<stdin>' : p)), ...(options.texts ?? []).map((t) => t.path)],
      live: (options.liveSources ?? []).map((live) => live.scope?.() ?? {}),
    },
    summary: {
      filesScanned: files.filesScanned,
      filesSkipped: skipped.length,
      taskDefinitions: acc.taskDefinitions,
      liveRevisions,
      findings: counts,
      errors: reportedErrors.length,
      warnings: reportedWarnings.length,
    },
  };
}

export const NOT_RECOGNIZED = 'not a task definition (JSON or YAML), a CloudFormation template, Terraform or a Terraform plan';

/** Which source reads a file; or what it is when it is no task definition; or why it cannot be read at all. */
export function routeFile(
  file: InputFile,
  sources: readonly FileSource[],
): { source: FileSource } | { what?: string } | { error: string; offset?: number } {
  const tooDeep = tooDeepAt(file.text);
  if (tooDeep !== undefined) return { error: `nested more than ${MAX_NESTING} levels deep ([ and {); not read`, offset: tooDeep };
  try {
    const what = recognizeNonTaskDefinition(file);
    if (what) return { what };
    const source = sources.find((s) => s.detect(file));
    return source ? { source } : {};
  } catch (error) {
    return { error: describeLoadFailure(undefined, error) };
  } finally {
    forgetDecodedText();
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
export function unrecognized(file: InputFile): ScanError[] {
  const first = firstSignificantChar(file.text);
  if (first === '{' || first === '[') {
    try {
      const parsed = parseJsonWithPositions(file.text, file.path);
      if (parsed.errors.length) return parsed.errors;
    } catch (error) {
      return [fileError(file.path, describeLoadFailure(undefined, error))];
    }
  }
  return [
    fileError(
      file.path,
      `not a recognized input: expected a task definition in JSON or YAML, a CloudFormation template, Terraform, or a Terraform plan`,
    ),
  ];
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
    const own = evaluateTaskDefinition(taskDefinition, options.checks, options.includePassed ?? false, undefined, options.code);
    findings.push(...own);
    options.onEvaluated?.({ taskDefinition, findings: own });
    return true;
  } catch (error) {
    notEvaluated(definition, error, options, findings, errors);
    return false;
  }
}

/** A defect (or a stack overflow) on one definition: ERROR for it, the others go on. */
function notEvaluated(
  definition: SourceDefinition,
  error: unknown,
  options: ConsumeOptions,
  findings: Finding[],
  errors: ScanError[],
): void {
  const reason = { message: describeLoadFailure(undefined, error) };
  errors.push({
    ...(definition.range ? fileError(definition.range.file, reason.message, definition.range) : reason),
    resource: definition.resource.id,
  });
  findings.push(...errorFindings(definition.resource, reason, options.checks, definition.usage, definition.range, peersWanted(options)));
}

function peersWanted(options: ConsumeOptions): DetailCode['peers'] {
  return options.code?.peers;
}

/** localeCompare, without its cost for equal strings (the common case; a one-file scan then never loads ICU). */
export function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}

/** The resource part of a finding's sort key (after its account): its file, else its ARN, else its id. */
export const findingSortKey = (f: Finding): string => f.resource.file ?? f.resource.arn ?? f.resource.id;

/** Grouped by account first (an organization scan), then by resource, location and check order; stable. */
function sortFindings(findings: Finding[], checks: readonly Check[]): void {
  const order = new Map(checks.map((c, i) => [c.meta.id, i]));
  const key = findingSortKey;
  // Grouped by account first (an organization scan), then by resource.
  findings.sort(
    (a, b) =>
      compareText(a.resource.accountId ?? '', b.resource.accountId ?? '') ||
      compareText(key(a), key(b)) ||
      (a.location?.start.offset ?? 0) - (b.location?.start.offset ?? 0) ||
      (order.get(a.checkId) ?? 0) - (order.get(b.checkId) ?? 0),
  );
}

/** `into.push(...items)` without spreading: a file of 150,000 list elements gives as many errors, past the stack's limit. */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}
