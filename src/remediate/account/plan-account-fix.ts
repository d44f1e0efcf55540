import type { Check } from '../../checks/types.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../../fix/strategy.js';
import type { AwsConnection } from '../../sources/aws/clients.js';
import { type EcsApi, EcsCallError } from '../../sources/aws/ecs-api.js';
import { AwsLiveSource, type AwsScanOptions } from '../../sources/aws/live-source.js';
import { type RevisionToPlan, buildPlan } from './build-plan.js';
import { connectAccount } from './connection.js';
import { evaluateDescribed } from './evaluate-described.js';
import { DEFAULT_PROD_TAGS, parseProdTags, rankServices } from './exposure.js';
import type { LoadBalancingApi } from './load-balancing-api.js';
import type { RemediationPlan, SkippedRevision } from './plan-format.js';
import { scanAccount } from './scan-account.js';
import { readServiceInventory } from './service-inventory.js';

export interface AccountFixSettings {
  /** What to scan and how to reach it (connection, regions, scope, cache, progress). */
  scan: AwsScanOptions;
  checks: readonly Check[];
  /** The field changes to write (default: DEFAULT_FIX_OPTIONS). */
  fixOptions?: FixOptions;
  /** Where the plan will be written: the plan's apply commands name it. */
  planFile: string;
  /** Revisions per batch (internet-exposed first, then production, then the rest). Default: one batch. */
  batchSize?: number;
  /** Tags that mark production services or clusters (default: DEFAULT_PROD_TAGS). */
  prodTags?: string;
  /** Register a fixed copy of a family's newest revision last (default true). */
  keepLatest?: boolean;
  signal?: AbortSignal;
}

export interface AccountFixPlan {
  plan: RemediationPlan;
  /** Something was not read (a scan error, a failing revision that could not be described): the plan may miss work. */
  incomplete: boolean;
}

/**
 * Scans the account and plans its remediation: new revisions and the service updates that use them, in batches.
 * Changes nothing in the account and writes nothing: the caller writes the plan (and a person reviews it).
 */
export async function planAccountFix(settings: AccountFixSettings): Promise<AccountFixPlan> {
  const { checks, signal } = settings;
  const prodTagsText = settings.prodTags ?? DEFAULT_PROD_TAGS;
  const prodTags = parseProdTags(prodTagsText);
  const scanned = await scanAccount(new AwsLiveSource(settings.scan), checks, signal);
  const skipped: SkippedRevision[] = [...scanned.unreadable].map(([arn, reason]) => ({ arn, reason: `not read: ${reason}` }));
  const scanErrors = scanned.result.errors.map((e) => [e.region, e.operation, e.message].filter(Boolean).join(': '));
  const account = await readAccountForPlan(scanned.failing, settings.scan, skipped, scanErrors, checks, prodTags, signal);
  const plan = buildPlan(account.revisions, {
    fixOptions: settings.fixOptions ?? DEFAULT_FIX_OPTIONS,
    checkIds: checks.map((c) => c.meta.id),
    ...(settings.batchSize ? { batchSize: settings.batchSize } : {}),
    planFile: settings.planFile,
    skipped,
    scanErrors,
    services: account.services,
    ranking: account.ranking,
    latest: account.latest,
    keepLatest: settings.keepLatest !== false,
    prodTags: prodTagsText,
  });
  plan.warnings = [...account.warnings, ...(plan.warnings ?? [])];
  return { plan, incomplete: plan.scanErrors.length > 0 || scanned.unreadable.size > 0 };
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
  connection: AwsConnection,
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
    ({ ecs: api, loadBalancing } = await connectAccount(connection, firstRegion, signal));
    for (const { taskDefinition, findings } of failing) {
      const { arn, region } = taskDefinition.resource;
      if (!arn || !region) continue;
      try {
        const fresh = await api.describeTaskDefinition(region, arn);
        result.revisions.push({ taskDefinition, findings, described: fresh.taskDefinition, tags: fresh.tags });
      } catch (error) {
        skipped.push({ arn, region, reason: `could not describe it with its tags: ${(error as Error).message}` });
        // A failing revision left out of the plan: the plan does not cover the account (exit 2).
        scanErrors.push(`${region} DescribeTaskDefinition ${arn}: ${(error as Error).message}`);
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
  result: { revisions: RevisionToPlan[]; latest: Map<string, RevisionToPlan>; warnings: string[] },
  checks: readonly Check[],
  scanErrors: string[],
): Promise<void> {
  const families = new Map<string, { region: string; family: string }>();
  for (const r of result.revisions) {
    const { region, family } = r.taskDefinition.resource;
    if (region && family) families.set(`${region}\n${family}`, { region, family });
  }
  const toEvaluate: Array<{
    key: string;
    region: string;
    arn: string;
    taskDefinition: Record<string, unknown>;
    tags: Array<{ key: string; value: string }>;
  }> = [];
  for (const [key, { region, family }] of families) {
    try {
      const newest = await api.describeTaskDefinition(region, family);
      const arn = String(newest.taskDefinition['taskDefinitionArn'] ?? '');
      const known = result.revisions.find((r) => r.taskDefinition.resource.arn === arn);
      if (known) result.latest.set(key, known);
      else if (arn) toEvaluate.push({ key, region, arn, taskDefinition: newest.taskDefinition, tags: newest.tags });
    } catch (error) {
      // Described by family name, ECS answers ClientException when no revision of it is ACTIVE (a service may still
      // run a deregistered one): nothing newer to keep, not an unread account.
      if (isClientException(error)) result.warnings.push(`newest revision of ${family}: none is ACTIVE, so keep-latest does not apply`);
      else scanErrors.push(`newest revision of ${family}: ${(error as Error).message}`);
    }
  }
  if (toEvaluate.length === 0) return;
  const evaluated = await evaluateDescribed(toEvaluate, checks);
  for (const e of toEvaluate) {
    const found = evaluated.find((r) => r.taskDefinition.resource.arn === e.arn);
    if (found) result.latest.set(e.key, found);
  }
}

function isClientException(error: unknown): boolean {
  const cause = error instanceof EcsCallError ? (error.cause as { name?: unknown } | undefined) : undefined;
  return cause?.name === 'ClientException';
}
