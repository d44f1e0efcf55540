import type { Check } from '../checks/types.js';
import type { Finding, ScanError, Status } from '../model/finding.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { parseJsonWithPositions } from '../sources/json/json-tree.js';
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
import { type DiscoveryOptions, discoverFiles } from './discover.js';
import { errorFindings, evaluateTaskDefinition } from './evaluate.js';
import { loadIsolating } from './isolate.js';

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
}

export interface EvaluatedDefinition {
  taskDefinition: TaskDefinition;
  findings: Finding[];
}

export interface ScanSummary {
  filesScanned: number;
  /** Files in walked folders that no source recognized (package.json, …). */
  filesSkipped: number;
  taskDefinitions: number;
  /** Live revisions the AWS source listed in scope (read or not). */
  liveRevisions: number;
  findings: Record<Status, number>;
  errors: number;
}

export interface ScanResult {
  findings: Finding[];
  errors: ScanError[];
  summary: ScanSummary;
}

/** Sources → model → checks: the whole scan, with every failure collected. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const sources = options.fileSources ?? FILE_SOURCES;
  const discovered = await discoverFiles(options.paths, options);
  const errors: ScanError[] = [...discovered.errors];

  const owned = new Map<FileSource, InputFile[]>();
  let filesSkipped = 0;
  for (const { file, explicit } of discovered.files) {
    const source = sources.find((s) => s.detect(file));
    if (source) {
      const list = owned.get(source);
      if (list) list.push(file);
      else owned.set(source, [file]);
    } else if (explicit && !options.skipUnrecognized) {
      errors.push(...unrecognized(file));
    } else filesSkipped++;
  }

  const findings: Finding[] = [];
  let taskDefinitions = 0;
  const consume = (output: SourceOutput) => {
    errors.push(...output.errors);
    for (const failure of output.failures) {
      // Listed as an input error (with region and operation) and as ERROR for every check: never a PASS.
      errors.push({ ...failure.error, resource: failure.error.resource ?? failure.resource.arn ?? failure.resource.id });
      findings.push(...errorFindings(failure.resource, failure.error, options.checks, failure.usage, failure.range));
    }
    for (const definition of output.definitions) {
      if (evaluateDefinition(definition, options, findings, errors)) taskDefinitions++;
    }
  };

  options.onFilesRead?.([...owned.values()].flat());
  for (const [source, files] of owned) {
    const batches = source.independentFiles ? chunks(files, FILE_BATCH) : [files];
    for (const batch of batches) consume(await loadIsolating(source, batch, options));
  }
  let liveRevisions = 0;
  for (const live of options.liveSources ?? []) {
    const output = await live.load(options.signal);
    liveRevisions += output.definitions.length + output.failures.length;
    consume(output);
  }

  sortFindings(findings, options.checks);
  const counts = Object.fromEntries(
    (['FAIL', 'UNKNOWN', 'ERROR', 'MUTED', 'NOTE', 'PASS'] as const).map((s) => [s, 0]),
  ) as Record<Status, number>;
  for (const f of findings) counts[f.status]++;

  return {
    findings,
    errors,
    summary: {
      filesScanned: [...owned.values()].reduce((n, files) => n + files.length, 0),
      filesSkipped,
      taskDefinitions,
      liveRevisions,
      findings: counts,
      errors: errors.length,
    },
  };
}

/** A named file no source claims: if it is broken JSON, say where; otherwise say what was expected. */
function unrecognized(file: InputFile): ScanError[] {
  const first = file.text.trimStart()[0];
  if (first === '{' || first === '[') {
    const parsed = parseJsonWithPositions(file.text, file.path);
    if (parsed.errors.length) return parsed.errors;
  }
  return [fileError(file.path, 'not a recognized input: expected task-definition JSON, a CloudFormation template, Terraform, or a Terraform plan')];
}

/** Files per batch for sources whose files stand alone. */
const FILE_BATCH = 200;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Normalizes and checks one definition; returns whether it could be evaluated. */
function evaluateDefinition(definition: SourceDefinition, options: ScanOptions, findings: Finding[], errors: ScanError[]): boolean {
  const { taskDefinition, problems } = normalizeTaskDefinition(definition.resource, definition.body, definition.range);
  for (const problem of problems) {
    errors.push({
      ...(problem.range ? fileError(problem.range.file, problem.message, problem.range) : { message: problem.message }),
      ...(definition.resource.kind === 'aws' && definition.resource.region ? { region: definition.resource.region } : {}),
      resource: definition.resource.id,
    });
  }
  if (!taskDefinition) {
    const reason = { message: problems.map((p) => p.message).join('; ') };
    findings.push(...errorFindings(definition.resource, reason, options.checks, definition.usage, definition.range));
    return false;
  }
  if (definition.usage) taskDefinition.usage = definition.usage;
  const own = evaluateTaskDefinition(taskDefinition, options.checks, options.includePassed ?? false);
  findings.push(...own);
  options.onEvaluated?.({ taskDefinition, findings: own });
  return true;
}

function sortFindings(findings: Finding[], checks: readonly Check[]): void {
  const order = new Map(checks.map((c, i) => [c.meta.id, i]));
  const key = (f: Finding) => f.resource.file ?? f.resource.arn ?? f.resource.id;
  findings.sort(
    (a, b) =>
      key(a).localeCompare(key(b)) ||
      (a.location?.start.offset ?? 0) - (b.location?.start.offset ?? 0) ||
      (order.get(a.checkId) ?? 0) - (order.get(b.checkId) ?? 0),
  );
}
