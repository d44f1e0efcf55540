import { endOffsetOf, formatPosition, startOffsetOf } from '../../model/location.js';
import type { TaskDefinition } from '../../model/task-definition.js';
import type { SourceRange } from '../../model/location.js';
import { type DefinitionConstraint, type ObjectNode, type ValueNode, entry, field, pathGet } from '../../model/value.js';
import type { ManualFix } from '../../model/proposed-fix.js';
import type { FieldChange, FixPlan } from '../plan.js';
import type { TextEdit } from '../text-edit.js';
import { appendItems, hasPlaceToInsert, insertEntries, removeEntry, replaceValue, syntaxOf } from './insert.js';

/** The text of a file to edit, or undefined when it cannot be read. */
export type FileReader = (file: string) => string | undefined;

export interface PlanEdits {
  edits: TextEdit[];
  /** Changes that cannot be written safely (shared parameters, missing positions). */
  manual: ManualFix[];
}

/** `['capabilities', 'drop'], ['ALL']` → `{ capabilities: { drop: ['ALL'] } }`. */
function nest(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

const describePath = (change: FieldChange) => change.path.join('.');

/** What the change does, for a manual step: `set user to "1000:1000"`, `remove pidMode`. */
const describeChange = (change: FieldChange) =>
  change.operation === 'remove' ? `remove ${describePath(change)}` : `set ${describePath(change)} to ${JSON.stringify(change.value)}`;

const inside = (outer: SourceRange | undefined, inner: SourceRange | undefined): inner is SourceRange =>
  outer !== undefined &&
  inner !== undefined &&
  inner.file === outer.file &&
  inner.start.offset >= outer.start.offset &&
  inner.end.offset <= outer.end.offset;

/**
 * Turns a plan's field changes into text edits at the positions the source
 * recorded: values are replaced in place, missing keys are inserted after
 * their siblings, missing parent objects are created. Inserts into the same
 * object become one edit, so their order is the plan's.
 */
export function editsForPlan(taskDefinition: TaskDefinition, plan: FixPlan, read: FileReader): PlanEdits {
  if (taskDefinition.resource.source === 'terraform-plan') return generatedPlan(taskDefinition, plan);
  const edits: Array<TextEdit & { depth?: number }> = [];
  const manual: ManualFix[] = [];
  // Keyed by the object's place in the text: a `for` expression's body is one object in the file, though every
  // container it generates has its own node; keys it gets twice are written once.
  const inserts = new Map<string, { parent: ObjectNode; entries: Array<[string, unknown]>; depth: number }>();
  const pascal = taskDefinition.resource.source === 'cloudformation';

  const containerName = (change: FieldChange) =>
    change.container === undefined ? undefined : taskDefinition.containers.find((c) => c.index === change.container)?.name;
  const giveUp = (change: FieldChange, reason: string, node?: ValueNode) => {
    const container = containerName(change);
    const where = node?.range ?? taskDefinition.range;
    for (const checkId of change.checkIds.length ? change.checkIds : ['hardening']) {
      manual.push({ checkId, ...(container ? { container } : {}), reason, ...(where ? { where } : {}) });
    }
  };

  /**
   * A value a templatefile() placeholder wrote: the template is shared by every
   * call, so writing a literal over `${user}` would change it for all of them.
   * Always manual, naming the placeholder and the call's argument to change.
   */
  const templatePlaceholder = (change: FieldChange, node: ValueNode): boolean => {
    const argument = node.origin?.templateArgument;
    if (!argument) return false;
    const at = argument.range ? ` at ${formatPosition(argument.range)}` : '';
    giveUp(
      change,
      `${describePath(change)} comes from the template placeholder ${node.origin?.expression ?? ''} ` +
        `(${formatPosition(node.origin?.range)}), which every templatefile() call of the template shares: ` +
        `set ${JSON.stringify(change.value)} in the call's argument ${argument.name}${at}`,
      node,
    );
    return true;
  };

  /**
   * A value that arrived through a parameter or variable is changed at its
   * definition only when nothing else uses it: the source counted the
   * references in the definition's scope (the template, the module) while
   * resolving.
   */
  const sharedDefinition = (change: FieldChange, node: ValueNode): boolean => {
    if (!node.origin) return false;
    const chosenBy = node.origin.chosenBy;
    if (chosenBy) {
      const expression = chosenBy.expression.length > 80 ? `${chosenBy.expression.slice(0, 77)}...` : chosenBy.expression;
      giveUp(
        change,
        `${describePath(change)} comes from ${expression} (${formatPosition(chosenBy.range)}), whose condition is known: ` +
          `which branch or condition to change is the author's call; set ${JSON.stringify(change.value)} in the branch it takes ` +
          `(${formatPosition(node.range)}) or change the condition`,
        node,
      );
      return true;
    }
    const definition = node.origin.definition;
    const at = formatPosition(node.range);
    const ref = node.origin.range ? ` (referenced at ${formatPosition(node.origin.range)})` : '';
    const origin = node.origin;
    if (definition === undefined && origin.range && node.range && startOffsetOf(origin.range) === startOffsetOf(node.range)) {
      // Written by the expression itself (an interpolation, a function, a `for`): there is no literal here to change.
      const expression = origin.expression.length > 80 ? `${origin.expression.slice(0, 77)}...` : origin.expression;
      const how = origin.expression.startsWith('${')
        ? `is written as the template expression ${expression} (${formatPosition(origin.range)}): change what it interpolates`
        : `is computed by ${expression} (${formatPosition(origin.range)}): change what it reads`;
      giveUp(change, `${describePath(change)} ${how}, or write ${JSON.stringify(change.value)} there by hand`, node);
      return true;
    }
    if (definition === undefined) {
      giveUp(
        change,
        `${describePath(change)} comes from ${node.origin.expression}${ref}, defined at ${at}; set it to ${JSON.stringify(change.value)} ` +
          `there`,
        node,
      );
      return true;
    }
    if (definition.references !== 1) {
      giveUp(
        change,
        `${describePath(change)} comes from ${node.origin.expression}${ref}; ${definition.name} (defined at ${at}) ` +
          `has ${definition.references} references, so changing it would change the others too: set ${JSON.stringify(change.value)} ` +
          `at ${formatPosition(node.origin.range)} or give this container its own value`,
        node,
      );
      return true;
    }
    const misfit = definition.constraint && constraintMisfit(definition.constraint, change.value);
    if (misfit) {
      giveUp(
        change,
        `${describePath(change)} comes from ${node.origin.expression}${ref}; ${definition.name} (defined at ${at}) ${misfit}: ` +
          `change its declaration, or set ${JSON.stringify(change.value)} at ${formatPosition(node.origin.range)}`,
        node,
      );
      return true;
    }
    return false;
  };

  /**
   * A value written in a module copy `terraform init` downloaded (.terraform/modules): an edit there would be undone
   * by the next init and never reach the module's source. Manual, naming the file.
   */
  const downloadedModule = (change: FieldChange, node: ValueNode): boolean => {
    const file = node.range?.file;
    if (file === undefined || !DOWNLOADED_MODULE.test(file)) return false;
    giveUp(
      change,
      `${describePath(change)} is written in ${file}, a module copy terraform init downloads: an edit there would not last; ` +
        `change the module's source, or pass ${JSON.stringify(change.value)} from the module call if it takes the value as an input`,
      node,
    );
    return true;
  };

  /** Deletes the entry where it is written (a reference to a parameter goes, the parameter stays). */
  const remove = (change: FieldChange, root: ObjectNode) => {
    const parent = pathGet(root, change.path.slice(0, -1));
    const found = parent?.kind === 'object' ? entry(parent, change.path[change.path.length - 1] ?? '') : undefined;
    if (!found || parent?.kind !== 'object') return;
    const value = found.value;
    const written = inside(parent.range, value.origin?.range)
      ? value.origin?.range
      : inside(parent.range, value.range)
        ? value.range
        : undefined;
    const text = found.keyRange ? read(found.keyRange.file) : undefined;
    const removal =
      found.keyRange && written && text !== undefined
        ? removeEntry(text, found.keyRange.file, syntaxOf(parent), found.keyRange.start.offset, written.end.offset)
        : undefined;
    if (!removal) {
      giveUp(change, `${describePath(change)} cannot be removed safely where it is written; remove it by hand`, value);
      return;
    }
    edits.push(...removal);
  };

  for (const planned of plan.changes) {
    const owner: ObjectNode | undefined =
      planned.container === undefined ? taskDefinition.body : taskDefinition.containers.find((c) => c.index === planned.container)?.node;
    const { root, change } = owner ? throughLists(owner, planned) : { root: owner, change: planned };
    if (!root) {
      giveUp(change, `container #${change.container} not found`);
      continue;
    }
    if (change.operation === 'remove') {
      remove(change, root);
      continue;
    }
    const current = change.current;
    if (current) {
      const text = current.range ? read(current.range.file) : undefined;
      if (!current.range || text === undefined) {
        giveUp(
          change,
          `${describePath(change)} has no position in a readable file; set it to ${JSON.stringify(change.value)} by hand`,
          current,
        );
        continue;
      }
      if (templatePlaceholder(change, current) || sharedDefinition(change, current) || downloadedModule(change, current)) continue;
      const written = text.slice(startOffsetOf(current.range), endOffsetOf(current.range));
      if (INTERPOLATION.test(written)) {
        // A literal over `${var.user}` or `${a ? b : c}` would cut the wiring the template exists for.
        giveUp(
          change,
          `${describePath(change)} is written as the template expression ${written.length > 80 ? `${written.slice(0, 77)}...` : written} ` +
            `(${formatPosition(current.range)}): change what it interpolates, or write ${JSON.stringify(change.value)} there by hand`,
          current,
        );
        continue;
      }
      const file = current.range.file;
      if (current.kind === 'array' && current.items.length > 0 && Array.isArray(change.value)) {
        const depth = change.path.length;
        edits.push(...withDepth(appendItems(text, file, current, change.value.slice(current.items.length)), depth));
      } else {
        const forceQuotes = change.path[change.path.length - 1] === 'user';
        edits.push(replaceValue(text, file, current, change.value, forceQuotes, pascal));
      }
      continue;
    }

    // The field is missing: find the deepest object on its path that exists.
    let parent = root;
    let depth = 0;
    let blocked: string | undefined;
    for (; depth < change.path.length - 1; depth++) {
      const child: ValueNode | undefined = field(parent, change.path[depth] as string);
      if (child === undefined) break;
      if (child.kind === 'object') {
        parent = child;
        continue;
      }
      if (child.kind === 'null' && child.range) {
        const text = read(child.range.file);
        if (text !== undefined)
          edits.push(replaceValue(text, child.range.file, child, nest(change.path.slice(depth + 1), change.value), false, pascal));
        else blocked = 'its file cannot be read';
      } else {
        blocked = `${change.path.slice(0, depth + 1).join('.')} is not an object`;
      }
      depth = -1;
      break;
    }
    if (depth === -1) {
      if (blocked) giveUp(change, `${describePath(change)}: ${blocked}; set it by hand`, parent);
      continue;
    }
    if (!parent.range || read(parent.range.file) === undefined) {
      giveUp(change, `${describePath(change)} must be added, but the object has no position in a readable file`, parent);
      continue;
    }
    if ((parent.origin && sharedDefinition(change, parent)) || downloadedModule(change, parent)) continue;
    if (!hasPlaceToInsert(read(parent.range.file) as string, parent)) {
      giveUp(
        change,
        `${describePath(change)} must be added to a YAML mapping that holds only a merge key (<<), which gives no place to ` +
          'write it: add it there by hand',
        parent,
      );
      continue;
    }
    const key = change.path[depth] as string;
    const value = nest(change.path.slice(depth + 1), change.value);
    const place = `${parent.range.file}\0${parent.range.start.offset}\0${parent.range.end.offset}`;
    const pending = inserts.get(place) ?? { parent, entries: [], depth };
    const existing = pending.entries.find(([k]) => k === key);
    if (existing && JSON.stringify(existing[1]) !== JSON.stringify(value)) {
      giveUp(
        change,
        `${describePath(change)}: the object is shared with another container that needs a different value; set it by hand`,
        parent,
      );
      continue;
    }
    if (!existing) pending.entries.push([key, value]);
    inserts.set(place, pending);
  }

  for (const { parent, ...pending } of inserts.values()) {
    const range = parent.range;
    const text = range ? read(range.file) : undefined;
    if (!range || text === undefined) continue;
    edits.push(...withDepth(insertEntries(text, range.file, parent, pending.entries, pascal), pending.depth));
  }
  return { edits: joinInsertions(edits), manual };
}

/** Why `value` cannot be written where the constraint applies, or undefined when it fits. */
export function constraintMisfit(constraint: DefinitionConstraint, value: unknown): string | undefined {
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (constraint.number && (text === undefined || text.trim() === '' || !Number.isFinite(Number(text)))) {
    return `takes only numbers, and ${JSON.stringify(value)} is not one`;
  }
  if (constraint.allowedValues && (text === undefined || !constraint.allowedValues.includes(text))) {
    return `allows only ${constraint.allowedValues.map((v) => JSON.stringify(v)).join(', ')} (AllowedValues)`;
  }
  if (constraint.allowedPattern !== undefined) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(`^(?:${constraint.allowedPattern})$`, 'u');
    } catch {
      pattern = undefined;
    }
    if (text === undefined || !pattern?.test(text)) {
      return `must match its AllowedPattern ${JSON.stringify(constraint.allowedPattern)}${pattern ? '' : ', which ecsguard cannot read'}`;
    }
  }
  const bounds = constraint.bounds;
  if (bounds && text !== undefined) {
    // CloudFormation counts a String parameter's length in characters.
    const length = [...text].length;
    if (bounds.minLength !== undefined && length < bounds.minLength)
      return `must be at least ${bounds.minLength} characters long (MinLength)`;
    if (bounds.maxLength !== undefined && length > bounds.maxLength)
      return `must be at most ${bounds.maxLength} characters long (MaxLength)`;
    const number = Number(text);
    if (bounds.minValue !== undefined && !(number >= bounds.minValue)) return `must be at least ${bounds.minValue} (MinValue)`;
    if (bounds.maxValue !== undefined && !(number <= bounds.maxValue)) return `must be at most ${bounds.maxValue} (MaxValue)`;
  }
  if (constraint.validated) return 'has validation rules ecsguard does not evaluate';
  return undefined;
}

