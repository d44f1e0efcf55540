import type { ChangeOperation, FindingChange, FindingFix, FixWarning, ManualFix } from '../model/proposed-fix.js';
import { type ValueNode, toPlain } from '../model/value.js';

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

/** Merges findings' fixes into one plan: one change per place, each warning and manual step once. */
export class PlanBuilder {
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
    const at = change.current?.range
      ? `${change.current.range.file}:${change.current.range.start.offset}`
      : change.current
        ? 'node'
        : 'absent';
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
export function fieldChange(change: FindingChange, checkIds: string[]): FieldChange {
  // Keys set one by one in their order (a record spread first and then given keys is slow in V8 11; this runs for
  // every fixable finding of a report that prints text edits).
  const path = [...change.path];
  const out = (
    change.container !== undefined
      ? { container: change.container, path, operation: change.operation }
      : { path, operation: change.operation }
  ) as FieldChange;
  if (change.current) out.current = change.current;
  out.checkIds = [...checkIds];
  if (change.operation === 'insert') {
    const items: unknown[] = Array.isArray(change.value) ? change.value : [change.value];
    const existing = change.current?.kind === 'array' ? change.current.items.map((item) => toPlain(item)) : [];
    out.value = [...existing, ...items];
    out.items = items;
    return out;
  }
  out.value = change.operation === 'remove' ? undefined : change.value;
  return out;
}
