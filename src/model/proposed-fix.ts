import type { SourceRange } from './location.js';
import type { ContainerDefinition } from './task-definition.js';
import type { ValueNode } from './value.js';

/**
 * Options a check's fix follows (ESLint's rule options): the CLI's `fix` flags
 * and their defaults. A plain scan proposes fixes with the defaults.
 */
export interface FixOptions {
  /** The non-root user written into containers; never root (the CLI rejects it). */
  user: string;
  /** `keep`: fix the users in host mode; `awsvpc`: leave host networking (AWS's recommended mode). */
  networkMode: 'keep' | 'awsvpc';
  /** Also propose drop-all-capabilities' fix when that check is not selected (`--drop-capabilities`). */
  dropCapabilities: boolean;
  /** Also propose readonly-root-filesystem's fix when that check is not selected (`--readonly-root`). */
  readonlyRoot: boolean;
}

export const DEFAULT_FIX_OPTIONS: FixOptions = Object.freeze({
  user: '1000:1000',
  networkMode: 'keep',
  dropCapabilities: false,
  readonlyRoot: false,
});

/** What a check receives besides the task definition. */
export interface CheckContext {
  fix: FixOptions;
  /**
   * False when nothing will read the violations' fixes (a scan whose reports print none): checks then build none.
   * Absent: true.
   */
  proposeFixes?: boolean;
}

export const DEFAULT_CHECK_CONTEXT: CheckContext = Object.freeze({ fix: DEFAULT_FIX_OPTIONS });

/**
 * `set` writes `value` over the field (creating it and its parents when absent);
 * `remove` deletes the field; `insert` appends the items of `value` to the list
 * (creating it when absent).
 */
export type ChangeOperation = 'set' | 'remove' | 'insert';

/** One change a check proposes, built while it holds the node. */
export interface ProposedChange {
  /** The container it applies to; absent for task-level fields. */
  container?: ContainerDefinition;
  /** ECS API (camelCase) keys below the container, or below the task definition. */
  path: string[];
  operation: ChangeOperation;
  /** set: the new value (plain JSON); insert: the items to append; remove: absent. */
  value?: unknown;
  /**
   * The node changed: a literal, or one failing branch of a conditional. Absent
   * when the field is missing.
   */
  current?: ValueNode;
}

/**
 * A proposed change as a finding keeps it: the container by position rather
 * than by reference, so a finding does not hold the definition's value tree.
 */
export interface FindingChange {
  /** The container's index in the model (`TaskDefinition.containers[i].index`); absent for task-level fields. */
  container?: number;
  /** Its position in `containerDefinitions` as written, and its name. */
  containerIndex?: number;
  containerName?: string;
  /** ECS API keys below the container, or below the task definition. */
  path: string[];
  operation: ChangeOperation;
  value?: unknown;
  current?: ValueNode;
}

/** A consequence of a fix the user must know about (ports, images, services). */
export interface FixWarning {
  checkId: string;
  container?: string;
  message: string;
}

/** Something the tool will not change by itself, with the reason and the place to change it. */
export interface ManualFix {
  checkId: string;
  container?: string;
  reason: string;
  where?: SourceRange;
}

/** What a check proposes for one violation; the engine adds the check id to the warnings and manual steps. */
export interface ProposedFix {
  changes: ProposedChange[];
  warnings: Array<Omit<FixWarning, 'checkId'>>;
  manual: Array<Omit<ManualFix, 'checkId'>>;
}

/** A text replacement in a source file (offsets are UTF-16 indexes, lines and columns 1-based). */
export interface FileEdit {
  file: string;
  start: number;
  end: number;
  text: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A finding's fix: the checks' proposals with the finding's check id, and, for files, the text edits. */
export interface FindingFix {
  /** The options the changes follow (the --user written, the network mode chosen). */
  options: FixOptions;
  changes: FindingChange[];
  warnings: FixWarning[];
  manual: ManualFix[];
  /** The edits `ecsguard fix` would make for this finding alone; set for file findings with a position. */
  edits?: FileEdit[];
}

export const emptyFix = (): ProposedFix => ({ changes: [], warnings: [], manual: [] });

export function mergeFixes(...fixes: Array<ProposedFix | undefined>): ProposedFix {
  const out = emptyFix();
  for (const fix of fixes) {
    if (!fix) continue;
    out.changes.push(...fix.changes);
    out.warnings.push(...fix.warnings);
    out.manual.push(...fix.manual);
  }
  return out;
}

export function findingChange(change: ProposedChange): FindingChange {
  const { container } = change;
  const out: Record<string, unknown> = container
    ? { container: container.index, containerIndex: container.sourceIndex, containerName: container.name }
    : {};
  // The change's other fields in their order, as `{ ...rest }` would copy them (an object rest is slow in V8, and
  // this runs for every change of every finding).
  for (const key in change) {
    if (key === 'container' || !Object.hasOwn(change, key)) continue;
    out[key] = key === 'path' ? [...change.path] : change[key as keyof ProposedChange];
  }
  return out as unknown as FindingChange;
}

/** The change's path from the task definition root, e.g. ['containerDefinitions', '2', 'user']. */
export function absoluteChangePath(change: Pick<FindingChange, 'containerIndex' | 'path'>): string[] {
  return change.containerIndex !== undefined ? ['containerDefinitions', String(change.containerIndex), ...change.path] : [...change.path];
}
