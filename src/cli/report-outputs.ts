import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { describeFsError } from '../engine/discover.js';
import { temporaryName } from '../io/temporary-name.js';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../model/errors.js';
import { type FindingDetails } from '../engine/evaluate.js';
import { REPORT_FORMATS, type ReportFormat, findingDetailsFor, loadReporter } from '../report/formats.js';
import type { ReportContext, ReportInput } from '../report/report.js';
import { colorsFor, emitChunks } from './output.js';
import type { SpillSink } from '../report/spill-report.js';

/** `--format sarif` (standard output or --output) or `--format sarif:out.sarif` (that file). */
export interface FormatSpec {
  format: ReportFormat;
  file?: string;
}

/** File names --output-dir uses. */
export const REPORT_FILE_NAMES: Record<ReportFormat, string> = {
  text: 'ecsguard.txt',
  json: 'ecsguard.json',
  sarif: 'ecsguard.sarif',
  junit: 'ecsguard.junit.xml',
  csv: 'ecsguard.csv',
  ocsf: 'ecsguard.ocsf.json',
  asff: 'ecsguard.asff.json',
  html: 'ecsguard.html',
};

export function formatSpec(value: string, previous: FormatSpec[] = []): FormatSpec[] {
  const colon = value.indexOf(':');
  const name = colon === -1 ? value : value.slice(0, colon);
  const file = colon === -1 ? undefined : value.slice(colon + 1);
  if (!(REPORT_FORMATS as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`unknown format "${name}" (choose from ${REPORT_FORMATS.join(', ')}; add :FILE to write it to a file)`);
  }
  if (file === '') throw new InvalidArgumentError(`"${value}": name a file after the colon, or drop the colon`);
  return [...previous, { format: name as ReportFormat, ...(file ? { file } : {}) }];
}

export interface OutputOptions {
  format?: FormatSpec[];
  output?: string;
  outputDir?: string;
}

/**
 * Where each report goes. Without --format: text (or, with --output-dir, every format). A format
 * without a file goes to --output-dir, else to --output, else to standard output; at most one may.
 */
export function plannedOutputs(options: OutputOptions): FormatSpec[] {
  const requested: FormatSpec[] = options.format?.length
    ? options.format
    : options.outputDir
      ? REPORT_FORMATS.map((format) => ({ format }))
      : [{ format: 'text' as const }];
  const planned = requested.map(
    (spec): FormatSpec =>
      spec.file || !options.outputDir ? spec : { ...spec, file: path.join(options.outputDir, REPORT_FILE_NAMES[spec.format]) },
  );
  const unnamed = planned.filter((s) => !s.file);
  if (unnamed.length > 1) {
    throw new UsageError(
      `only one report can go to ${options.output ? options.output : 'standard output'}: give the others a file ` +
        `(--format ${unnamed[1]?.format}:FILE) or use --output-dir`,
    );
  }
  // Two reports written to one file: the second would replace the first, which would be lost without a word.
  const byFile = new Map<string, ReportFormat>();
  for (const spec of planned) {
    const file = spec.file ?? (unnamed.includes(spec) ? options.output : undefined);
    if (file === undefined) continue;
    const key = path.resolve(file);
    const earlier = byFile.get(key);
    if (earlier) throw new UsageError(`the ${earlier} and ${spec.format} reports would both be written to ${file}: give each its own file`);
    byFile.set(key, spec.format);
  }
  if (options.output && unnamed.length === 0) {
    throw new UsageError(
      `--output ${options.output} would be written by no report: every --format names its own file` +
        (options.outputDir ? ' or goes to --output-dir' : ''),
    );
  }
  return planned.map((spec) => (spec.file || !options.output ? spec : { ...spec, file: options.output }));
}

/** What the scan must put on findings for the reports planned (fix text edits, peers): nothing the reports do not print. */
export function findingDetailsForOutputs(options: OutputOptions, context: { explain?: boolean } = {}): FindingDetails {
  return findingDetailsFor(
    plannedOutputs(options).map((s) => s.format),
    context,
  );
}

export async function writeReports(
  input: ReportInput,
  options: OutputOptions,
  stdout: NodeJS.WritableStream,
  context: Omit<ReportContext, 'color'> = {},
  env: NodeJS.ProcessEnv = process.env,
  /** A streamed report's findings (input.result then holds none): see src/report/spill-report.ts. */
  streamed?: SpillSink,
): Promise<void> {
  const planned = plannedOutputs(options);
  if (options.outputDir) {
    await mkdir(options.outputDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot create --output-dir ${options.outputDir}: ${error.code ?? error.message}`);
    });
  }
  // Report files are written beside their names and renamed into place once every report is made: a report that
  // cannot be made (ASFF without an account, a folder that does not exist) leaves none behind claiming another outcome.
  const staged: Array<{ temporary: string; file: string }> = [];
  try {
    for (const spec of planned) {
      const color = !spec.file && colorsFor(stdout, env).isColorSupported;
      const target = spec.file === undefined ? undefined : await stagingPath(spec.file);
      if (spec.file !== undefined && target !== undefined && target !== spec.file) staged.push({ temporary: target, file: spec.file });
      // Each format's reporter loads only now, and only the formats asked for (start-up cost).
      // Every format is written a piece at a time, with the stream's backpressure: never one string of the whole report.
      if (streamed) {
        const { spilledReportChunks } = await import('../report/spill-report.js');
        await emitChunks(await spilledReportChunks(spec.format, input, streamed), target, stdout, spec.file);
        continue;
      }
      const { chunked } = await loadReporter(spec.format);
      await emitChunks(chunked(input, { ...context, color }), target, stdout, spec.file);
    }
    for (const { temporary, file } of staged) {
      await rename(temporary, file).catch((error: unknown) => {
        throw new UsageError(`cannot write the report to ${file}: ${describeFsError(error)}`);
      });
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true }).catch(() => undefined)));
    throw error;
  }
}

/**
 * Where a report file is written first: a temporary file beside it, renamed over it at the end, when the name is a
 * regular file or new; the name itself when it is something else (a device such as /dev/stdout, a pipe, a symlink),
 * which a rename would replace.
 */
async function stagingPath(file: string): Promise<string> {
  try {
    if (!(await lstat(file)).isFile()) return file;
  } catch {
    // Not there yet: a new report file.
  }
  return path.join(path.dirname(file), temporaryName(path.basename(file), '.tmp'));
}
