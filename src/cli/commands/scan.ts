import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import type { ScanResult } from '../../engine/scan.js';
import type { SpillSink } from '../../report/spill-report.js';
import { REPORT_FORMATS, streamableFormats } from '../../report/formats.js';
import { SEVERITIES, type Severity, severityRank } from '../../model/finding.js';
import { addAwsScanOptions, createAwsLiveSource } from '../aws-options.js';
import { imageUserEnrichers } from '../image-user-options.js';
import { EXIT } from '../exit-code.js';
import { interruptible } from '../interrupt.js';
import { controlsOf } from '../../checks/frameworks.js';
import { addOrganizationOptions, createConfigSource, createOrganizationSource } from '../org-options.js';
import { checksFrom, checksOption, frameworkOption, positiveInteger, positiveNumber, repeatable, skipChecksOption } from '../options.js';
import { type FormatSpec, type OutputOptions, findingDetailsForOutputs, plannedOutputs, writeReports } from '../report-outputs.js';
import { type ProgrammeOptions, addProgrammeOptions, formatOption, prepareProgramme } from '../scan-programme.js';
import type { CommandContext } from '../io.js';

export interface ScanCommandOptions extends ProgrammeOptions {
  format?: FormatSpec[];
  output?: string;
  checks?: string[];
  skipChecks?: string[];
  framework?: string[];
  failOn?: Severity;
  failOnUnknown?: boolean;
  includePassed?: boolean;
  varFile?: string[];
  maxFileSize: number;
  quiet?: boolean;
  fileLocations?: boolean;
  verbose?: boolean;
  explain?: boolean;
  followSymlinks?: boolean;
  jobs?: number;
  resolveImageUsers?: boolean;
  acceptImageUser?: boolean;
}

/**
 * 0: nothing failing at or above the threshold and every verdict produced;
 * 1: failing findings; 2: some verdict could not be produced (an input,
 * resource or revision that could not be read). Warnings never change it.
 * --fail-on-unknown counts every UNKNOWN, whatever --fail-on says: an
 * unresolved value could hide a failure of any severity.
 */
export function exitCodeFor(result: ScanResult, options: Pick<ScanCommandOptions, 'failOn' | 'failOnUnknown'>): number {
  if (result.errors.length || result.findings.some((f) => f.status === 'ERROR')) return EXIT.incomplete;
  const threshold = options.failOn ? severityRank(options.failOn) : 0;
  const failing = result.findings.some(
    (f) => (f.status === 'FAIL' && severityRank(f.severity) >= threshold) || (options.failOnUnknown === true && f.status === 'UNKNOWN'),
  );
  return failing ? EXIT.findings : EXIT.ok;
}

/** ECSGUARD_REPORT_MEMORY_MB: rendered findings a streamed report keeps in memory before using a temporary file. */
function spillMemoryLimit(env: NodeJS.ProcessEnv): { memoryLimit?: number } {
  const value = env['ECSGUARD_REPORT_MEMORY_MB'];
  const mb = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(mb) && mb >= 0 ? { memoryLimit: Math.round(mb * 1024 * 1024) } : {};
}

/** exitCodeFor, from a streamed report's counts (its result holds no findings). */
function streamedExitCode(
  result: ScanResult,
  sink: Pick<SpillSink, 'counts' | 'failures'>,
  options: Pick<ScanCommandOptions, 'failOn' | 'failOnUnknown'>,
): number {
  if (result.errors.length || sink.counts.ERROR) return EXIT.incomplete;
  const threshold = options.failOn ? severityRank(options.failOn) : 0;
  const failing =
    [...sink.failures].some(([severity, n]) => n > 0 && severityRank(severity) >= threshold) ||
    (options.failOnUnknown === true && sink.counts.UNKNOWN > 0);
  return failing ? EXIT.findings : EXIT.ok;
}

