import { ALL_CHECKS, findCheck } from '../checks/catalogue.js';
import { evaluateTaskDefinition } from '../engine/evaluate.js';
import type { Finding } from '../model/finding.js';
import { DEFAULT_FIX_OPTIONS, type FindingFix, type FixOptions, type FixWarning, type ManualFix } from '../model/proposed-fix.js';
import type { TaskDefinition } from '../model/task-definition.js';
import { type FieldChange, type FixPlan, PlanBuilder } from './plan.js';

export { DEFAULT_FIX_OPTIONS, type FieldChange, type FixOptions, type FixPlan, type FixWarning, type ManualFix };

const sameOptions = (a: FixOptions, b: FixOptions) =>
  a.user === b.user && a.networkMode === b.networkMode && a.dropCapabilities === b.dropCapabilities && a.readonlyRoot === b.readonlyRoot;

const findingKey = (f: Finding) => `${f.checkId}\0${f.status}\0${f.field ?? ''}\0${f.container ?? ''}\0${f.message}`;

/**
 * The fix of each finding under `options`. Findings scanned with other options
 * (a plain scan's defaults) ask their check again with these: the check, not
 * the fixer, knows what answers it.
 */
function fixesUnder(
  taskDefinition: TaskDefinition,
  findings: Finding[],
  options: FixOptions,
): Array<{ finding: Finding; fix?: FindingFix }> {
  const stale = findings.filter((f) => !f.fix || !sameOptions(f.fix.options, options));
  const fresh = new Map<string, FindingFix | undefined>();
  for (const checkId of new Set(stale.map((f) => f.checkId))) {
    const check = findCheck(checkId);
    if (!check) continue;
    for (const f of evaluateTaskDefinition(taskDefinition, [check], false, { fix: options })) fresh.set(findingKey(f), f.fix);
  }
  return findings.map((finding) => {
    const key = findingKey(finding);
    const fix = finding.fix && sameOptions(finding.fix.options, options) ? finding.fix : fresh.has(key) ? fresh.get(key) : finding.fix;
    return { finding, ...(fix ? { fix } : {}) };
  });
}

/**
 * Merges the changes the checks propose for `findings` (FAIL and UNKNOWN) on one
 * task definition into one plan. Pure and source-agnostic: the file editors and
 * the account fixer both apply it. A check whose fix an option asks for
 * (`CheckMeta.fixOption`: --drop-capabilities, --readonly-root) adds its changes
 * even when it was not selected.
 */
export function planFixes(taskDefinition: TaskDefinition, findings: Finding[], options: FixOptions): FixPlan {
  const builder = new PlanBuilder();
  const relevant = findings.filter((f) => f.status === 'FAIL' || f.status === 'UNKNOWN');
  for (const { finding, fix } of fixesUnder(taskDefinition, relevant, options)) {
    if (fix) builder.take(fix, [finding.checkId]);
  }
  const asked = ALL_CHECKS.filter(
    (c) => c.meta.fixOption !== undefined && options[c.meta.fixOption] && !relevant.some((f) => f.checkId === c.meta.id),
  );
  for (const check of asked) {
    for (const f of evaluateTaskDefinition(taskDefinition, [check], false, { fix: options })) {
      if (f.fix && (f.status === 'FAIL' || f.status === 'UNKNOWN')) builder.take(f.fix, []);
    }
  }
  return builder.build();
}
