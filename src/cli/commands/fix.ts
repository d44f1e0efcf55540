import { Command, InvalidArgumentError, Option } from 'commander';
import { fixOptionsFrom } from './fix-options.js';
import { fixFiles } from '../../fix/fix-files.js';
import { prepareMuting } from '../scan-programme.js';
import { placeToWrite, realRoots, writeFixedFile } from '../../fix/write-files.js';
import { buildFixReport, formatFixText } from '../../fix/report.js';
import { isRootUser } from '../../fix/user.js';
import { UsageError } from '../../model/errors.js';
import { addAwsScanOptions } from '../aws-options.js';
import { EXIT } from '../exit-code.js';
import { interruptible } from '../interrupt.js';
import { checksFrom, checksOption, positiveNumber, repeatable, skipChecksOption } from '../options.js';
import { colorsFor } from '../output.js';
import type { CommandContext } from '../io.js';

interface FixCommandOptions {
  write?: boolean;
  user: string;
  networkMode: 'keep' | 'awsvpc';
  dropCapabilities?: boolean;
  readonlyRoot?: boolean;
  checks?: string[];
  skipChecks?: string[];
  format: 'text' | 'json';
  varFile?: string[];
  maxFileSize: number;
  aws?: boolean;
  exceptions?: string;
  /** false with --no-inline-suppressions. */
  inlineSuppressions?: boolean;
}

function nonRootUser(value: string): string {
  if (isRootUser(value)) throw new InvalidArgumentError(`"${value}" is root (or empty); choose a non-root user such as 1000:1000`);
  // Docker does not trim a user: " 1000" names no user, and the container would not start (the scan notes it too).
  if (value.trim() !== value || /[\s\p{Cc}]/u.test(value)) {
    throw new InvalidArgumentError(`${JSON.stringify(value)} holds spaces or control characters; write a user such as 1000:1000`);
  }
  return value;
}

