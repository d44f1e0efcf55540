import type { Finding } from '../model/finding.js';
import { LineIndex, lineIndexOf, plainRange } from '../model/location.js';
import type { FileEdit, FindingChange, ManualFix } from '../model/proposed-fix.js';
import type { TaskDefinition } from '../model/task-definition.js';
import { type ValueNode, field, scalarText } from '../model/value.js';
import { type FileReader, editsForPlan } from './edit/plan-edits.js';
import { fieldChange } from './plan.js';
import { guardSharedText } from './shared-text.js';

/** The line index of the text read last (weakly: a scan's last text is not kept alive by it). */
let lastIndex: WeakRef<LineIndex> | undefined;

/**
 * Adds to each fixable FAIL finding of a file the text edits `ecsguard fix`
 * would make for it alone (SARIF `fixes`, the JSON report's `fix.edits`), from
 * the same plan-to-edits path the fixer runs. A generated Terraform plan and a
 * definition with structural problems get none, as the fixer edits neither.
 * Findings whose changes are the same (two checks asking for the same user, or
 * privileged false, in one container) share one list of edits; readers never change it.
 */
export function attachEdits(taskDefinition: TaskDefinition, findings: readonly Finding[], read: FileReader): void {
  const { resource } = taskDefinition;
  if (resource.kind !== 'file' || resource.source === 'terraform-plan') return;
  let checked = false;
  let byChanges: Map<string, LocatedFix> | undefined;
  let nodeIds: Map<ValueNode, number> | undefined;
  // The tree's own line index covers the file's text when the source read it lazily (JSON, YAML's fast path).
  const own = lineIndexOf(taskDefinition.body.range ?? taskDefinition.range);
  const indexOf = (file: string) => {
    const text = read(file);
    if (text === undefined) return undefined;
    if (own?.text === text) return own;
    // A template's definitions are in one text: index it once for all of them.
    let index = lastIndex?.deref();
    if (index?.text !== text) lastIndex = new WeakRef((index = new LineIndex(text)));
    return index;
  };
  const shared = sharedTextSteps(taskDefinition, findings, read);
  for (const finding of findings) {
    const fix = finding.fix;
    if (finding.status !== 'FAIL' || !fix?.changes.length) continue;
    if (!checked) {
      if (hasStructuralProblems(taskDefinition)) return;
      checked = true;
    }
    if (shared) {
      // `ecsguard fix` edits none of this definition: its changes are these manual steps.
      for (const step of shared)
        if (step.checkId === finding.checkId && !fix.manual.some((m) => m.reason === step.reason)) fix.manual.push(step);
      continue;
    }
    // The edits follow from the changes alone (their check ids only name manual steps, which make no edits).
    const key = changesKey(fix.changes, (nodeIds ??= new Map<ValueNode, number>()));
    byChanges ??= new Map<string, LocatedFix>();
    let located = byChanges.get(key);
    if (located === undefined) {
      located = locatedEdits(taskDefinition, fix.changes, [finding.checkId], read, indexOf);
      byChanges.set(key, located);
    }
    if (located.edits) fix.edits = located.edits;
    // What `ecsguard fix` would leave to the user (a value an expression computes, a known conditional), as it says.
    for (const step of located.manual) {
      if (!fix.manual.some((m) => m.reason === step.reason)) fix.manual.push({ ...step, checkId: finding.checkId });
    }
  }
}

/** The text edits of a finding's changes, and the steps the fixer leaves to the user instead. */
interface LocatedFix {
  edits: FileEdit[] | undefined;
  manual: ManualFix[];
}

/** A YAML alias (`*name`) or merge key (`<<:`) in a file an edit is in; quoted `"*"` is none. */
const YAML_ALIAS = /(?:^|[\s[{,])\*[\w-]|<<\s*:/m;

/**
 * What `ecsguard fix` would say of this definition's text a YAML alias or merge key reads twice (src/fix/shared-text.ts):
 * when an edit there would change a place that does not need it, none of the definition is edited and each change is a
 * manual step. Decided over all its failing findings together, as the fixer plans them; undefined when nothing is
 * shared. Asked only of YAML that has aliases or merge keys (the walk of the tree is not free).
 */
function sharedTextSteps(taskDefinition: TaskDefinition, findings: readonly Finding[], read: FileReader): ManualFix[] | undefined {
  const file = taskDefinition.body.range?.file ?? taskDefinition.resource.file;
  if (taskDefinition.body.syntax !== 'yaml' || file === undefined || !hasYamlAlias(file, read)) return undefined;
  const changes = findings.flatMap((f) => (f.status === 'FAIL' && f.fix ? f.fix.changes.map((c) => fieldChange(c, [f.checkId])) : []));
  if (!changes.length) return undefined;
  const plan = { changes, warnings: [], manual: [] };
  const { edits } = editsForPlan(taskDefinition, plan, read);
  if (!edits.length) return undefined;
  const steps = guardSharedText([{ taskDefinition, changes, edits }])[0] ?? [];
  return steps.length ? steps.map((m) => (m.where ? { ...m, where: plainRange(m.where) } : m)) : undefined;
}

/** The text asked last and its answer: a template's definitions and findings ask of one text many times. */
let lastAliasCheck: { text: string; aliased: boolean } | undefined;

function hasYamlAlias(file: string, read: FileReader): boolean {
  const text = read(file) ?? '';
  // Most templates hold neither character: a plain search first (the pattern has no literal start to search for).
  if (lastAliasCheck?.text !== text)
    lastAliasCheck = { text, aliased: (text.includes('*') || text.includes('<<')) && YAML_ALIAS.test(text) };
  return lastAliasCheck.aliased;
}

/** The changes as a key: containers, paths, operations and values, and the node each replaces (by identity). */
function changesKey(changes: readonly FindingChange[], nodeIds: Map<ValueNode, number>): string {
  const parts: unknown[] = [];
  for (const change of changes) {
    let id = -1;
    if (change.current) {
      id = nodeIds.get(change.current) ?? nodeIds.size;
      if (id === nodeIds.size) nodeIds.set(change.current, id);
    }
    parts.push(change.container ?? null, change.path, change.operation, change.value ?? null, id);
  }
  return JSON.stringify(parts);
}

/** The text edits of one finding's changes, with lines and columns (undefined when there are none), and the manual steps. */
function locatedEdits(
  taskDefinition: TaskDefinition,
  changes: readonly FindingChange[],
  checkIds: string[],
  read: FileReader,
  indexOf: (file: string) => LineIndex | undefined,
): LocatedFix {
  // The finding's own changes only: its warnings and manual steps do not make edits.
  const plan = { changes: changes.map((c) => fieldChange(c, checkIds)), warnings: [], manual: [] };
  const { edits, manual } = editsForPlan(taskDefinition, plan, read);
  const steps = manual.map((m) => (m.where ? { ...m, where: plainRange(m.where) } : m));
  const sorted = edits.sort((a, b) => (a.file === b.file ? a.start - b.start || a.end - b.end : a.file < b.file ? -1 : 1));
  let located: FileEdit[] | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const edit = sorted[i] as (typeof sorted)[number];
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
    // A literal of the edit's keys (file, start, end, text) and its place: a spread copy given keys is slow in V8 11.
    (located ??= []).push({
      file: edit.file,
      start: edit.start,
      end: edit.end,
      text: edit.text,
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
    });
  }
  return { edits: located, manual: steps };
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