export function scanCommand(context: CommandContext): Command {
  const command = new Command('scan')
    .description(
      'Scan task-definition JSON and YAML, CloudFormation and Terraform files (and, with --aws, a live account) for insecure ' +
        'ECS task definitions.',
    )
    .argument(
      '[paths...]',
      'files or folders to scan (folders are walked; "-" reads standard input); none: the current folder, unless --aws',
    )
    .addOption(formatOption())
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(checksOption())
    .addOption(skipChecksOption())
    .addOption(frameworkOption())
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 only for failures at or above this severity (default: any failure)').choices(
        SEVERITIES.filter((s) => s !== 'info'),
      ),
    )
    .option('--fail-on-unknown', 'also exit 1 for UNKNOWN findings (values that could not be resolved), whatever --fail-on says')
    .option('--include-passed', 'also report one PASS per check and task definition')
    .option('--file-locations', 'text format: start every finding with file:line:col (the default when more than one file is scanned)')
    .option('--var-file <file>', 'Terraform variables file (repeatable)', repeatable)
    .addOption(new Option('--max-file-size <MB>', 'skip (and report) files larger than this').argParser(positiveNumber).default(32))
    .option('--follow-symlinks', 'follow symlinks in folders that lead outside the paths given (skipped by default)')
    .addOption(
      new Option(
        '-j, --jobs <n>',
        'parse and check files in n threads, the main one and n-1 workers (default: the available CPUs; scans of ' +
          'fewer than 300 files use one); the report is the same for any n',
      ).argParser(positiveInteger),
    )
    .option('-v, --verbose', 'list the files that were skipped, and why')
    .option(
      '--explain',
      'text format: under each finding, what AWS Config/Security Hub, Prowler, CIS, Checkov and Trivy conclude on the same definition, ' +
        'and why (JSON and SARIF always carry it)',
    )
    .option('-q, --quiet', 'no progress output on standard error')
    .option(
      '--resolve-image-users',
      "for containers that set no user, read the image's own USER from its registry (ECR with your AWS credentials, others anonymously " +
        'or with Docker config.json auths); see docs/effective-user.md',
    )
    .option(
      '--accept-image-user',
      'with --resolve-image-users: an absent user passes when the image runs as a non-root user (default: strict, absent fails)',
    );
  return addOrganizationOptions(addAwsScanOptions(addProgrammeOptions(command)))
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard scan examples/
  $ ecsguard scan infra/ --format json --output ecsguard.json
  $ ecsguard scan taskdef.json --checks no-privileged-containers,no-root-user
  $ aws ecs describe-task-definition --task-definition web | ecsguard scan -
  $ ecsguard scan . --fail-on high
  $ ecsguard scan infra/ --checks all
  $ ecsguard scan infra/ --framework aws-fsbp --format sarif
  $ ecsguard scan infra/ --exceptions ecsguard-exceptions.yaml --baseline last-scan.json
  $ ecsguard scan infra/ --format sarif:ecsguard.sarif --format html:report.html
  $ ecsguard scan --aws --region us-east-1,eu-west-1 --scope in-use
  $ ecsguard scan --aws --all-regions --role-arn arn:aws:iam::222222222222:role/ecsguard-audit
  $ ecsguard scan infra/ --resolve-image-users --accept-image-user
  $ ecsguard scan --aws --org --org-role ecsguard-scan --external-id audit-2026 --region us-east-1,eu-west-1 --state org.state
  $ ecsguard scan --aws --org --ou ou-ab12-cdef3456 --all-regions --format json -o org.json
  $ ecsguard scan --region us-east-1 --source config-aggregator org-aggregator
  (organization scans: docs/organization.md)

Without paths (and without --aws), scan scans the current folder.