/** Template interpolation or a directive in the text of a value: Terraform `${…}`/`%{…}`, a placeholder. */
const INTERPOLATION = /\$\{|%\{/;

/** A path inside a `.terraform` folder: what `terraform init` downloads and rewrites. */
const DOWNLOADED_MODULE = /(^|[\\/])\.terraform[\\/]/;

/** The edits (fresh records) with the depth of their parent, set in place (a spread copy given a key is slow in V8 11). */
function withDepth(edits: TextEdit[], depth: number): Array<TextEdit & { depth: number }> {
  for (const edit of edits) (edit as TextEdit & { depth: number }).depth = depth;
  return edits as Array<TextEdit & { depth: number }>;
}

/**
 * A path into a list (`volumes.0.efsVolumeConfiguration.transitEncryption`):
 * the change as one on the list element, so the walk below only meets objects.
 * The element is found by position, as the check found it.
 */
function throughLists(root: ObjectNode, change: FieldChange): { root: ObjectNode | undefined; change: FieldChange } {
  const index = change.path.lastIndexOf(change.path.findLast((step) => /^\d+$/.test(step)) ?? '');
  if (index <= 0) return { root, change };
  const element = pathGet(
    root,
    change.path.slice(0, index + 1).map((step, i) => (i === index ? Number(step) : step)),
  );
  return { root: element?.kind === 'object' ? element : undefined, change: { ...change, path: change.path.slice(index + 1) } };
}

/**
 * `terraform show -json` output is generated: an edit there changes nothing that
 * Terraform applies and is lost at the next plan. Every change is manual and
 * points at the `.tf` resource the planned one came from, when it is known.
 */
function generatedPlan(taskDefinition: TaskDefinition, plan: FixPlan): PlanEdits {
  const declaredAt = taskDefinition.resource.declaredAt;
  const where = declaredAt ?? taskDefinition.range;
  const place = declaredAt
    ? `in the resource block at ${formatPosition(declaredAt)}`
    : `in the Terraform configuration of ${taskDefinition.resource.id}`;
  const manual: ManualFix[] = [];
  for (const change of plan.changes) {
    const container =
      change.container === undefined ? undefined : taskDefinition.containers.find((c) => c.index === change.container)?.name;
    const reason =
      `the Terraform plan is generated (terraform show -json), so it is not edited: ${describeChange(change)} ${place}, ` +
      `then plan again`;
    for (const checkId of change.checkIds.length ? change.checkIds : ['hardening']) {
      manual.push({ checkId, ...(container ? { container } : {}), reason, ...(where ? { where } : {}) });
    }
  }
  return { edits: [], manual };
}

/**
 * Insertions at the same offset (an item appended to `Drop:` and a key added
 * after `LinuxParameters:`, both at the end of the block) become one edit:
 * the deeper one first, so each lands inside its own parent.
 */
function joinInsertions(edits: Array<TextEdit & { depth?: number }>): TextEdit[] {
  const out: TextEdit[] = [];
  let byPoint: Map<string, Array<TextEdit & { depth?: number }>> | undefined;
  for (const edit of edits) {
    if (edit.start !== edit.end) {
      out.push({ file: edit.file, start: edit.start, end: edit.end, text: edit.text });
      continue;
    }
    const key = `${edit.file}\0${edit.start}`;
    const group = (byPoint ??= new Map<string, Array<TextEdit & { depth?: number }>>()).get(key);
    if (group) group.push(edit);
    else byPoint.set(key, [edit]);
  }
  for (const group of byPoint?.values() ?? []) {
    const first = group[0] as TextEdit;
    const text =
      group.length === 1
        ? first.text
        : // The same text at one point comes from one place read twice (a template's `%{ for }` body): once.
          [...new Set([...group].sort((a, b) => (b.depth ?? 0) - (a.depth ?? 0)).map((e) => e.text))].join('');
    out.push({ file: first.file, start: first.start, end: first.start, text });
  }
  return out;
}
