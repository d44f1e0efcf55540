import { endOffsetOf, formatPosition, startOffsetOf } from '../model/location.js';
import type { TaskDefinition } from '../model/task-definition.js';
import type { FieldChange, ManualFix } from './strategy.js';
import type { TextEdit } from './text-edit.js';

/** One task definition's planned edits, before any is applied. */
export interface PlannedEdits {
  taskDefinition: TaskDefinition;
  changes: FieldChange[];
  edits: TextEdit[];
}

interface Span {
  owner: number;
  file: string;
  start: number;
  end: number;
}

const editKey = (e: TextEdit) => `${e.file}\0${e.start}\0${e.end}\0${e.text}`;

/**
 * The text of one task definition may also be another's: a YAML anchor its alias repeats, a Terraform local or a
 * `file()` two resources read. An edit there changes both, so it is kept only when every task definition whose
 * containers (or body) hold that text plans the same edit (the iterations of a `Fn::ForEach`, `count` instances, a
 * module's calls all do). Otherwise the task definition's edits are all dropped, and each of its changes becomes a
 * manual fix naming the definitions that share the text. Returns, per task definition, the manual fixes (none: kept).
 */
export function guardSharedText(planned: readonly PlannedEdits[]): ManualFix[][] {
  const spansByFile = new Map<string, Span[]>();
  planned.forEach(({ taskDefinition }, owner) => {
    const ranges = [taskDefinition.body.range, ...taskDefinition.containers.map((c) => c.node.range)];
    for (const range of ranges) {
      if (!range) continue;
      const spans = spansByFile.get(range.file) ?? [];
      spans.push({ owner, file: range.file, start: startOffsetOf(range), end: endOffsetOf(range) });
      spansByFile.set(range.file, spans);
    }
  });
  const plannedBy = planned.map(({ edits }) => new Set(edits.map(editKey)));
  return planned.map(({ taskDefinition, changes, edits }, owner) => {
    const others = new Set<number>();
    for (const edit of edits) {
      for (const span of spansByFile.get(edit.file) ?? []) {
        if (span.owner === owner || edit.start < span.start || edit.end > span.end) continue;
        if (!plannedBy[span.owner]?.has(editKey(edit))) others.add(span.owner);
      }
    }
    if (others.size === 0) return [];
    const names = [...others].map((i) => planned[i]?.taskDefinition.resource.id ?? '?').sort();
    const where = sharedAt(taskDefinition, edits);
    const containerName = (change: FieldChange) =>
      change.container === undefined ? undefined : taskDefinition.containers.find((c) => c.index === change.container)?.name;
    return changes.flatMap((change) =>
      (change.checkIds.length ? change.checkIds : ['hardening']).map((checkId) => {
        const container = containerName(change);
        return {
          checkId,
          ...(container ? { container } : {}),
          reason:
            `${change.path.join('.')}: the text to edit${where ? ` (${where})` : ''} is shared with ${names.join(', ')} ` +
            `(a YAML anchor and its alias, a Terraform local, a file read by both, or instances of one block), which would ` +
            `change too and does not need this: give this task definition its own value, then run fix again`,
          ...(taskDefinition.range ? { where: taskDefinition.range } : {}),
        } satisfies ManualFix;
      }),
    );
  });
}

/** Where the first edit is: the container (or body) of the task definition that holds it, as file:line:column. */
function sharedAt(taskDefinition: TaskDefinition, edits: readonly TextEdit[]): string {
  const edit = edits[0];
  if (!edit) return '';
  const holder = [...taskDefinition.containers.map((c) => c.node.range), taskDefinition.body.range].find(
    (r) => r && r.file === edit.file && startOffsetOf(r) <= edit.start && endOffsetOf(r) >= edit.end,
  );
  return holder ? formatPosition(holder) : edit.file;
}
