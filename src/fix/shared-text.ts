import { type SourceRange, endOffsetOf, formatPosition, startOffsetOf } from '../model/location.js';
import type { TaskDefinition } from '../model/task-definition.js';
import type { ValueNode } from '../model/value.js';
import { absolutePath, formatPath } from './field-path.js';
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
  const places = planned.map(({ taskDefinition }) => placesOf(taskDefinition.body));
  places.forEach(({ byRange }, owner) => {
    // Every node, not only containers: an alias may read another definition's anchored value in any field.
    for (const { range } of byRange.values()) {
      const spans = spansByFile.get(range.file) ?? [];
      spans.push({ owner, file: range.file, start: startOffsetOf(range), end: endOffsetOf(range) });
      spansByFile.set(range.file, spans);
    }
  });
  const plannedBy = planned.map(({ edits }) => new Set(edits.map(editKey)));
  return planned.map(({ taskDefinition, changes, edits }, owner) => {
    const within = sharedWithin(taskDefinition, places[owner] as TreePlaces, changes, edits);
    if (within) {
      return changes.flatMap((change) =>
        (change.checkIds.length ? change.checkIds : ['hardening']).map((checkId) => ({
          checkId,
          reason:
            `${change.path.join('.')}: the text to edit is also ${within} in this task definition (${sharedTextHow(taskDefinition)}), ` +
            'which would change too and does not need this: give each its own value, then run fix again',
          ...(taskDefinition.range ? { where: taskDefinition.range } : {}),
        })),
      );
    }
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

const rangeKey = (range: SourceRange) => `${range.file}\0${startOffsetOf(range)}\0${endOffsetOf(range)}`;

/** Where a task definition's text is read, from one walk of its tree. */
interface TreePlaces {
  /** Each range a node has, with the paths of the nodes that have it (an alias's copy has the anchor's range). */
  byRange: Map<string, { range: SourceRange; paths: string[][] }>;
  /** Mappings by the keys written in them. */
  mappingOfKey: Map<string, SourceRange>;
  /**
   * Mappings that merge others (`<<: *base`), with the merged entries' keys: a key inserted into a merged mapping is
   * added to every mapping that merges it.
   */
  mergers: Array<{ path: string[]; keys: SourceRange[] }>;
}

function placesOf(body: ValueNode): TreePlaces {
  const places: TreePlaces = { byRange: new Map(), mappingOfKey: new Map(), mergers: [] };
  const visit = (node: ValueNode, path: string[]): void => {
    if (node.range) {
      const key = rangeKey(node.range);
      const held = places.byRange.get(key);
      if (held) held.paths.push(path);
      else places.byRange.set(key, { range: node.range, paths: [path] });
    }
    if (node.kind === 'object') {
      const merged: SourceRange[] = [];
      for (const e of node.entries) {
        if (e.keyRange && e.merged) merged.push(e.keyRange);
        else if (e.keyRange && node.range) places.mappingOfKey.set(rangeKey(e.keyRange), node.range);
        visit(e.value, [...path, e.key]);
      }
      if (merged.length) places.mergers.push({ path, keys: merged });
    } else if (node.kind === 'array') {
      node.items.forEach((item, i) => {
        visit(item, [...path, String(i)]);
      });
    }
  };
  visit(body, []);
  return places;
}

/**
 * Text written once and read at two places of one task definition (an anchored value and its alias: `user: &u "0"`
 * and `value: *u` in `environment`): both nodes carry the anchor's range. An edit inside it is safe only when the
 * change made at one place is made at the other too (two containers from one anchored mapping, both fixed alike).
 * Returns the first other place that would change without needing it (as a field path), or undefined.
 */
function sharedWithin(
  taskDefinition: TaskDefinition,
  { byRange, mappingOfKey, mergers }: TreePlaces,
  changes: readonly FieldChange[],
  edits: readonly TextEdit[],
): string | undefined {
  for (const merger of mergers) {
    for (const key of merger.keys) {
      const source = mappingOfKey.get(rangeKey(key));
      if (!source) continue;
      const [from, to] = [startOffsetOf(source), endOffsetOf(source)];
      if (edits.some((e) => e.start === e.end && e.file === source.file && e.start >= from && e.start <= to))
        return formatPath(merger.path);
    }
  }
  const made = new Set(changes.map((c) => `${absolutePath(taskDefinition, c).join('.')}\0${JSON.stringify(c.value)}`));
  const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((step, i) => path[i] === step);
  for (const { range, paths: places } of byRange.values()) {
    if (places.length < 2) continue;
    const [start, end] = [startOffsetOf(range), endOffsetOf(range)];
    if (!edits.some((e) => e.file === range.file && e.start >= start && e.end <= end)) continue;
    for (const change of changes) {
      const path = absolutePath(taskDefinition, change);
      const from = places.find((place) => startsWith(path, place));
      if (!from) continue;
      const rest = path.slice(from.length);
      for (const place of places) {
        if (place === from || startsWith(place, from) || startsWith(from, place)) continue;
        if (!made.has(`${[...place, ...rest].join('.')}\0${JSON.stringify(change.value)}`)) return formatPath(place);
      }
    }
  }
  return undefined;
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

/** How one text comes to be read at two places of a definition, in its source's terms. */
function sharedTextHow(taskDefinition: TaskDefinition): string {
  const file = taskDefinition.resource.kind === 'file' ? taskDefinition.resource.source : undefined;
  return file === 'terraform' || file === 'terraform-plan'
    ? 'a local, variable or object that both read'
    : 'a YAML anchor and its alias or merge key';
}
