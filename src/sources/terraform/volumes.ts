import type { ObjectEntry, ValueNode } from '../../model/value.js';

/**
 * The aws_ecs_task_definition `volume` block's nested blocks that appear at
 * most once (MaxItems 1 in the provider schema). A plan keeps each as a list of
 * one object (`[{…}]`, `[]` when absent); the ECS API has one object.
 */
const SINGLE_NESTED: Record<string, readonly string[]> = {
  efsVolumeConfiguration: ['authorizationConfig'],
  dockerVolumeConfiguration: [],
  fsxWindowsFileServerVolumeConfiguration: ['authorizationConfig'],
};

/** `[x]` → x, `[]` → absent; anything else (unresolved, conditional) is kept as it is. */
function single(node: ValueNode): ValueNode | undefined {
  if (node.kind !== 'array') return node;
  return node.items.length === 0 ? undefined : node.items.length === 1 ? node.items[0] : node;
}

function unwrapNested(node: ValueNode, nested: readonly string[]): ValueNode {
  if (node.kind !== 'object' || nested.length === 0) return node;
  const entries: ObjectEntry[] = [];
  for (const e of node.entries) {
    const value = nested.includes(e.key) ? single(e.value) : e.value;
    if (value !== undefined) entries.push({ ...e, value });
  }
  return { ...node, entries };
}

/**
 * One Terraform volume in ECS API shape: the flat `host_path` argument becomes
 * `host.sourcePath` (the value keeps its position and syntax, so a fix edits
 * `host_path` in place), and single nested blocks are objects, not lists. Checks
 * then read every source the same way.
 */
function normalizeVolume(node: ValueNode): ValueNode {
  if (node.kind === 'conditional') return { ...node, whenTrue: normalizeVolume(node.whenTrue), whenFalse: normalizeVolume(node.whenFalse) };
  if (node.kind !== 'object') return node;
  const entries: ObjectEntry[] = [];
  for (const e of node.entries) {
    if (e.key === 'hostPath') {
      // An empty host_path is how a plan writes "no host path" (Docker volumes, EFS).
      if (e.value.kind === 'null' || (e.value.kind === 'string' && e.value.value === '')) continue;
      const sourcePath: ObjectEntry = {
        key: 'sourcePath',
        sourceKey: e.sourceKey,
        ...(e.keyRange ? { keyRange: e.keyRange } : {}),
        value: e.value,
      };
      entries.push({
        key: 'host',
        sourceKey: e.sourceKey,
        ...(e.keyRange ? { keyRange: e.keyRange } : {}),
        value: {
          kind: 'object',
          entries: [sourcePath],
          ...(e.value.range ? { range: e.value.range } : {}),
          ...(e.value.syntax ? { syntax: e.value.syntax } : {}),
        },
      });
      continue;
    }
    const nested = SINGLE_NESTED[e.key];
    if (nested) {
      const value = single(e.value);
      if (value !== undefined) entries.push({ ...e, value: unwrapNested(value, nested) });
      continue;
    }
    entries.push(e);
  }
  return { ...node, entries };
}

/** The `volumes` list (from `volume` blocks or a plan's `volume` attribute) in ECS API shape. */
export function normalizeVolumes(node: ValueNode): ValueNode {
  if (node.kind === 'array') return { ...node, items: node.items.map(normalizeVolume) };
  if (node.kind === 'conditional')
    return { ...node, whenTrue: normalizeVolumes(node.whenTrue), whenFalse: normalizeVolumes(node.whenFalse) };
  return node;
}
