import type { Finding } from '../../model/finding.js';
import type { TaskDefinition } from '../../model/task-definition.js';
import { toPlain } from '../../model/value.js';
import { TOOL_VERSION } from '../../version.js';
import { type FieldChange, type FixOptions, type FixWarning, type ManualFix, planFixes } from '../../fix/strategy.js';
import { applyCommands, rollbackCommands } from './aws-cli-commands.js';
import { absolutePath, formatPath } from '../../fix/field-path.js';
import { applyFieldChanges, getPath } from './field-changes.js';
import {
  PLAN_KIND,
  PLAN_VERSION,
  type PlannedChange,
  type PlannedRevision,
  type PlannedService,
  type RemediationPlan,
  type RevisionPriority,
  type SkippedRevision,
} from './plan-format.js';
import { type Tag, registerInputFrom } from './register-input.js';
import { DEFAULT_PROD_TAGS, type ServiceRanking, serviceKey } from './exposure.js';
import type { ServiceFacts } from './service-inventory.js';

/** A failing live revision, as the scan saw it. */
export interface RevisionToPlan {
  taskDefinition: TaskDefinition;
  /** The findings for this revision (only FAIL ones are fixed). */
  findings: Finding[];
  /** The described definition as plain ECS JSON. */
  described: Record<string, unknown>;
  /** Tags from DescribeTaskDefinition include TAGS; when absent, `described.tags` is used. */
  tags?: Tag[];
}

export interface PlanSettings {
  fixOptions: FixOptions;
  checkIds: string[];
  /** Revisions per batch; undefined: one batch. */
  batchSize?: number;
  /** The plan's own file name, for the jq command that extracts a register input. */
  planFile: string;
  now?: Date;
  skipped?: SkippedRevision[];
  scanErrors?: string[];
  /** Every service in the regions (DescribeServices): moves are planned from `taskDefinition`, rollouts from `deployments`. */
  services?: readonly ServiceFacts[];
  /** Exposure ranking by service key (`region/cluster/service`). */
  ranking?: ReadonlyMap<string, ServiceRanking>;
  /** Each family's newest ACTIVE revision (`region\nfamily`), described: what a keep-latest copy registers. */
  latest?: ReadonlyMap<string, RevisionToPlan>;
  /** Register a fixed copy of the family's newest revision last (default true). */
  keepLatest?: boolean;
  /** The `--prod-tags` the ranking used, recorded in the plan. */
  prodTags?: string;
}

/** What the fixes do to one revision; `registerInput` is absent when nothing can be fixed automatically. */
export interface RevisionRemediation {
  changes: PlannedChange[];
  warnings: string[];
  manual: string[];
  registerInput?: Record<string, unknown>;
}

/** Applies the chosen fixes to one described revision; pure. */
export function remediateRevision(revision: RevisionToPlan, fixOptions: FixOptions): RevisionRemediation {
  const { taskDefinition, described } = revision;
  const failing = revision.findings.filter((f) => f.status === 'FAIL');
  const fixes = planFixes(taskDefinition, failing, fixOptions);
  const located = fixes.changes.map((change) => ({ change, path: absolutePath(taskDefinition, change) }));
  const changes = located.map(({ change, path }) => describeChange(taskDefinition, described, change, path));
  const warnings = fixes.warnings.map(messageOf);
  const manual = fixes.manual.map(messageOf);
  if (located.length === 0) return { changes, warnings, manual };
  const fixed = applyFieldChanges(
    described,
    located.map(({ change, path }) => ({ path, value: change.value })),
  );
  return { changes, warnings, manual, registerInput: registerInputFrom(fixed, revision.tags) };
}

