import type { Finding } from '../model/finding.js';
import { LineIndex } from '../model/location.js';
import type { FileEdit } from '../model/proposed-fix.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { type FileReader, editsForPlan } from './edit/plan-edits.js';
import { PlanBuilder } from './plan.js';

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
  if (normalizeTaskDefinition(resource, taskDefinition.body, taskDefinition.range).problems.length) return;
  const lines = new Map<string, LineIndex | undefined>();
  const indexOf = (file: string) => {
    if (!lines.has(file)) {
      const text = read(file);
      lines.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return lines.get(file);
  };
  for (const finding of fixable) {
    const fix = finding.fix;
    if (!fix) continue;
    const plan = new PlanBuilder();
    plan.take(fix, [finding.checkId]);
    const { edits } = editsForPlan(taskDefinition, plan.build(), read);
    const located: FileEdit[] = [];
    for (const edit of [...edits].sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start)) {
      const index = indexOf(edit.file);
      if (!index) continue;
      const start = index.position(edit.start);
      const end = index.position(edit.end);
      located.push({ ...edit, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column });
    }
    if (located.length) fix.edits = located;
  }
}
