import { ALL_CHECKS, findCheck } from '../checks/catalogue.js';
import { evaluateTaskDefinition } from '../engine/evaluate.js';
import type { Finding } from '../model/finding.js';
import {
  type ChangeOperation,
  DEFAULT_FIX_OPTIONS,
  type FindingFix,
  type FixOptions,
  type FixWarning,
  type ManualFix,
  type ProposedChange,
} from '../model/proposed-fix.js';
import type { TaskDefinition } from '../model/task-definition.js';
import { type ValueNode, toPlain } from '../model/value.js';

export { DEFAULT_FIX_OPTIONS, type FixOptions, type FixWarning, type ManualFix };

/**
 * One field to change, merged from the changes the checks proposed.
 * `container` is an index into taskDefinition.containers, absent for task-level fields.
 */
export interface FieldChange {
  container?: number;
  /** ECS API (camelCase) keys below the container (or the task definition). */
  path: string[];
  operation: ChangeOperation;
  /**
   * Plain JSON: for `set`, the value; for `insert`, the whole list afterwards
   * (existing entries first, then `items`); for `remove`, undefined.
   */
  value: unknown;
  /** `insert`: the items appended to the list. */
  items?: unknown[];
  /**
   * The node written now: a literal, or one branch of a conditional (only the
   * failing branch is replaced). Absent when the field is missing.
   */
  current?: ValueNode;
  /** The findings' checks this change resolves; empty for a fix asked for by an option (`--drop-capabilities`). */
  checkIds: string[];
}

export interface FixPlan {
  changes: FieldChange[];
  warnings: FixWarning[];
  manual: ManualFix[];
}

const sameOptions = (a: FixOptions, b: FixOptions) =>
  a.user === b.user && a.networkMode === b.networkMode && a.dropCapabilities === b.dropCapabilities && a.readonlyRoot === b.readonlyRoot;

const findingKey = (f: Finding) => `${f.checkId}\0${f.status}\0${f.field ?? ''}\0${f.container ?? ''}\0${f.message}`;

/**
 * The fix of each finding under `options`. Findings scanned with other options
 * (a plain scan's defaults) ask their check again with these: the check, not
 * the fixer, knows what answers it.
 */
function fixesUnder(taskDefinition: TaskDefinition, findings: Finding[], options: FixOptions): Array<{ finding: Finding; fix?: FindingFix }> {
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
  const asked = ALL_CHECKS.filter((c) => c.meta.fixOption !== undefined && options[c.meta.fixOption] && !relevant.some((f) => f.checkId === c.meta.id));
  for (const check of asked) {
    for (const f of evaluateTaskDefinition(taskDefinition, [check], false, { fix: options })) {
      if (f.fix && (f.status === 'FAIL' || f.status === 'UNKNOWN')) builder.take(f.fix, []);
    }
  }
  return builder.build();
}

class PlanBuilder {
  private readonly changes = new Map<string, FieldChange>();
  private readonly warnings: FixWarning[] = [];
  private readonly manual: ManualFix[] = [];
  private readonly seen = new Set<string>();

  take(fix: FindingFix, checkIds: string[]): void {
    for (const change of fix.changes) this.add(fieldChange(change, checkIds));
    for (const w of fix.warnings) this.once(`warning\0${w.container ?? ''}\0${w.message}`, () => this.warnings.push(w));
    for (const m of fix.manual) this.once(`manual\0${m.checkId}\0${m.container ?? ''}\0${m.reason}`, () => this.manual.push(m));
  }

  build(): FixPlan {
    const changes = [...this.changes.values()].sort(
      (a, b) => (a.container ?? -1) - (b.container ?? -1) || a.path.join('.').localeCompare(b.path.join('.')),
    );
    return { changes, warnings: this.warnings, manual: this.manual };
  }

  /** Merges changes to the same place, so two checks asking for the same user make one edit. */
  private add(change: FieldChange): void {
    const at = change.current?.range ? `${change.current.range.file}:${change.current.range.start.offset}` : change.current ? 'node' : 'absent';
    const key = `${change.container ?? '-'}|${change.path.join('.')}|${at}`;
    const existing = this.changes.get(key);
    if (!existing) {
      this.changes.set(key, change);
      return;
    }
    for (const id of change.checkIds) if (!existing.checkIds.includes(id)) existing.checkIds.push(id);
  }

  private once(key: string, add: () => void): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    add();
  }
}

/** A proposed change as the editors and the account fixer read it. */
function fieldChange(change: ProposedChange, checkIds: string[]): FieldChange {
  const base = {
    ...(change.container ? { container: change.container.index } : {}),
    path: [...change.path],
    operation: change.operation,
    ...(change.current ? { current: change.current } : {}),
    checkIds: [...checkIds],
  };
  if (change.operation === 'insert') {
    const items = Array.isArray(change.value) ? change.value : [change.value];
    const existing = change.current?.kind === 'array' ? change.current.items.map(toPlain) : [];
    return { ...base, value: [...existing, ...items], items };
  }
  return { ...base, value: change.operation === 'remove' ? undefined : change.value };
}
