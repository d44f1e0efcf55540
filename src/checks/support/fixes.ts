/**
 * Building blocks for the fixes checks carry (ESLint's fixer model): each one
 * returns the changes that make a failing value pass, computed while the check
 * holds the nodes, plus their warnings and what cannot be changed safely.
 */
import { type CheckContext, type ProposedChange, type ProposedFix, emptyFix } from '../../model/proposed-fix.js';
import type { ContainerDefinition, TaskDefinition } from '../../model/task-definition.js';
import { type ValueNode, type Variant, field, toPlain, variants } from '../../model/value.js';
import { networkModeWarnings, privilegedWarnings, userWarnings } from './fix-warnings.js';
import { judgeOsFamily, judgePrivileged, judgeRootUser } from './judgements.js';

type Concrete = Variant['node'];

/** Whether the check builds its violations' fixes (see CheckContext.proposeFixes). */
export const proposesFixes = (context: CheckContext | undefined): boolean => context?.proposeFixes !== false;

/** Where a change would go, or why it cannot be made automatically. */
type Target = { current?: ValueNode } | { manual: string };

/** The target of a field that is absent (read only). */
const NO_CURRENT: Target = Object.freeze({});

/**
 * The nodes to overwrite so that no variant of `node` fails: the node itself,
 * or only the failing branches of a conditional. A branch where the field is
 * absent cannot be written to, so that is manual.
 */
export function targetsFor(node: ValueNode | undefined, fails: (value: Concrete) => boolean, value: unknown): Target[] {
  if (node === undefined || node.kind !== 'conditional') return fails(node) ? [node ? { current: node } : NO_CURRENT] : [];
  const all = variants(node);
  const failing = all.filter((v) => fails(v.node));
  if (failing.length === 0) return [];
  // `!If [C, true, false]` becomes `false`, not `!If [C, false, false]`.
  if (all.every((v) => fails(v.node) || (v.node !== undefined && toPlain(v.node) === value))) return [{ current: node }];
  const seen = new Set<ValueNode>();
  const targets: Target[] = [];
  for (const v of failing) {
    if (v.node === undefined || v.node.kind === 'null') {
      targets.push({ manual: `the field is absent when ${v.assumptions.map((a) => `${a.condition} is ${a.outcome}`).join(' and ')}` });
    } else if (!seen.has(v.node)) {
      seen.add(v.node);
      targets.push({ current: v.node });
    }
  }
  return targets;
}

/** Sets `path` to `value` wherever a variant of `node` (the value at `path`) fails. */
export function setWhereFailing(
  container: ContainerDefinition | undefined,
  path: string[],
  node: ValueNode | undefined,
  fails: (value: Concrete) => boolean,
  value: unknown,
): ProposedFix {
  const fix = emptyFix();
  // Records built key by key in their order (an object spread first and then given keys is slow in V8 11, and this
  // runs for every failing container).
  for (const target of targetsFor(node, fails, value)) {
    if ('manual' in target) {
      const reason = `${path.join('.')}: ${target.manual}, so it cannot be set there; set it to ${JSON.stringify(value)} by hand`;
      fix.manual.push(container ? { container: container.name, reason } : { reason });
      continue;
    }
    const change: ProposedChange = container ? { container, path, operation: 'set', value } : { path, operation: 'set', value };
    if (target.current) change.current = target.current;
    fix.changes.push(change);
  }
  return fix;
}

/** A value ecsguard will not write into (an expression, a condition, a value of another type). */
export function cannotEdit(container: ContainerDefinition | undefined, node: ValueNode, path: string): ProposedFix {
  const what =
    node.kind === 'unresolved' ? node.expression : node.kind === 'conditional' ? `a condition on ${node.condition}` : `a ${node.kind}`;
  const reason = `${path} is ${what}, which ecsguard cannot edit safely; set it by hand`;
  const manual: ProposedFix['manual'][number] = container ? { container: container.name, reason } : { reason };
  if (node.range) manual.where = node.range;
  return { changes: [], warnings: [], manual: [manual] };
}

/**
 * A node on the way to `path` that is not an object (an expression, a
 * conditional): nothing can be inserted into it. The last step counts when it
 * is an expression or a conditional.
 */
