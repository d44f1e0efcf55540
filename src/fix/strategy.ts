import { judgeOsFamily, judgePrivileged, judgeRootUser } from '../checks/support/judgements.js';
import { type Finding, findingPlaces } from '../model/finding.js';
import type { SourceRange } from '../model/location.js';
import { type ContainerDefinition, type TaskDefinition, containerForField } from '../model/task-definition.js';
import { type ValueNode, type Variant, field, pathGet, toPlain, variants } from '../model/value.js';
import { hardeningWarnings, networkModeWarnings, privilegedWarnings, userWarnings } from './warnings.js';

export interface FixOptions {
  /** The non-root user written into containers; never root (the CLI rejects it). */
  user: string;
  /** `keep`: fix the users in host mode; `awsvpc`: leave host networking (AWS's recommended mode). */
  networkMode: 'keep' | 'awsvpc';
  /** Optional hardening: `linuxParameters.capabilities.drop` contains "ALL" in every container. */
  dropCapabilities: boolean;
  /** Optional hardening: `readonlyRootFilesystem: true` in every container. */
  readonlyRoot: boolean;
}

export const DEFAULT_FIX_OPTIONS: FixOptions = Object.freeze({
  user: '1000:1000',
  networkMode: 'keep',
  dropCapabilities: false,
  readonlyRoot: false,
});

/** One field to set; `container` is an index into taskDefinition.containers, absent for task-level fields. */
export interface FieldChange {
  container?: number;
  /** ECS API (camelCase) keys below the container (or the task definition). */
  path: string[];
  /** Plain JSON. For an array that already exists, the full new list (existing entries first). */
  value: unknown;
  /**
   * The node written now: a literal, or one branch of a conditional (only the
   * failing branch is replaced). Absent when the field is missing.
   */
  current?: ValueNode;
  /** The checks this change resolves; empty for optional hardening. */
  checkIds: string[];
}

/** Something the tool will not change by itself, with the reason and the place to change it. */
export interface ManualFix {
  checkId: string;
  container?: string;
  reason: string;
  where?: SourceRange;
}

/** A consequence of a fix the user must know about (ports, images, services). */
export interface FixWarning {
  checkId: string;
  container?: string;
  message: string;
}

export interface FixPlan {
  changes: FieldChange[];
  warnings: FixWarning[];
  manual: ManualFix[];
}

/** The check ids ecsguard remediates; `drop-capabilities` and `readonly-root` name the hardening options. */
export const HARDENING_DROP_CAPABILITIES = 'drop-capabilities';
export const HARDENING_READONLY_ROOT = 'readonly-root';

const CONTAINER_FIELD = /^containerDefinitions\[(\d+)\]\.(.+)$/;

/** `containerDefinitions[N]` is the index as written; the name and location pick the branch of a conditional element. */
const hintOf = (finding: Finding) => ({
  ...(finding.container !== undefined ? { name: finding.container } : {}),
  ...(finding.location ? { location: finding.location } : {}),
});

type Concrete = Variant['node'];

/**
 * Plans the field changes that resolve `findings` on one task definition. Pure
 * and source-agnostic: the file editors and the account fixer both apply it.
 * `privileged` is set to false rather than removed: a one-token change that
 * keeps the key visible, and what the Security Hub ECS.4 remediation shows.
 */
export function planFixes(taskDefinition: TaskDefinition, findings: Finding[], options: FixOptions): FixPlan {
  const builder = new PlanBuilder(taskDefinition, options);
  // A finding merged from both branches of a conditional container list is fixed in every branch.
  for (const finding of findings.flatMap(findingPlaces)) {
    if (finding.status === 'FAIL') builder.fixFailure(finding);
    else if (finding.status === 'UNKNOWN') builder.unresolved(finding);
  }
  builder.harden();
  return builder.build();
}

/** Where a change would go, or why it cannot be made automatically. */
type Target = { current?: ValueNode } | { manual: string };

