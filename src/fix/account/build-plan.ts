import type { Finding } from '../../model/finding.js';
import type { TaskDefinition } from '../../model/task-definition.js';
import { toPlain } from '../../model/value.js';
import { TOOL_VERSION } from '../../version.js';
import { type FieldChange, type FixOptions, type FixWarning, type ManualFix, planFixes } from '../strategy.js';
import { applyCommands, rollbackCommands } from './aws-cli-commands.js';
import { absolutePath, applyFieldChanges, formatPath, getPath } from './field-changes.js';
import {
  PLAN_KIND,
  PLAN_VERSION,
  type PlannedChange,
  type PlannedRevision,
  type PlannedService,
  type RemediationPlan,
  type SkippedRevision,
} from './plan-format.js';
import { type Tag, registerInputFrom } from './register-input.js';

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
  const fixed = applyFieldChanges(described, located.map(({ change, path }) => ({ path, value: change.value })));
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

/** `cluster/service` (Usage.services) → its parts. */
export function parseServiceName(name: string): PlannedService {
  const slash = name.indexOf('/');
  return slash < 0 ? { cluster: 'default', service: name } : { cluster: name.slice(0, slash), service: name.slice(slash + 1) };
}

/** Revisions in use first (they run the insecure settings now), then by region, family and revision. */
export function compareRevisions(a: PlannedRevision, b: PlannedRevision): number {
  return (
    Number(b.inUse) - Number(a.inUse) ||
    a.region.localeCompare(b.region) ||
    a.family.localeCompare(b.family) ||
    a.oldRevision - b.oldRevision
  );
}

/** Builds the plan document: ordered, batched, with the aws CLI equivalent of every step. */
export function buildPlan(revisions: readonly RevisionToPlan[], settings: PlanSettings): RemediationPlan {
  const planned: PlannedRevision[] = [];
  const skipped: SkippedRevision[] = [...(settings.skipped ?? [])];
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
    const usage = revision.taskDefinition.usage;
    const services = (usage?.services ?? []).map(parseServiceName);
    const family = resource.family ?? String(revision.described['family'] ?? '');
    const oldRevision = resource.revision ?? Number(revision.described['revision'] ?? 0);
    const common = { region, family, oldRevision, oldArn: arn, services, planFile: settings.planFile };
    planned.push({
      batch: 0,
      region,
      family,
      oldRevision,
      oldArn: arn,
      inUse: services.length > 0 || (usage?.runningTasks ?? 0) > 0,
      runningTasks: usage?.runningTasks ?? 0,
      services,
      findings: revision.findings
        .filter((f) => f.status === 'FAIL')
        .map((f) => ({
          checkId: f.checkId,
          ...(f.container !== undefined ? { container: f.container } : {}),
          ...(f.field !== undefined ? { field: f.field } : {}),
          message: f.message,
        })),
      changes: remediation.changes,
      warnings: remediation.warnings,
      manual: remediation.manual,
      registerInput: remediation.registerInput,
      commands: applyCommands(common),
      rollbackCommands: rollbackCommands(common),
    });
  }
  planned.sort(compareRevisions);
  const size = settings.batchSize && settings.batchSize > 0 ? Math.floor(settings.batchSize) : Math.max(planned.length, 1);
  planned.forEach((r, i) => (r.batch = Math.floor(i / size) + 1));
  const batchNumbers = [...new Set(planned.map((r) => r.batch))];
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    createdAt: (settings.now ?? new Date()).toISOString(),
    tool: { name: 'ecsguard', version: TOOL_VERSION },
    checks: [...settings.checkIds],
    fixOptions: { ...settings.fixOptions },
    batchSize: settings.batchSize ?? null,
    summary: {
      revisions: planned.length,
      inUse: planned.filter((r) => r.inUse).length,
      services: planned.reduce((n, r) => n + r.services.length, 0),
      batches: batchNumbers.length,
      skipped: skipped.length,
    },
    batches: batchNumbers.map((batch) => ({ batch, revisions: planned.filter((r) => r.batch === batch).map((r) => r.oldArn) })),
    revisions: planned,
    skipped,
    scanErrors: [...(settings.scanErrors ?? [])],
  };
}
