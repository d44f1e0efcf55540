import type { Finding } from '../model/finding.js';
import { LineIndex } from '../model/location.js';
import type { FileEdit } from '../model/proposed-fix.js';
import type { TaskDefinition } from '../model/task-definition.js';
import { field, scalarText } from '../model/value.js';
import { type FileReader, editsForPlan } from './edit/plan-edits.js';
import { fieldChange } from './plan.js';

/** The line index of the text read last (weakly: a scan's last text is not kept alive by it). */
let lastIndex: WeakRef<LineIndex> | undefined;

/**
 * Adds to each fixable FAIL finding of a file the text edits `ecsguard fix`
 * would make for it alone (SARIF `fixes`, the JSON report's `fix.edits`), from
 * the same plan-to-edits path the fixer runs. A generated Terraform plan and a
 * definition with structural problems get none, as the fixer edits neither.
 */
export function attachEdits(taskDefinition: TaskDefinition, findings: readonly Finding[], read: FileReader): void {
  const { resource } = taskDefinition;
  if (resource.kind !== 'file' || resource.source === 'terraform-plan') return;
  const fixable = findings.filter((f) => f.status === 'FAIL' && f.fix?.changes.length);
  if (fixable.length === 0) return;
  if (hasStructuralProblems(taskDefinition)) return;
  const indexOf = (file: string) => {
    const text = read(file);
    if (text === undefined) return undefined;
    // A template's definitions are in one text: index it once for all of them.
    let index = lastIndex?.deref();
    if (index?.text !== text) lastIndex = new WeakRef((index = new LineIndex(text)));
    return index;
  };
  for (const finding of fixable) {
    const fix = finding.fix;
    if (!fix) continue;
    // The finding's own changes only: its warnings and manual steps do not make edits.
    const checkIds = [finding.checkId];
    const { edits } = editsForPlan(
      taskDefinition,
      { changes: fix.changes.map((c) => fieldChange(c, checkIds)), warnings: [], manual: [] },
      read,
    );
    const located: FileEdit[] = [];
    const sorted = edits.sort((a, b) => (a.file === b.file ? a.start - b.start || a.end - b.end : a.file < b.file ? -1 : 1));
    for (const [i, edit] of sorted.entries()) {
      const previous = sorted[i - 1];
      // One text object reached from two places (a Terraform `for` body) is edited once.
      if (
        previous &&
        previous.file === edit.file &&
        previous.start === edit.start &&
        previous.end === edit.end &&
        previous.text === edit.text
      )
        continue;
      const index = indexOf(edit.file);
      if (!index) continue;
      const start = index.position(edit.start);
      const end = index.position(edit.end);
      located.push({ ...edit, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column });
    }
    if (located.length) fix.edits = located;
  }
}

/**
 * Whether normalizeTaskDefinition reported a problem for this definition (the
 * fixer then edits none of it: see fix-files.ts), read from what the model
 * kept instead of normalizing again: no or an empty container list, an
 * unreadable element, a container without a name.
 */
function hasStructuralProblems(taskDefinition: TaskDefinition): boolean {
  const list = taskDefinition.containerList;
  if (list === undefined || list.kind === 'null') return true;
  if (taskDefinition.unreadableContainers?.length) return true;
  if (taskDefinition.containers.length === 0 && !taskDefinition.unresolvedContainers) return true;
  return taskDefinition.containers.some((c) => {
    const name = field(c.node, 'name');
    if (name?.kind === 'unresolved' || name?.kind === 'conditional') return false;
    const text = scalarText(name);
    return text === undefined || text === '';
  });
}