export function fixCommand(context: CommandContext): Command {
  const command = new Command('fix')
    .description(
      'Fix insecure task definitions in task-definition JSON and YAML, CloudFormation and Terraform files: prints a unified ' +
        'diff and changes nothing unless --write. With --aws, writes a plan for the live account (see "ecsguard apply").',
    )
    .argument('[paths...]', 'files or folders to fix (folders are walked; "-" reads standard input, diff only)')
    .option('--write', 'apply the changes to the files')
    .addOption(
      new Option('--user <user>', 'non-root user written where a container is root or has no user')
        .argParser(nonRootUser)
        .default('1000:1000'),
    )
    .addOption(
      new Option('--network-mode <mode>', 'host network mode: keep it and fix the users, or switch to awsvpc')
        .choices(['keep', 'awsvpc'])
        .default('keep'),
    )
    .option('--drop-capabilities', 'hardening: linuxParameters.capabilities.drop contains "ALL" in every container')
    .option('--readonly-root', 'hardening: readonlyRootFilesystem true in every container')
    .addOption(checksOption())
    .addOption(skipChecksOption())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--var-file <file>', 'Terraform variables file (repeatable)', repeatable)
    .addOption(new Option('--max-file-size <MB>', 'skip (and report) files larger than this').argParser(positiveNumber).default(32))
    .option('--plan <file>', 'with --aws: write the remediation plan here (changes nothing in the account)')
    .option(
      '--batch-size <n>',
      'with --aws: split the plan into batches of this many revisions (internet-exposed first, then production, then the rest)',
    )
    .option(
      '--prod-tags <tags>',
      'with --aws: tags that mark production services or clusters, ranked right after internet-exposed ones (default: ' +
        'Environment=prod,env=production)',
    )
    .option(
      '--no-keep-latest',
      "with --aws: do not register a fixed copy of a family's newest revision last (the plan then warns that an older revision's content " +
        "becomes the family's latest)",
    )
    .option('--exceptions <file>', 'exceptions file (YAML): findings it covers are MUTED and not fixed (see docs/exceptions.md)')
    .option('--no-inline-suppressions', 'fix findings that "# ecsguard:ignore" comments and CloudFormation Metadata suppressions mute')
    .option('-q, --quiet', 'no progress output on standard error');
  addAwsScanOptions(command);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard fix infra/                       # show the diff
  $ ecsguard fix infra/ --write               # apply it
  $ ecsguard fix template.yaml --network-mode awsvpc --drop-capabilities
  $ ecsguard fix --aws --region eu-west-1 --plan plan.json
  $ ecsguard fix --aws --region eu-west-1 --batch-size 5 --prod-tags Environment=prod --plan plan.json

With --aws: a service is moved from the revision ECS runs for it (service.taskDefinition); a rollout in progress
is noted, never refused. Batches: internet-exposed services first (awsvpc with a public IP, or behind an
internet-facing ELBv2 load balancer), then production (--prod-tags on the service or its cluster), then the rest.
Keep-latest (default): when a fixed copy of an older revision would become a family's latest while a newer ACTIVE
revision exists, the plan also registers a fixed copy of that newest revision, last in the batch.

Exit codes: 0 nothing left to fix, 1 fixes pending (without --write) or manual fixes remain, 2 usage error or an input that could not be ` +
        `read.`,
    )
    .action(async (paths: string[], options: FixCommandOptions) => {
      if (options.aws) {
        const { runAccountFix } = await import('./fix-account.js');
        context.finish(await runAccountFix({ ...options, paths }, { stdout: context.io.stdout, stderr: context.io.stderr }));
        return;
      }
      const progress = { written: 0 };
      const leftUndone = () =>
        progress.written
          ? `${progress.written} file${progress.written === 1 ? ' was' : 's were'} written, each whole; the others were not changed ` +
            '(run fix again for them)'
          : 'no file was changed';
      context.finish(
        await interruptible(
          (signal) => runFileFix(paths, options, context.io.stdout, signal, context.io.env, progress),
          context.io.stderr,
          leftUndone,
        ),
      );
    });
}

/** `ecsguard fix [paths...]` on files; returns the exit code. */
export async function runFileFix(
  paths: string[],
  options: FixCommandOptions,
  stdout: NodeJS.WritableStream,
  signal?: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
  /** Counts the files written, for the message of an interrupted run. */
  progress: { written: number } = { written: 0 },
): Promise<number> {
  const fix = fixOptionsFrom(options);
  const checks = await checksFrom(options);
  if (paths.length === 0) paths = ['.'];
  if (options.write && paths.includes('-')) throw new UsageError('--write cannot change standard input; name the file instead');
  // Findings scan would report MUTED are not fixed: the same exceptions and inline suppressions apply.
  const { hooks, mute } = await prepareMuting(options, new Date());
  const result = await fixFiles({
    paths,
    checks,
    fix,
    ...hooks,
    mute,
    varFiles: options.varFile ?? [],
    maxFileBytes: Math.round(options.maxFileSize * 1024 * 1024),
    ...(signal ? { signal } : {}),
  });
  if (options.write) {
    const roots = await realRoots(paths);
    const written = [];
    for (const change of result.changes) {
      // Ctrl-C between files: each file is whole (old or new), none is half-written.
      signal?.throwIfAborted();
      const refused = await writeFixedFile(change, roots);
      if (refused) result.errors.push(refused);
      else {
        written.push(change);
        progress.written++;
      }
    }
    keepChanges(result, written);
  } else if (!paths.includes('-')) {
    // A dry run shows what --write would do: a change it would refuse (a module outside the paths) is that error.
    const roots = await realRoots(paths);
    const writable = [];
    for (const change of result.changes) {
      const place = await placeToWrite(change.file, roots);
      if ('refused' in place) result.errors.push({ file: change.file, message: `would not be written: ${place.refused}` });
      else writable.push(change);
    }
    keepChanges(result, writable);
  }
  const report = buildFixReport(result, options.write === true);
  const color = colorsFor(stdout, env).isColorSupported;
  stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatFixText(report, color));
  if (result.errors.length) return EXIT.incomplete;
  const pending = !options.write && result.changes.length > 0;
  return pending || report.summary.manual > 0 ? EXIT.findings : EXIT.ok;
}

/** Only `kept` of the result's changes stand: the consequences (warnings) of a fix that is not written do not apply. */
function keepChanges(result: Awaited<ReturnType<typeof fixFiles>>, kept: Awaited<ReturnType<typeof fixFiles>>['changes']): void {
  const keptFiles = new Set(kept.map((c) => c.file));
  const dropped = new Set(result.changes.map((c) => c.file).filter((f) => !keptFiles.has(f)));
  for (const definition of result.definitions) {
    if (definition.resource.file !== undefined && dropped.has(definition.resource.file)) definition.warnings = [];
  }
  result.changes = kept;
}