function describeChange(
  taskDefinition: TaskDefinition,
  described: Record<string, unknown>,
  change: FieldChange,
  path: string[],
): PlannedChange {
  const from = change.current !== undefined ? toPlain(change.current) : getPath(described, path);
  const container = change.container === undefined ? undefined : taskDefinition.containers[change.container]?.name;
  return {
    ...(container !== undefined ? { container } : {}),
    field: formatPath(path),
    ...(from !== undefined ? { from } : {}),
    ...(change.value !== undefined ? { to: change.value } : {}),
    checkIds: [...change.checkIds],
  };
}

/** A warning's message, or a manual fix's reason with the check and container it concerns. */
function messageOf(item: FixWarning | ManualFix): string {
  if ('message' in item) return item.message;
  const about = [item.checkId, item.container].filter((p) => p !== undefined && p !== '').join(', ');
  return about ? `${item.reason} (${about})` : item.reason;
}

const PRIORITY_RANK: Record<RevisionPriority, number> = { 'internet-exposed': 0, production: 1, 'in-use': 2, 'not-in-use': 3 };

/** Internet-exposed first, then production, then other revisions in use, then unused; then by region, family and revision. */
export function compareRevisions(a: PlannedRevision, b: PlannedRevision): number {
  const rank = (r: PlannedRevision) => PRIORITY_RANK[r.priority ?? (r.inUse ? 'in-use' : 'not-in-use')];
  return rank(a) - rank(b) || a.region.localeCompare(b.region) || a.family.localeCompare(b.family) || a.oldRevision - b.oldRevision;
}

/** `arn:…:task-definition/web:2` → `web:2`. */
function short(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

const familyKey = (region: string, family: string) => `${region}\n${family}`;

/** Builds the plan document: ordered, batched, with the aws CLI equivalent of every step. */
export function buildPlan(revisions: readonly RevisionToPlan[], settings: PlanSettings): RemediationPlan {
  const planned: PlannedRevision[] = [];
  const skipped: SkippedRevision[] = [...(settings.skipped ?? [])];
  const warnings: string[] = [];
  for (const revision of revisions) {
    const resource = revision.taskDefinition.resource;
    const arn = resource.arn ?? resource.id;
    const region = resource.region ?? '';
    const remediation = remediateRevision(revision, settings.fixOptions);
    if (!remediation.registerInput) {
      const why = remediation.manual.length ? `manual fixes only: ${remediation.manual.join('; ')}` : 'no automatic fix for its findings';
      skipped.push({ arn, region, reason: why });
      continue;
    }
    const family = resource.family ?? String(revision.described['family'] ?? '');
    const oldRevision = resource.revision ?? Number(revision.described['revision'] ?? 0);
    planned.push(
      plannedRevision(
        revision,
        remediation as Required<RevisionRemediation>,
        { region, family, oldRevision, arn, purpose: 'fix' },
        settings,
      ),
    );
  }
  planned.sort(compareRevisions);
  const size = settings.batchSize && settings.batchSize > 0 ? Math.floor(settings.batchSize) : Math.max(planned.length, 1);
  planned.forEach((r, i) => (r.batch = Math.floor(i / size) + 1));
  const ordered = keepFamiliesLatest(planned, settings, warnings);
  const batchNumbers = [...new Set(ordered.map((r) => r.batch))];
  const fixes = ordered.filter((r) => r.purpose !== 'keep-latest');
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    createdAt: (settings.now ?? new Date()).toISOString(),
    tool: { name: 'ecsguard', version: TOOL_VERSION },
    checks: [...settings.checkIds],
    fixOptions: { ...settings.fixOptions },
    batchSize: settings.batchSize ?? null,
    summary: {
      revisions: fixes.length,
      inUse: fixes.filter((r) => r.inUse).length,
      services: ordered.reduce((n, r) => n + r.services.length, 0),
      batches: batchNumbers.length,
      skipped: skipped.length,
      keepLatest: ordered.length - fixes.length,
    },
    ordering: { prodTags: settings.prodTags ?? DEFAULT_PROD_TAGS, keepLatest: settings.keepLatest !== false },
    warnings,
    batches: batchNumbers.map((batch) => ({ batch, revisions: ordered.filter((r) => r.batch === batch).map((r) => r.oldArn) })),
    revisions: ordered,
    skipped,
    scanErrors: [...(settings.scanErrors ?? [])],
  };
}

