import { selectChecks } from '../../checks/catalogue.js';
import { createAwsLiveSource } from '../../cli/aws-options.js';
import { EXIT } from '../../cli/exit-code.js';
import { UsageError } from '../../model/errors.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../strategy.js';
import { isRootUser } from '../user.js';
import { type RevisionToPlan, buildPlan } from './build-plan.js';
import { connectEcs } from './connection.js';
import { connectionFrom } from './connection-options.js';
import type { EcsApi } from './ecs-api.js';
import { formatPlanSummary } from './plan-summary.js';
import type { SkippedRevision } from './plan-format.js';
import { scanAccount } from './scan-account.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface AccountCommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** The fix options from the `fix` command's flags (shared with the file fixer). */
export function fixOptionsFrom(options: Record<string, unknown>): FixOptions {
  const user = options['user'] === undefined ? DEFAULT_FIX_OPTIONS.user : String(options['user']);
  if (isRootUser(user)) throw new UsageError(`--user ${JSON.stringify(user)} is root; choose a non-root user such as 1000:1000`);
  const networkMode = options['networkMode'] ?? DEFAULT_FIX_OPTIONS.networkMode;
  if (networkMode !== 'keep' && networkMode !== 'awsvpc') throw new UsageError('--network-mode must be keep or awsvpc');
  return {
    user,
    networkMode,
    dropCapabilities: options['dropCapabilities'] === true,
    readonlyRoot: options['readonlyRoot'] === true,
  };
}

function batchSizeFrom(options: Record<string, unknown>): number | undefined {
  const value = options['batchSize'];
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw new UsageError('--batch-size must be a positive integer');
  return size;
}

/**
 * `ecsguard fix --aws --plan FILE`: scans the account, and writes a plan of new
 * revisions and service updates. Changes nothing in the account.
 * Exit code: 0 nothing to fix, 1 a plan with work in it, 2 usage error or something not read.
 */
export async function runAccountFix(options: Record<string, unknown>, context: AccountCommandContext): Promise<number> {
  try {
    return await planAccountFix(options, context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}

async function planAccountFix(options: Record<string, unknown>, context: AccountCommandContext): Promise<number> {
  const planFile = options['plan'];
  if (typeof planFile !== 'string' || planFile === '') {
    throw new UsageError('fix --aws writes a plan and changes nothing: add --plan FILE (then review it and run "ecsguard apply FILE")');
  }
  if (Array.isArray(options['paths']) && options['paths'].length > 0) {
    throw new UsageError('fix --aws works on the live account: drop the paths (fix files in a separate run)');
  }
  if (options['write'] === true) throw new UsageError('--write edits files; with --aws use --plan FILE and then "ecsguard apply FILE"');
  const fixOptions = fixOptionsFrom(options);
  const batchSize = batchSizeFrom(options);
  const checks = selectChecks(options['checks'] as string[] | undefined, options['skipChecks'] as string[] | undefined);
  const live = await createAwsLiveSource({ ...options, aws: true }, {
    showProgress: options['quiet'] !== true,
    stderr: context.stderr,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  if (!live) throw new UsageError('fix --aws: no live source');

  const scanned = await scanAccount(live, checks, context.signal);
  const skipped: SkippedRevision[] = [...scanned.unreadable].map(([arn, reason]) => ({ arn, reason: `not read: ${reason}` }));
  const revisions = await describeFresh(scanned.failing, options, skipped, context.signal);
  const plan = buildPlan(revisions, {
    fixOptions,
    checkIds: checks.map((c) => c.meta.id),
    ...(batchSize ? { batchSize } : {}),
    planFile,
    skipped,
    scanErrors: scanned.result.errors.map((e) => [e.region, e.operation, e.message].filter(Boolean).join(': ')),
  });
  await writeFileAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  context.stdout.write(`${formatPlanSummary(plan, planFile)}\n`);
  if (plan.scanErrors.length || scanned.unreadable.size) return EXIT.incomplete;
  return plan.revisions.length || plan.skipped.length ? EXIT.findings : EXIT.ok;
}

/**
 * Describes each failing revision again, with its tags. The scan may have read
 * the definition from its cache, which does not refresh tags, and a plan that
 * drops or resurrects a tag is exactly what this fixer must not write.
 */
async function describeFresh(
  failing: Awaited<ReturnType<typeof scanAccount>>['failing'],
  options: Record<string, unknown>,
  skipped: SkippedRevision[],
  signal: AbortSignal | undefined,
): Promise<RevisionToPlan[]> {
  if (failing.length === 0) return [];
  const firstRegion = failing[0]?.taskDefinition.resource.region ?? 'us-east-1';
  let api: EcsApi | undefined;
  try {
    api = await connectEcs(connectionFrom(options), firstRegion, signal);
    const out: RevisionToPlan[] = [];
    for (const { taskDefinition, findings } of failing) {
      const { arn, region } = taskDefinition.resource;
      if (!arn || !region) continue;
      try {
        const fresh = await api.describeTaskDefinition(region, arn);
        out.push({ taskDefinition, findings, described: fresh.taskDefinition, tags: fresh.tags });
      } catch (error) {
        skipped.push({ arn, region, reason: `could not describe it with its tags: ${(error as Error).message}` });
      }
    }
    return out;
  } finally {
    api?.close();
  }
}
