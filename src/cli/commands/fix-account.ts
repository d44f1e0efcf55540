import { selectChecks } from '../../checks/catalogue.js';
import { UsageError } from '../../model/errors.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';
import { planAccountFix } from '../../remediate/account/plan-account-fix.js';
import { formatPlanSummary } from '../../remediate/account/plan-summary.js';
import { type AwsCommandOptions, liveScanOptionsFrom } from '../aws-options.js';
import { EXIT } from '../exit-code.js';
import { type FixFlags, fixOptionsFrom } from './fix-options.js';

/** `fix --aws` flags as commander parses them. */
export interface AccountFixCommandOptions extends AwsCommandOptions, FixFlags {
  paths?: string[];
  write?: boolean;
  plan?: string;
  batchSize?: number | string;
  prodTags?: string;
  /** false with --no-keep-latest. */
  keepLatest?: boolean;
  checks?: string[];
  skipChecks?: string[];
}

export interface AccountCommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

function batchSizeFrom(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new UsageError('--batch-size must be a positive integer');
  return size;
}

/**
 * `ecsguard fix --aws --plan FILE`: scans the account, and writes a plan of new revisions and service updates.
 * Changes nothing in the account. Exit code: 0 nothing to fix, 1 a plan with work in it, 2 usage error or something
 * not read.
 */
export async function runAccountFix(options: AccountFixCommandOptions, context: AccountCommandContext): Promise<number> {
  try {
    return await fixAccount(options, context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}

async function fixAccount(options: AccountFixCommandOptions, context: AccountCommandContext): Promise<number> {
  const planFile = options.plan;
  if (typeof planFile !== 'string' || planFile === '') {
    throw new UsageError('fix --aws writes a plan and changes nothing: add --plan FILE (then review it and run "ecsguard apply FILE")');
  }
  if (options.paths?.length) throw new UsageError('fix --aws works on the live account: drop the paths (fix files in a separate run)');
  if (options.write === true) throw new UsageError('--write edits files; with --aws use --plan FILE and then "ecsguard apply FILE"');
  const fixOptions = fixOptionsFrom(options);
  const batchSize = batchSizeFrom(options.batchSize);
  const checks = selectChecks(options.checks, options.skipChecks);
  const scan = await liveScanOptionsFrom({ ...options, aws: true }, { showProgress: options.quiet !== true, stderr: context.stderr });
  if (!scan) throw new UsageError('fix --aws: no live source');
  const { plan, incomplete } = await planAccountFix({
    scan,
    checks,
    fixOptions,
    planFile,
    ...(batchSize ? { batchSize } : {}),
    ...(options.prodTags !== undefined ? { prodTags: options.prodTags } : {}),
    keepLatest: options.keepLatest !== false,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  await writeFileAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  context.stdout.write(`${formatPlanSummary(plan, planFile)}\n`);
  if (incomplete) return EXIT.incomplete;
  return plan.revisions.length || plan.skipped.length ? EXIT.findings : EXIT.ok;
}
