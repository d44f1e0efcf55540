import { Command, Option } from 'commander';
import type { ScanOptions, ScanResult } from '../engine/scan.js';
import type { ExceptionsFile } from '../mute/exceptions-file.js';
import { InlineSuppressions } from '../mute/inline.js';
import { type Finding, countStatuses } from '../model/finding.js';
import { applySuppressions, createMuter } from '../mute/mute.js';
import { type OutputOptions, formatSpec, plannedOutputs } from './report-outputs.js';

/** Options of the remediation programme: exceptions, inline suppressions, baselines, several reports. */
export interface ProgrammeOptions {
  exceptions?: string;
  /** false with --no-inline-suppressions. */
  inlineSuppressions?: boolean;
  baseline?: string;
  outputDir?: string;
  asffAccountId?: string;
  asffRegion?: string;
  skipUnrecognized?: boolean;
}

export function addProgrammeOptions(command: Command): Command {
  return command
    .option('--exceptions <file>', 'exceptions file (YAML): findings it covers are MUTED, with owner and expiry (see docs/exceptions.md)')
    .option('--no-inline-suppressions', 'ignore "# ecsguard:ignore" comments and CloudFormation Metadata suppressions (audits)')
    .option('--baseline <report.json>', 'report only findings that are not in this earlier JSON report')
    .option('--output-dir <dir>', 'write every --format (or, without --format, every format) to this folder')
    .option('--skip-unrecognized', 'skip named files that are not task definitions, CloudFormation or Terraform (for pre-commit)')
    .option('--asff-account-id <id>', 'ASFF: the AWS account findings from files are filed under')
    .option('--asff-region <region>', 'ASFF: the region of the Security Hub that imports them');
}

/** `-f, --format <format[:file]>`, repeatable. */
export const formatOption = () =>
  new Option(
    '-f, --format <format[:file]>',
    'report format, repeatable; FORMAT:FILE writes that format to FILE (text, json, sarif, junit, csv, ocsf, asff, html)',
  ).argParser(formatSpec);

export interface Programme {
  /** Engine hooks: the muting stage needs file texts and resource/container lines, never the checks. */
  hooks: Pick<ScanOptions, 'onFileRead' | 'onFindingLines'>;
  /** Mutes, then drops baseline findings; writes warnings to stderr (`ranChecks`: the checks of the run). */
  finish(result: ScanResult, stderr: NodeJS.WritableStream, ranChecks: ReadonlySet<string>): Promise<ScanResult>;
  /**
   * For a streamed report (findings muted one at a time as they are checked): the muting of one finding, or
   * undefined when a baseline is given (it matches findings in report order, so it needs them all, sorted).
   */
  muteOne: ((finding: Finding) => Finding) | undefined;
  /** What finish writes to stderr, for a streamed report: inline-suppression problems, then the expired count. */
  finishStreamed(expired: number, stderr: NodeJS.WritableStream, ranChecks: ReadonlySet<string>): void;
}

/** Malformed inline suppressions, then those that muted nothing, in file and line order. */
function warnInline(inline: InlineSuppressions | undefined, ranChecks: ReadonlySet<string>, stderr: NodeJS.WritableStream): void {
  if (!inline) return;
  const problems = [...inline.problems(), ...inline.unused(ranChecks)].sort((a, b) =>
    a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
  );
  for (const p of problems) stderr.write(`ecsguard: warning: ${p.file}:${p.line}: ${p.message}\n`);
}

function warnExpired(expired: number, stderr: NodeJS.WritableStream): void {
  if (!expired) return;
  stderr.write(
    `ecsguard: ${expired} finding${expired === 1 ? ' is' : 's are'} no longer ` +
      `muted: ${expired === 1 ? 'its exception has' : 'their exceptions have'} expired (see "ecsguard exceptions check")\n`,
  );
}

/** What muting needs for one run: the exceptions file, the inline suppressions and the engine hooks that feed them. */
export interface Muting {
  exceptions: ExceptionsFile | undefined;
  inline: InlineSuppressions | undefined;
  hooks: Pick<ScanOptions, 'onFileRead' | 'onFindingLines'>;
  /** What suppressions make of one finding. */
  mute: (finding: Finding) => Finding;
}

/** --exceptions and --no-inline-suppressions, as scan and fix both take them. */
export async function prepareMuting(options: Pick<ProgrammeOptions, 'exceptions' | 'inlineSuppressions'>, now: Date): Promise<Muting> {
  // Their readers (YAML, schemas) load only when the options are given (start-up cost).
  const exceptions: ExceptionsFile | undefined = options.exceptions
    ? await (await import('../mute/exceptions-file.js')).loadExceptionsFile(options.exceptions)
    : undefined;
  const inline = options.inlineSuppressions === false ? undefined : new InlineSuppressions();
  return {
    exceptions,
    inline,
    hooks: inline ? { onFileRead: inline.onFileRead, onFindingLines: inline.onFindingLines } : {},
    mute: createMuter({ ...(exceptions ? { exceptions } : {}), ...(inline ? { inline } : {}), now }).mute,
  };
}

/** Loads the exceptions file and checks the outputs first, so a mistake stops the run before scanning. */
export async function prepareProgramme(options: ProgrammeOptions & OutputOptions, now = new Date()): Promise<Programme> {
  plannedOutputs(options);
  const { exceptions, inline, hooks, mute } = await prepareMuting(options, now);
  const baseline = options.baseline ? await (await import('../baseline/report-file.js')).readReport(options.baseline) : undefined;
  const filterByBaseline = baseline ? (await import('../baseline/baseline.js')).filterByBaseline : undefined;
  return {
    hooks,
    async finish(result, stderr, ranChecks) {
      const muted = applySuppressions(result, { ...(exceptions ? { exceptions } : {}), ...(inline ? { inline } : {}), now });
      warnInline(inline, ranChecks, stderr);
      let out = muted.result;
      warnExpired(out.findings.filter((f) => f.suppression?.expired).length, stderr);
      if (baseline && filterByBaseline) {
        const { kept, hidden } = filterByBaseline(out.findings, baseline);
        out = { ...out, findings: kept, summary: { ...out.summary, findings: countStatuses(kept) } };
        stderr.write(`ecsguard: ${hidden} finding${hidden === 1 ? '' : 's'} already in the baseline ${options.baseline} not reported\n`);
      }
      return out;
    },
    muteOne: baseline ? undefined : mute,
    finishStreamed(expired, stderr, ranChecks) {
      warnInline(inline, ranChecks, stderr);
      warnExpired(expired, stderr);
    },
  };
}