Exit codes: 0 nothing failing, 1 failing findings, 2 usage error or some verdict could not be produced (an input that
could not be read). Warnings (validation problems that left every verdict intact) do not change the exit code.`,
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      // Loaded on demand: `ecsguard --help` and other commands never pay for the engine, parsers and reporters.
      const [checks, { scan }, { readStreamBounded }, { createFileProgress }] = await Promise.all([
        checksFrom(options),
        import('../../engine/scan.js'),
        import('../../engine/discover.js'),
        import('../file-progress.js'),
      ]);
      const programme = await prepareProgramme(options);
      const ranChecks = new Set(checks.map((c) => c.meta.id));
      const frameworks = options.framework ?? [];
      // Findings go straight to their report (memory flat in their number) when every report planned can be streamed
      // and nothing needs them all at once (a baseline matches them in report order).
      const muteOne = programme.muteOne;
      const formats = plannedOutputs(options).map((s) => s.format);
      const sink =
        muteOne && streamableFormats(formats, { framework: frameworks.length > 0 })
          ? await (await import('../../report/spill-report.js')).createSpillSink({
              formats,
              checks,
              ...spillMemoryLimit(context.io.env),
              prepare: (finding) => {
                const f = muteOne(finding);
                if (frameworks.length) f.controls = controlsOf(f.checkId, frameworks);
                return f;
              },
            })
          : undefined;
      try {
        await scanAndReport();
      } finally {
        // The temporary file of a streamed report goes after success, failure and Ctrl-C alike.
        sink?.dispose();
      }

      async function scanAndReport(): Promise<void> {
        const progress = await createFileProgress(
          context.io.stderr,
          { format: 'text', ...(options.quiet ? { quiet: true } : {}) },
          context.io.env,
        );
        const scanned = await interruptible(async (signal) => {
          const raw = options as unknown as Record<string, unknown>;
          const live =
            (await createOrganizationSource(raw, { stderr: context.io.stderr })) ??
            (await createAwsLiveSource(raw, { showProgress: !options.quiet, stderr: context.io.stderr, signal })) ??
            (await createConfigSource(raw));
          // Without paths, a live scan scans only the account; a file scan scans the current folder.
          if (paths.length === 0 && !live) paths = ['.'];
          const enrichers = await imageUserEnrichers(options as unknown as Record<string, unknown>, signal, context.io.stderr);
          return scan({
            paths,
            checks,
            includePassed: options.includePassed ?? false,
            varFiles: options.varFile ?? [],
            maxFileBytes: Math.round(options.maxFileSize * 1024 * 1024),
            liveSources: live ? [live] : [],
            enrichers,
            followSymlinks: options.followSymlinks ?? false,
            jobs: options.jobs ?? availableParallelism(),
            // Fix text edits and peers only when a planned report prints them.
            findingDetails: findingDetailsForOutputs(options, { explain: options.explain === true }),
            onFileProgress: (done, total) => {
              progress.update(done, total);
            },
            signal,
            readStdin: () => readStreamBounded(context.io.stdin, Math.round(options.maxFileSize * 1024 * 1024)),
            ...programme.hooks,
            skipUnrecognized: options.skipUnrecognized ?? false,
            ...(sink ? { findingSink: sink } : {}),
            // Held findings keep their proposed fix only for the reports that print it.
            ...(formats.includes('json') || formats.includes('sarif') ? {} : { keepFixes: false }),
          }).finally(() => {
            progress.stop();
          });
        }, context.io.stderr);
        let result: ScanResult;
        if (sink) {
          programme.finishStreamed(sink.expired, context.io.stderr, ranChecks);
          result = { ...scanned, summary: { ...scanned.summary, findings: { ...sink.counts } } };
        } else {
          result = await programme.finish(scanned, context.io.stderr, ranChecks);
          if (frameworks.length) for (const f of result.findings) f.controls = controlsOf(f.checkId, frameworks);
        }
        const { summary } = result;
        if (summary.taskDefinitions === 0 && summary.liveRevisions === 0 && summary.errors === 0) {
          // Not a failure (a repository may have none), but never a silent "ok".
          // Terraform module calls that were not followed are warnings: say there is something to read.
          const warned = summary.warnings ? ` (${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}: see the report)` : '';
          context.io.stderr.write(`ecsguard: no task definitions found in ${paths.join(', ') || 'the account'}${warned}\n`);
        }
        const exitCode = sink ? streamedExitCode(result, sink, options) : exitCodeFor(result, options);
        const asff = { accountId: options.asffAccountId, region: options.asffRegion };
        await writeReports(
          { result, exitCode, asff },
          withoutUnfiledAsff(options, result, asff, context.io.stderr),
          context.io.stdout,
          {
            verbose: options.verbose ?? false,
            fileLocations: options.fileLocations === true,
            explain: options.explain === true,
          },
          context.io.env,
          sink,
        );
        context.finish(exitCode);
      }
    });
}

/**
 * --output-dir without --format writes every format; ASFF files each finding under an AWS account and region, which
 * findings from files have only from --asff-account-id and --asff-region. Without them it is left out, and stderr
 * says so, rather than failing the run over a format nobody named.
 */
function withoutUnfiledAsff<T extends OutputOptions>(
  options: T,
  result: ScanResult,
  target: { accountId?: string | undefined; region?: string | undefined },
  stderr: NodeJS.WritableStream,
): T {
  if (options.format?.length || !options.outputDir) return options;
  const unfiled = result.findings.some((f) => !(f.resource.accountId ?? target.accountId) || !(f.resource.region ?? target.region));
  if (!unfiled) return options;
  stderr.write('ecsguard: the ASFF report was not written: findings from files need --asff-account-id and --asff-region\n');
  return { ...options, format: REPORT_FORMATS.filter((format) => format !== 'asff').map((format) => ({ format })) };
}