interface Identity {
  region: string;
  family: string;
  oldRevision: number;
  arn: string;
  purpose: 'fix' | 'keep-latest';
  batch?: number;
}

function plannedRevision(
  revision: RevisionToPlan,
  remediation: Required<RevisionRemediation>,
  id: Identity,
  settings: PlanSettings,
): PlannedRevision {
  const { region, family, oldRevision, arn } = id;
  const usage = revision.taskDefinition.usage;
  const inventory = (settings.services ?? []).filter((s) => s.region === region);
  const warnings = [...remediation.warnings];
  const services: PlannedService[] = [];
  const rollouts: string[] = [];
  if (id.purpose === 'fix') {
    for (const s of inventory.filter((x) => x.taskDefinition === arn)) {
      if (s.deploymentController !== 'ECS') {
        warnings.push(
          `${s.cluster}/${s.service} uses the ${s.deploymentController} deployment controller: not moved by apply; deploy the new ` +
            `revision through it`,
        );
        continue;
      }
      const ranking = settings.ranking?.get(serviceKey(s));
      const draining = s.deployments.filter((d) => d.status === 'ACTIVE' && d.taskDefinition !== arn);
      const stillOn = draining.reduce((n, d) => n + d.runningCount, 0);
      services.push({
        cluster: s.cluster,
        service: s.service,
        ...(ranking ? { priority: ranking.priority, reasons: ranking.reasons } : {}),
        ...(draining.length
          ? {
              rollout:
                `rollout in progress (${stillOn} task(s) still ` +
                `on ${[...new Set(draining.map((d) => short(d.taskDefinition)))].join(', ')})`,
            }
          : {}),
      });
    }
    for (const s of inventory.filter((x) => x.taskDefinition !== arn)) {
      const old = s.deployments.filter((d) => d.status === 'ACTIVE' && d.taskDefinition === arn);
      if (old.length === 0) continue;
      const n = old.reduce((sum, d) => sum + d.runningCount, 0);
      rollouts.push(
        `${s.cluster}/${s.service}: rollout to ${short(s.taskDefinition)} in progress, ${n} task(s) still on ${short(arn)} (the service ` +
          `is moved from ${short(s.taskDefinition)}, not from this revision)`,
      );
    }
    services.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.service.localeCompare(b.service));
  }
  const runningTasks = usage?.runningTasks ?? 0;
  const inUse = services.length > 0 || runningTasks > 0 || rollouts.length > 0;
  const { priority, why } = priorityOf(services, inUse, runningTasks, rollouts);
  const common = {
    region,
    family,
    oldRevision,
    oldArn: arn,
    services,
    planFile: settings.planFile,
    ...(id.batch !== undefined ? { keepLatestBatch: id.batch } : {}),
  };
  return {
    batch: id.batch ?? 0,
    region,
    family,
    oldRevision,
    oldArn: arn,
    inUse,
    runningTasks,
    services,
    rollouts,
    purpose: id.purpose,
    priority,
    why,
    findings: revision.findings
      .filter((f) => f.status === 'FAIL')
      .map((f) => ({
        checkId: f.checkId,
        ...(f.container !== undefined ? { container: f.container } : {}),
        ...(f.field !== undefined ? { field: f.field } : {}),
        message: f.message,
      })),
    changes: remediation.changes,
    warnings,
    manual: remediation.manual,
    registerInput: remediation.registerInput,
    commands: applyCommands(common),
    rollbackCommands: rollbackCommands(common),
  };
}

