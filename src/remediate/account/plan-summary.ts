import { shortArn } from './apply-runner.js';
import type { RemediationPlan } from './plan-format.js';

/** What `fix --aws` prints: one block per revision, what it changes and where it is used. */
export function formatPlanSummary(plan: RemediationPlan, planFile: string): string {
  const lines: string[] = [];
  const { summary } = plan;
  // An account that could not be read (or only in part) is said first: an empty plan is not a clean account.
  const unread = plan.skipped.filter((s) => s.reason.startsWith('not read: '));
  if (plan.scanErrors.length || unread.length) {
    lines.push(
      `The account could not be read completely (${plan.scanErrors.length} error(s), ${unread.length} revision(s) not read): this plan ` +
        `covers only what was read.`,
    );
  }
  if (summary.revisions === 0) {
    lines.push(
      plan.scanErrors.length || unread.length
        ? 'No failing revision that was read can be fixed automatically.'
        : 'No failing revision in scope can be fixed automatically.',
    );
  }
  for (const r of plan.revisions) {
    const services = r.services.map((s) => `${s.cluster}/${s.service}${s.rollout ? ` [${s.rollout}]` : ''}`).join(', ');
    const usage = r.inUse
      ? `in use: ${
          services ||
          [r.runningTasks ? `${r.runningTasks} running ` + `task(s)` : '', r.rollouts?.length ? 'by rollouts in progress' : '']
            .filter(Boolean)
            .join(', ')
        }`
      : 'not in use';
    lines.push(
      `batch ${r.batch}  ${r.region} ${shortArn(r.oldArn)}  ` +
        `(${r.purpose === 'keep-latest' ? 'keep-latest copy: no service is moved to it' : usage})`,
    );
    if (r.why) lines.push(`  why batch ${r.batch}: ${r.why}`);
    for (const rollout of r.rollouts ?? []) lines.push(`  rollout: ${rollout}`);
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
  for (const w of plan.warnings ?? []) lines.push(`warning: ${w}`);
  lines.push(
    '',
    `Plan written to ${planFile}: ${summary.revisions} revision(s) to re-register (${summary.inUse} in ` +
      `use)${
        summary.keepLatest ? ` and ${summary.keepLatest} keep-latest ` + `cop${summary.keepLatest === 1 ? 'y' : 'ies'}` : ''
      }, ${summary.services} service update(s), ${summary.batches} batch(es). ` +
      `Nothing was changed.`,
  );
  if (summary.revisions) {
    lines.push(`Review it, then: ecsguard apply ${planFile}${summary.batches > 1 ? ' --batch 1' : ''}`);
  }
  return lines.join('\n');
}