export function blockingNode(start: ValueNode, path: readonly string[]): ValueNode | undefined {
  let node: ValueNode | undefined = start;
  for (const key of path.slice(0, -1)) {
    node = field(node, key);
    if (node === undefined || node.kind === 'null') return undefined;
    if (node.kind !== 'object') return node;
  }
  const last = field(node, path[path.length - 1] ?? '');
  return last && (last.kind === 'unresolved' || last.kind === 'conditional') ? last : undefined;
}

/**
 * `privileged` is set to false rather than removed: a one-token change that
 * keeps the key visible, and what the Security Hub ECS.4 remediation shows.
 */
export function privilegedFix(taskDefinition: TaskDefinition, container: ContainerDefinition): ProposedFix {
  const fix = setWhereFailing(
    container,
    ['privileged'],
    field(container.node, 'privileged'),
    (v) => judgePrivileged(v).value === true,
    false,
  );
  if (fix.changes.length) fix.warnings.push(...privilegedWarnings(taskDefinition, container));
  return fix;
}

/**
 * Writes the `user` option where the container runs as root. `missing` says
 * whether an absent user fails (no-root-user) or passes (the host-mode check
 * that reads it as CIS does). Windows: no uid to choose, so manual.
 */
export function userFix(
  taskDefinition: TaskDefinition,
  container: ContainerDefinition,
  missing: 'fails' | 'passes',
  user: string,
  decidedByOs: boolean,
): ProposedFix {
  const osFamilies = variants(taskDefinition.operatingSystemFamily).map((v) => judgeOsFamily(v.node));
  if (osFamilies.some((os) => os !== 'linux')) {
    const failsAsRoot = variants(field(container.node, 'user')).some((v) => judgeRootUser(v.node, 'windows', missing).value === true);
    if (!failsAsRoot && !decidedByOs) return emptyFix();
    return {
      changes: [],
      warnings: [],
      manual: [
        {
          container: container.name,
          reason: 'Windows containers: set user to a non-administrator account (for example ContainerUser); ecsguard does not choose one',
        },
      ],
    };
  }
  const fix = setWhereFailing(
    container,
    ['user'],
    field(container.node, 'user'),
    (v) => judgeRootUser(v, 'linux', missing).value === true,
    user,
  );
  if (fix.changes.length) fix.warnings.push(...userWarnings(container, user));
  return fix;
}

/** Switches a host-mode task to awsvpc (`--network-mode awsvpc`). */
export function networkModeFix(taskDefinition: TaskDefinition): ProposedFix {
  const node = taskDefinition.networkMode;
  const isHost = (v: Concrete) => v?.kind === 'string' && v.value.toLowerCase() === 'host';
  if (targetsFor(node, isHost, 'awsvpc').length === 0 && node?.kind === 'unresolved') {
    return {
      changes: [],
      warnings: [],
      manual: [
        {
          reason: `networkMode is ${node.expression}, which cannot be resolved; make it awsvpc where it is defined`,
          ...(node.range ? { where: node.range } : {}),
        },
      ],
    };
  }
  const fix = setWhereFailing(undefined, ['networkMode'], node, isHost, 'awsvpc');
  if (fix.changes.length) fix.warnings.push(...networkModeWarnings(taskDefinition));
  return fix;
}

/** Host networking kept (`--network-mode keep`): nothing to write, and why. */
export function hostNetworkKept(): ProposedFix {
  return { changes: [], warnings: [], manual: [{ reason: 'host network mode kept; pass --network-mode awsvpc to switch' }] };
}

/**
 * Removes a task-level field that fails as written (`pidMode: host`). A
 * conditional value is manual: removing the key would change the other branch too.
 */
export function removeTaskField(taskDefinition: TaskDefinition, key: string, warning: string): ProposedFix {
  const node = field(taskDefinition.body, key);
  if (node === undefined) return emptyFix();
  if (node.kind === 'conditional' || node.kind === 'unresolved') return cannotEdit(undefined, node, key);
  return { changes: [{ path: [key], operation: 'remove', current: node }], warnings: [{ message: warning }], manual: [] };
}