function priorityOf(
  services: PlannedService[],
  inUse: boolean,
  runningTasks: number,
  rollouts: string[],
): { priority: RevisionPriority; why: string } {
  const names = (list: PlannedService[]) =>
    list.map((s) => `${s.cluster}/${s.service}${s.reasons?.length ? ` (${s.reasons.join('; ')})` : ''}`).join(', ');
  for (const p of ['internet-exposed', 'production'] as const) {
    const matching = services.filter((s) => s.priority === p);
    if (matching.length) return { priority: p, why: `${p}: ${names(matching)}` };
  }
  if (services.length)
    return {
      priority: 'in-use',
      why: `in use, not internet-exposed, no production tag: ${services.map((s) => `${s.cluster}/${s.service}`).join(', ')}`,
    };
  if (inUse) {
    const what = [
      runningTasks ? `${runningTasks} running task(s)` : '',
      rollouts.length ? `${rollouts.length} rollout(s) still draining it` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return { priority: 'in-use', why: `in use, no service to move from it: ${what}` };
  }
  return { priority: 'not-in-use', why: 'not in use: no service runs it and no task' };
}

/**
 * After each batch, every family the batch registers must have its newest
 * content as its latest revision: otherwise anything that deploys by family
 * name would get an older revision's content, and `--scope latest` would stop
 * seeing the newest one. The family's newest revision is moved to the end of
 * the batch when the batch fixes it anyway, or a fixed copy of it is appended.
 */
function keepFamiliesLatest(planned: PlannedRevision[], settings: PlanSettings, warnings: string[]): PlannedRevision[] {
  const keep = settings.keepLatest !== false;
  const out: PlannedRevision[] = [];
  for (const batch of [...new Set(planned.map((r) => r.batch))]) {
    const entries = planned.filter((r) => r.batch === batch);
    const tail: PlannedRevision[] = [];
    for (const key of [...new Set(entries.map((r) => familyKey(r.region, r.family)))]) {
      const newest = settings.latest?.get(key);
      const newestArn = newest?.taskDefinition.resource.arn;
      const family = entries.filter((r) => familyKey(r.region, r.family) === key);
      if (!newest || !newestArn || family.every((r) => r.oldArn === newestArn)) continue;
      const own = family.find((r) => r.oldArn === newestArn);
      if (own) {
        entries.splice(entries.indexOf(own), 1);
        tail.push(own);
        continue;
      }
      const older = family.map((r) => short(r.oldArn)).join(', ');
      if (!keep) {
        warnings.push(
          `--no-keep-latest: after batch ${batch}, the latest revision of ${family[0]?.family} is a fixed copy of ${older} ` +
            `while ${short(newestArn)} is newer: anything that deploys by family name gets the older content, and --scope latest no ` +
            `longer sees ${short(newestArn)}`,
        );
        continue;
      }
      tail.push(keepLatestEntry(newest, batch, older, settings));
    }
    out.push(...entries, ...tail);
  }
  return out;
}

function keepLatestEntry(newest: RevisionToPlan, batch: number, older: string, settings: PlanSettings): PlannedRevision {
  const resource = newest.taskDefinition.resource;
  const arn = resource.arn ?? resource.id;
  const remediation = remediateRevision(newest, settings.fixOptions);
  const registerInput = remediation.registerInput ?? registerInputFrom(newest.described, newest.tags);
  const entry = plannedRevision(
    newest,
    { ...remediation, registerInput },
    {
      region: resource.region ?? '',
      family: resource.family ?? String(newest.described['family'] ?? ''),
      oldRevision: resource.revision ?? Number(newest.described['revision'] ?? 0),
      arn,
      purpose: 'keep-latest',
      batch,
    },
    settings,
  );
  const content = remediation.registerInput
    ? 'with the fixes'
    : remediation.manual.length
      ? 'unchanged (its fixes are manual)'
      : 'unchanged (it passes)';
  entry.why =
    `keep-latest: registered last in batch ${batch}, after the fixed copy of ${older}, so the family's latest revision ` +
    `is ${short(arn)}'s content ${content}; no service is moved to it`;
  entry.priority = entry.inUse ? 'in-use' : 'not-in-use';
  return entry;
}
