import { selectChecks } from '../../checks/catalogue.js';
import { createAwsLiveSource } from '../aws-options.js';
import { EXIT } from '../exit-code.js';
import { UsageError } from '../../model/errors.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../../fix/strategy.js';
import { isRootUser } from '../../fix/user.js';
import { type RevisionToPlan, buildPlan } from '../../remediate/account/build-plan.js';
import { connectAccount } from '../../remediate/account/connection.js';
import { evaluateDescribed } from '../../remediate/account/evaluate-described.js';
import { DEFAULT_PROD_TAGS, parseProdTags, rankServices } from '../../remediate/account/exposure.js';
import type { LoadBalancingApi } from '../../remediate/account/load-balancing-api.js';
import { readServiceInventory } from '../../remediate/account/service-inventory.js';
import type { Check } from '../../checks/types.js';
import { connectionFrom } from '../connection-options.js';
import type { EcsApi } from '../../remediate/account/ecs-api.js';
import { formatPlanSummary } from '../../remediate/account/plan-summary.js';
import type { SkippedRevision } from '../../remediate/account/plan-format.js';
import { scanAccount } from '../../remediate/account/scan-account.js';
import { writeFileAtomic } from '../../io/write-file-atomic.js';

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

  const prodTagsText = typeof options['prodTags'] === 'string' ? options['prodTags'] : DEFAULT_PROD_TAGS;
  const prodTags = parseProdTags(prodTagsText);
  const keepLatest = options['keepLatest'] !== false;
  const scanned = await scanAccount(live, checks, context.signal);
  const skipped: SkippedRevision[] = [...scanned.unreadable].map(([arn, reason]) => ({ arn, reason: `not read: ${reason}` }));
  const scanErrors = scanned.result.errors.map((e) => [e.region, e.operation, e.message].filter(Boolean).join(': '));
  const account = await readAccountForPlan(scanned.failing, options, skipped, scanErrors, checks, prodTags, context.signal);
  const plan = buildPlan(account.revisions, {
    fixOptions,
    checkIds: checks.map((c) => c.meta.id),
    ...(batchSize ? { batchSize } : {}),
    planFile,
    skipped,
    scanErrors,
    services: account.services,
    ranking: account.ranking,
    latest: account.latest,
    keepLatest,
    prodTags: prodTagsText,
  });
  plan.warnings = [...account.warnings, ...(plan.warnings ?? [])];
  await writeFileAtomic(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  context.stdout.write(`${formatPlanSummary(plan, planFile)}\n`);
  if (plan.scanErrors.length || scanned.unreadable.size) return EXIT.incomplete;
  return plan.revisions.length || plan.skipped.length ? EXIT.findings : EXIT.ok;
}

/**
 * What the plan needs beyond the scan, read fresh: each failing revision with
 * its tags (the scan may have read its cache, and a plan that drops or
 * resurrects a tag is exactly what this fixer must not write), every service
 * of those regions (moves start from `service.taskDefinition`), their exposure,
 * and each family's newest ACTIVE revision (for keep-latest).
 */
async function readAccountForPlan(
  failing: Awaited<ReturnType<typeof scanAccount>>['failing'],
  options: Record<string, unknown>,
  skipped: SkippedRevision[],
  scanErrors: string[],
  checks: readonly Check[],
  prodTags: ReturnType<typeof parseProdTags>,
  signal: AbortSignal | undefined,
) {
  const result = {
    revisions: [] as RevisionToPlan[],
    services: [] as Awaited<ReturnType<typeof readServiceInventory>>['services'],
    ranking: new Map() as Awaited<ReturnType<typeof rankServices>>['ranking'],
    latest: new Map<string, RevisionToPlan>(),
    warnings: [] as string[],
  };
  if (failing.length === 0) return result;
  const firstRegion = failing[0]?.taskDefinition.resource.region ?? 'us-east-1';
  let api: EcsApi | undefined;
  let loadBalancing: LoadBalancingApi;
  try {
    ({ ecs: api, loadBalancing } = await connectAccount(connectionFrom(options), firstRegion, signal));
    for (const { taskDefinition, findings } of failing) {
      const { arn, region } = taskDefinition.resource;
      if (!arn || !region) continue;
      try {
        const fresh = await api.describeTaskDefinition(region, arn);
        result.revisions.push({ taskDefinition, findings, described: fresh.taskDefinition, tags: fresh.tags });
      } catch (error) {
        skipped.push({ arn, region, reason: `could not describe it with its tags: ${(error as Error).message}` });
      }
    }
    const regions = [...new Set(result.revisions.map((r) => r.taskDefinition.resource.region as string))];
    const inventory = await readServiceInventory(api, regions);
    result.services = inventory.services;
    scanErrors.push(...inventory.errors.map((e) => `services: ${e}`));
    result.warnings.push(...inventory.warnings.map((w) => `production ranking: ${w}`));
    const ranked = await rankServices(inventory.services, loadBalancing, prodTags);
    result.ranking = ranked.ranking;
    result.warnings.push(...ranked.errors.map((e) => `exposure: ${e} (the services behind these target groups rank as internet-exposed)`));
    await readNewestRevisions(api, result, checks, scanErrors);
    return result;
  } finally {
    api?.close();
  }
}

/** Each planned family's newest ACTIVE revision (DescribeTaskDefinition by family name), evaluated when the scan did not. */
async function readNewestRevisions(
  api: EcsApi,
  result: { revisions: RevisionToPlan[]; latest: Map<string, RevisionToPlan> },
  checks: readonly Check[],
  scanErrors: string[],
): Promise<void> {
  const families = new Map<string, { region: string; family: string }>();
  for (const r of result.revisions) {
    const { region, family } = r.taskDefinition.resource;
    if (region && family) families.set(`${region}\n${family}`, { region, family });
  }
  const toEvaluate: Array<{ key: string; region: string; arn: string; taskDefinition: Record<string, unknown>; tags: Array<{ key: string; value: string }> }> = [];
  for (const [key, { region, family }] of families) {
    try {
      const newest = await api.describeTaskDefinition(region, family);
      const arn = String(newest.taskDefinition['taskDefinitionArn'] ?? '');
      const known = result.revisions.find((r) => r.taskDefinition.resource.arn === arn);
      if (known) result.latest.set(key, known);
      else if (arn) toEvaluate.push({ key, region, arn, taskDefinition: newest.taskDefinition, tags: newest.tags });
    } catch (error) {
      scanErrors.push(`newest revision of ${family}: ${(error as Error).message}`);
    }
  }
  if (toEvaluate.length === 0) return;
  const evaluated = await evaluateDescribed(toEvaluate, checks);
  for (const e of toEvaluate) {
    const found = evaluated.find((r) => r.taskDefinition.resource.arn === e.arn);
    if (found) result.latest.set(e.key, found);
  }
}