/**
 * The nodes to overwrite so that no variant of `node` fails: the node itself,
 * or only the failing branches of a conditional. A branch where the field is
 * absent cannot be written to, so that is manual.
 */
function targetsFor(node: ValueNode | undefined, fails: (value: Concrete) => boolean, value: unknown): Target[] {
  if (node === undefined || node.kind !== 'conditional') return fails(node as Concrete) ? [node ? { current: node } : {}] : [];
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

class PlanBuilder {
  private readonly changes = new Map<string, FieldChange>();
  private readonly warnings: FixWarning[] = [];
  private readonly manual: ManualFix[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly td: TaskDefinition,
    private readonly options: FixOptions,
  ) {}

  fixFailure(finding: Finding): void {
    const container = this.containerOf(finding);
    const awsvpc = this.options.networkMode === 'awsvpc';
    switch (finding.checkId) {
      case 'no-host-network':
        if (awsvpc) this.switchToAwsvpc(finding);
        else {
          this.addManual(finding, undefined, 'host network mode kept; pass --network-mode awsvpc to switch', finding.location);
        }
        return;
      case 'no-privileged-containers':
        if (container) this.fixPrivileged(finding, container);
        else this.cannotPlace(finding);
        return;
      case 'no-root-user':
        if (container) this.fixUser(finding, container, 'fails');
        else this.cannotPlace(finding);
        return;
      case 'host-network-nonroot-user':
        if (awsvpc) this.switchToAwsvpc(finding);
        else if (container) this.fixUser(finding, container, 'fails');
        else this.cannotPlace(finding);
        return;
      case 'host-network-no-privilege':
        if (awsvpc) this.switchToAwsvpc(finding);
        else if (container) {
          this.fixPrivileged(finding, container);
          this.fixUser(finding, container, 'passes');
        } else this.cannotPlace(finding);
        return;
      default:
        this.addManual(finding, finding.container, `ecsguard has no automatic fix for ${finding.checkId}: ${finding.remediation}`, finding.location);
    }
  }

  /** UNKNOWN: the value is an expression; say which, and where to set it. */
  unresolved(finding: Finding): void {
    const advice: Record<string, string> = {
      privileged: 'make it false',
      user: `make it a non-root user such as ${JSON.stringify(this.options.user)}`,
      networkMode: 'make it a mode other than host (awsvpc is recommended)',
      'runtimePlatform.operatingSystemFamily': 'make it a literal value',
      containerDefinitions: 'make the list literal so it can be checked',
    };
    const key = this.fieldKey(finding.field);
    const node = this.nodeAt(finding.field, finding);
    const expression = node?.kind === 'unresolved' ? node.expression : undefined;
    const where = node?.origin?.range ?? node?.range ?? finding.location;
    const head = expression ? `${expression} cannot be resolved` : 'the value cannot be resolved';
    const reason = `${head} (${finding.message}); ${advice[key] ?? 'make it a literal value'} where it is defined`;
    this.addManual(finding, finding.container, reason, where);
  }

  harden(): void {
    for (const container of this.td.containers) {
      if (this.options.dropCapabilities) this.dropAll(container);
      if (this.options.readonlyRoot) this.readonlyRoot(container);
    }
  }

  build(): FixPlan {
    const changes = [...this.changes.values()].sort(
      (a, b) => (a.container ?? -1) - (b.container ?? -1) || a.path.join('.').localeCompare(b.path.join('.')),
    );
    return { changes, warnings: this.warnings, manual: this.manual };
  }

  private fixPrivileged(finding: Finding, container: ContainerDefinition): void {
    const node = field(container.node, 'privileged');
    const targets = targetsFor(node, (v) => judgePrivileged(v).value === true, false);
    this.apply(finding, container, ['privileged'], false, targets);
    if (targets.some((t) => !('manual' in t))) this.warn(privilegedWarnings(this.td, container, finding.checkId));
  }

  private fixUser(finding: Finding, container: ContainerDefinition, missing: 'fails' | 'passes'): void {
    const osFamilies = variants(this.td.operatingSystemFamily).map((v) => judgeOsFamily(v.node));
    if (osFamilies.some((os) => os !== 'linux')) {
      const failsAsRoot = variants(field(container.node, 'user')).some(
        (v) => judgeRootUser(v.node, 'windows', missing).value === true,
      );
      if (failsAsRoot || finding.field === 'runtimePlatform.operatingSystemFamily') {
        this.addManual(
          finding,
          container.name,
          'Windows containers: set user to a non-administrator account (for example ContainerUser); ecsguard does not choose one',
          finding.location,
        );
      }
      return;
    }
    const node = field(container.node, 'user');
    const targets = targetsFor(node, (v) => judgeRootUser(v, 'linux', missing).value === true, this.options.user);
    this.apply(finding, container, ['user'], this.options.user, targets);
    if (targets.some((t) => !('manual' in t))) this.warn(userWarnings(container, this.options.user, finding.checkId));
  }

  private switchToAwsvpc(finding: Finding): void {
    const node = this.td.networkMode;
    const targets = targetsFor(node, (v) => v?.kind === 'string' && v.value.toLowerCase() === 'host', 'awsvpc');
    if (targets.length === 0 && node?.kind === 'unresolved') {
      this.addManual(finding, undefined, `networkMode is ${node.expression}, which cannot be resolved; make it awsvpc where it is defined`, node.range);
      return;
    }
    this.apply(finding, undefined, ['networkMode'], 'awsvpc', targets);
    if (targets.some((t) => !('manual' in t))) this.warn(networkModeWarnings(this.td, 'no-host-network'));
  }

  private dropAll(container: ContainerDefinition): void {
    const path = ['linuxParameters', 'capabilities', 'drop'];
    const blocking = this.blockingNode(container.node, path);
    if (blocking) {
      this.addHardeningManual(HARDENING_DROP_CAPABILITIES, container, blocking, 'linuxParameters.capabilities.drop');
      return;
    }
    const current = pathGet(container.node, path);
    const existing = current?.kind === 'array' ? current.items : undefined;
    if (existing?.some((item) => item.kind === 'string' && item.value.toUpperCase() === 'ALL')) return;
    if (current !== undefined && current.kind !== 'array' && current.kind !== 'null') {
      this.addHardeningManual(HARDENING_DROP_CAPABILITIES, container, current, 'linuxParameters.capabilities.drop');
      return;
    }
    if (existing?.some((item) => toPlain(item) === undefined)) {
      this.addHardeningManual(HARDENING_DROP_CAPABILITIES, container, current as ValueNode, 'linuxParameters.capabilities.drop');
      return;
    }
    const value = [...(existing ?? []).map(toPlain), 'ALL'];
    this.add({ container: container.index, path, value, ...(current ? { current } : {}), checkIds: [] });
    this.warn(hardeningWarnings(container, HARDENING_DROP_CAPABILITIES));
  }

  private readonlyRoot(container: ContainerDefinition): void {
    const node = field(container.node, 'readonlyRootFilesystem');
    const targets = targetsFor(node, (v) => !(v?.kind === 'boolean' && v.value) && !(v?.kind === 'string' && v.value.toLowerCase() === 'true'), true);
    for (const target of targets) {
      if ('manual' in target || target.current?.kind === 'unresolved') {
        this.addHardeningManual(HARDENING_READONLY_ROOT, container, node as ValueNode, 'readonlyRootFilesystem');
        return;
      }
    }
    for (const target of targets) {
      this.add({ container: container.index, path: ['readonlyRootFilesystem'], value: true, ...target, checkIds: [] } as FieldChange);
    }
    if (targets.length) this.warn(hardeningWarnings(container, HARDENING_READONLY_ROOT));
  }

  /** A node on the way to `path` that is not an object (an expression, a conditional): nothing can be inserted into it. */
  private blockingNode(start: ValueNode, path: string[]): ValueNode | undefined {
    let node: ValueNode | undefined = start;
    for (const key of path.slice(0, -1)) {
      node = field(node, key);
      if (node === undefined || node.kind === 'null') return undefined;
      if (node.kind !== 'object') return node;
    }
    const last = field(node, path[path.length - 1] ?? '');
    return last && (last.kind === 'unresolved' || last.kind === 'conditional') ? last : undefined;
  }

  private apply(finding: Finding, container: ContainerDefinition | undefined, path: string[], value: unknown, targets: Target[]): void {
    for (const target of targets) {
      if ('manual' in target) {
        this.addManual(finding, container?.name, `${path.join('.')}: ${target.manual}, so it cannot be set there; set it to ${JSON.stringify(value)} by hand`, finding.location);
        continue;
      }
      this.add({
        ...(container ? { container: container.index } : {}),
        path,
        value,
        ...(target.current ? { current: target.current } : {}),
        checkIds: [finding.checkId],
      });
    }
  }

  /** Merges changes to the same place, so two checks asking for the same user make one edit. */
  private add(change: FieldChange): void {
    const at = change.current?.range ? `${change.current.range.file}:${change.current.range.start.offset}` : change.current ? 'node' : 'absent';
    const key = `${change.container ?? '-'}|${change.path.join('.')}|${at}`;
    const existing = this.changes.get(key);
    if (!existing) {
      this.changes.set(key, { ...change, checkIds: [...change.checkIds] });
      return;
    }
    for (const id of change.checkIds) if (!existing.checkIds.includes(id)) existing.checkIds.push(id);
  }

  private addManual(finding: Finding, container: string | undefined, reason: string, where: SourceRange | undefined): void {
    const key = `${finding.checkId}|${container ?? ''}|${reason}`;
    if (this.warned.has(`manual:${key}`)) return;
    this.warned.add(`manual:${key}`);
    this.manual.push({ checkId: finding.checkId, ...(container ? { container } : {}), reason, ...(where ? { where } : {}) });
  }

  private addHardeningManual(checkId: string, container: ContainerDefinition, node: ValueNode, path: string): void {
    const what = node.kind === 'unresolved' ? node.expression : node.kind === 'conditional' ? `a condition on ${node.condition}` : `a ${node.kind}`;
    this.manual.push({
      checkId,
      container: container.name,
      reason: `${path} is ${what}, which ecsguard cannot edit safely; set it by hand`,
      ...(node.range ? { where: node.range } : {}),
    });
  }

  private warn(warnings: FixWarning[]): void {
    for (const w of warnings) {
      const key = `${w.container ?? ''}|${w.message}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      this.warnings.push(w);
    }
  }

  private cannotPlace(finding: Finding): void {
    this.addManual(finding, finding.container, `cannot tell which container ${finding.field ?? ''} belongs to; ${finding.remediation}`, finding.location);
  }

  private containerOf(finding: Finding): ContainerDefinition | undefined {
    const match = CONTAINER_FIELD.exec(finding.field ?? '');
    if (match) return containerForField(this.td, Number(match[1]), hintOf(finding));
    return finding.container === undefined ? undefined : this.td.containers.find((c) => c.name === finding.container);
  }

  private fieldKey(fieldPath: string | undefined): string {
    const match = CONTAINER_FIELD.exec(fieldPath ?? '');
    return match ? (match[2] ?? '') : (fieldPath ?? '');
  }

  private nodeAt(fieldPath: string | undefined, finding: Finding): ValueNode | undefined {
    if (fieldPath === undefined) return undefined;
    const match = CONTAINER_FIELD.exec(fieldPath);
    if (match) return pathGet(containerForField(this.td, Number(match[1]), hintOf(finding))?.node, (match[2] ?? '').split('.'));
    if (fieldPath === 'containerDefinitions') return this.td.unresolvedContainers;
    return pathGet(this.td.body, fieldPath.split('.'));
  }
}
