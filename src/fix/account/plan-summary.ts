import { shortArn } from './apply-runner.js';
import type { RemediationPlan } from './plan-format.js';

/** What `fix --aws` prints: one block per revision, what it changes and where it is used. */
export function formatPlanSummary(plan: RemediationPlan, planFile: string): string {
  const lines: string[] = [];
  const { summary } = plan;
  if (summary.revisions === 0) lines.push('No failing revision in scope can be fixed automatically.');
  for (const r of plan.revisions) {
    const usage = r.inUse ? `in use: ${r.services.map((s) => `${s.cluster}/${s.service}`).join(', ') || `${r.runningTasks} running task(s)`}` : 'not in use';
    lines.push(`batch ${r.batch}  ${r.region} ${shortArn(r.oldArn)}  (${usage})`);
    for (const c of r.changes) {
      const from = c.from === undefined ? '(unset)' : JSON.stringify(c.from);
      const to = c.to === undefined ? '(removed)' : JSON.stringify(c.to);
      lines.push(`  ${c.field}: ${from} → ${to}${c.checkIds.length ? `  [${c.checkIds.join(', ')}]` : ''}`);
    }
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
    for (const m of r.manual) lines.push(`  manual: ${m}`);
  }
  for (const s of plan.skipped) lines.push(`skipped ${shortArn(s.arn)}: ${s.reason}`);
  for (const e of plan.scanErrors) lines.push(`scan error: ${e}`);
  lines.push(
    '',
    `Plan written to ${planFile}: ${summary.revisions} revision(s) to re-register (${summary.inUse} in use), ${summary.services} service update(s), ${summary.batches} batch(es). Nothing was changed.`,
  );
  if (summary.revisions) {
    lines.push(`Review it, then: ecsguard apply ${planFile}${summary.batches > 1 ? ' --batch 1' : ''}`);
  }
  return lines.join('\n');
}
