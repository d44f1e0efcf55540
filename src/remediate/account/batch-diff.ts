import { type ScanDiff, diffScans, formatDiff } from '../../baseline/diff.js';
import { type ReportedFinding, reportedFrom } from '../../baseline/report-file.js';
import type { Check } from '../../checks/types.js';
import type { Finding } from '../../model/finding.js';
import { parseTaskDefinitionArn } from '../../sources/aws/arn.js';
import type { Journal } from './journal-format.js';
import type { RemediationPlan } from './plan-format.js';

/**
 * A batch's before and after, as `ecsguard diff` compares two reports: before is the plan's
 * FAIL findings for the revisions of the batch (what the scan behind the plan saw), after is
 * the re-scan of the revisions the batch registered. A revision whose fixed copy was not
 * registered was not re-scanned: its findings are ERROR after, so "not verified", never "fixed".
 */
export function diffBatch(
  plan: RemediationPlan,
  journal: Journal,
  batch: number,
  rescan: readonly Finding[],
  checks: readonly Check[],
): ScanDiff {
  const severity = new Map(checks.map((c) => [c.meta.id, c.meta.severity] as const));
  const before: ReportedFinding[] = [];
  const after: ReportedFinding[] = rescan.map(reportedFrom);
  for (const revision of journal.revisions.filter((r) => r.batch === batch)) {
    const planned = plan.revisions.find((p) => p.oldArn === revision.oldArn && p.batch === batch);
    if (!planned) continue;
    const parsed = parseTaskDefinitionArn(planned.oldArn);
    const resource: ReportedFinding['resource'] = {
      kind: 'aws',
      source: 'aws',
      id: planned.oldArn,
      arn: planned.oldArn,
      region: planned.region,
      family: planned.family,
      ...(parsed ? { accountId: parsed.accountId } : {}),
    };
    for (const f of planned.findings) {
      before.push({
        checkId: f.checkId,
        status: 'FAIL',
        severity: severity.get(f.checkId) ?? 'high',
        message: f.message,
        ...(f.container !== undefined ? { container: f.container } : {}),
        ...(f.field !== undefined ? { field: f.field } : {}),
        resource,
      });
    }
    if (revision.newArn === undefined) {
      for (const checkId of new Set(planned.findings.map((f) => f.checkId))) {
        after.push({
          checkId,
          status: 'ERROR',
          severity: severity.get(checkId) ?? 'high',
          message: 'not re-scanned: the fixed revision was not registered',
          resource,
        });
      }
    }
  }
  return diffScans(before, after);
}

/** The lines apply prints after a batch's re-scan: `ecsguard diff`'s text, indented under the batch. */
export function formatBatchDiff(diff: ScanDiff, planFile: string, batch: number): string[] {
  return formatDiff(diff, `${planFile} (batch ${batch})`, `the re-scan of batch ${batch}`)
    .split('\n')
    .map((line) => (line ? `  ${line}` : line));
}
