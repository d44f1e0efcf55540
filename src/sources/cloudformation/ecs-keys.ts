import type { ValueNode } from '../../model/value.js';

/** CloudFormation property names whose ECS API name is not just the first letter lowered. */
const IRREGULAR: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
  IAM: 'iam',
  ProxyConfigurationProperties: 'properties',
};

/**
 * Properties whose value is a map of the user's own keys (Docker options,
 * labels): those keys are data, not property names, and stay as written.
 */
const USER_MAPS = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels']);

export function ecsKeyName(cloudFormationName: string): string {
  return IRREGULAR[cloudFormationName] ?? cloudFormationName.charAt(0).toLowerCase() + cloudFormationName.slice(1);
}

/**
 * Renames TaskDefinition property keys to ECS API names (`ContainerDefinitions`
 * → `containerDefinitions`) through objects, lists and both branches of
 * conditionals; `sourceKey` keeps the key as written.
 */
export function toEcsKeys(node: ValueNode): ValueNode {
  switch (node.kind) {
    case 'object':
      return {
        ...node,
        entries: node.entries.map((e) => ({
          ...e,
          key: ecsKeyName(e.key),
          value: USER_MAPS.has(e.key) ? e.value : toEcsKeys(e.value),
        })),
      };
    case 'array':
      return { ...node, items: node.items.map(toEcsKeys) };
    case 'conditional':
      return { ...node, whenTrue: toEcsKeys(node.whenTrue), whenFalse: toEcsKeys(node.whenFalse) };
    default:
      return node;
  }
}
