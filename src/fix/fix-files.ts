import { cachedText } from '../io/cached-text.js';
import type { Finding, ScanError } from '../model/finding.js';
import { formatPosition } from '../model/location.js';
import { type ResourceRef, type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { type CollectOptions, collectDefinitions } from './collect.js';
import { type FileReader, editsForPlan } from './edit/plan-edits.js';
import { type FieldChange, type FixOptions, type FixWarning, type ManualFix, planFixes } from './strategy.js';
import { errorsMadeByFixes } from './read-back.js';
import { type PlannedEdits, guardSharedText } from './shared-text.js';
import { OverlappingEditsError, type TextEdit, applyTextEdits } from './text-edit.js';

export interface DefinitionFixes {
  resource: ResourceRef;
  /** The failing and unknown findings the plan was made from. */
  findings: Finding[];
  changes: FieldChange[];
  warnings: FixWarning[];
  manual: ManualFix[];
}

export interface FileChange {
  file: string;
  before: string;
  after: string;
  edits: TextEdit[];
}

export interface FilesFixResult {
  changes: FileChange[];
  definitions: DefinitionFixes[];
  errors: ScanError[];
}

export type FileFixOptions = CollectOptions & {
  fix: FixOptions;
  /**
   * What suppressions make of a finding (exceptions, inline): a finding it returns MUTED is not fixed, as `scan` does
   * not fail it. Its inline part reads the engine's `onFileRead`/`onFindingLines`, given in these options too.
   */
  mute?: (finding: Finding) => Finding;
};

/**
 * Plans and computes the fixes for files, without writing anything: per task
 * definition the plan, per file the text before and after.
 */
export async function fixFiles(options: FileFixOptions): Promise<FilesFixResult> {
  const collected = await collectDefinitions(options);
  const texts = new Map(collected.files.map((f) => [f.path, f.text]));
  const inputPaths = new Set(texts.keys());
  const read = cachedReader(texts);
  const errors = [...collected.errors];
  const definitions: DefinitionFixes[] = [];
  const editsByFile = new Map<string, TextEdit[]>();

  const planned: Array<PlannedEdits & { fixes: DefinitionFixes }> = [];
  for (const { taskDefinition, findings } of collected.definitions) {
    const judged = options.mute ? findings.map(options.mute) : findings;
    const relevant = judged.filter((f) => f.status === 'FAIL' || f.status === 'UNKNOWN');
    const notFixed = structuralProblems(taskDefinition, relevant);
    if (notFixed) {
      definitions.push({ resource: taskDefinition.resource, findings: relevant, changes: [], warnings: [], manual: notFixed });
      continue;
    }
    const plan = planFixes(taskDefinition, relevant, options.fix);
    const { edits, manual } = editsForPlan(taskDefinition, plan, read);
    const fixes: DefinitionFixes = {
      resource: taskDefinition.resource,
      findings: relevant,
      changes: plan.changes,
      warnings: plan.warnings,
      manual: [...plan.manual, ...manual],
    };
    // Warnings are the consequences of edits: with none made, there are none.
    if (edits.length === 0) fixes.warnings = [];
    definitions.push(fixes);
    planned.push({ taskDefinition, changes: plan.changes, edits, fixes });
  }
  const shared = guardSharedText(planned);
  planned.forEach(({ edits, fixes }, i) => {
    const manual = shared[i] ?? [];
    if (manual.length) {
      // Nothing of it is written: its changes and their consequences are manual.
      fixes.manual.push(...manual);
      fixes.changes = [];
      fixes.warnings = [];
      return;
    }
    for (const edit of edits) editsByFile.set(edit.file, [...(editsByFile.get(edit.file) ?? []), edit]);
  });

  const changes: FileChange[] = [];
  for (const [file, edits] of editsByFile) {
    const before = read(file);
    if (before === undefined) {
      errors.push({ file, message: 'cannot read the file to fix it' });
      continue;
    }
    try {
      const after = applyTextEdits(before, edits);
      if (after !== before) changes.push({ file, before, after, edits: [...edits].sort((a, b) => a.start - b.start) });
    } catch (error) {
      if (!(error instanceof OverlappingEditsError)) throw error;
      errors.push({ file, message: `not changed: ${error.message}` });
    }
  }
  changes.sort((a, b) => a.file.localeCompare(b.file));
  // Files a source read as inputs; a template or JSON file that file() loads is read back only through its caller.
  const inputs = changes.filter((c) => inputPaths.has(c.file));
  const broken = await errorsMadeByFixes(inputs, collected.errors, options);
  if (broken.size === 0) return { changes, definitions, errors };
  // A bug in an edit: the file is not written, and what its edits would have done is left to the user, saying why.
  for (const [file, error] of broken) {
    const where = error.line !== undefined ? `${file}:${error.line}:${error.column ?? 1}` : file;
    errors.push({
      file,
      message:
        `not changed: ecsguard's edits would break the file (${where}: ${error.message}); ` +
        'a bug in ecsguard, the file is left as it was',
    });
  }
  planned.forEach(({ edits, fixes }) => {
    const inBroken = edits.filter((e) => broken.has(e.file));
    if (inBroken.length === 0) return;
    const reasons = new Set(fixes.changes.flatMap((c) => c.checkIds));
    for (const checkId of reasons.size ? reasons : ['hardening'])
      fixes.manual.push({ checkId, reason: `not changed: ecsguard's edits of ${inBroken[0]?.file} would break it; change it by hand` });
    fixes.changes = [];
    fixes.warnings = [];
  });
  return { changes: changes.filter((c) => !broken.has(c.file)), definitions, errors };
}

/**
 * A task definition with structural problems (a container without a name, a
 * list element that is not an object) is not edited at all: the report lists
 * it as not fixed, so nothing in it may change. Every failing check becomes a
 * manual fix that names the problem.
 */
function structuralProblems(taskDefinition: TaskDefinition, findings: Finding[]): ManualFix[] | undefined {
  const { problems } = normalizeTaskDefinition(taskDefinition.resource, taskDefinition.body, taskDefinition.range);
  if (problems.length === 0) return undefined;
  const reason =
    `not changed: ${problems.map((p) => `${p.message}${p.range ? ` at ${formatPosition(p.range)}` : ''}`).join('; ')}; ` +
    `correct that, then run fix again`;
  return findings.map((f) => ({
    checkId: f.checkId,
    ...(f.container ? { container: f.container } : {}),
    reason,
    ...(f.location ? { where: f.location } : {}),
  }));
}

/** The texts to edit: the ones the scan read (in their decoded form), else each file from disk once. */
export function cachedReader(known: Map<string, string>): FileReader {
  return (file) => cachedText(file, known);
}
