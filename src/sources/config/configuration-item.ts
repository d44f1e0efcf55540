import type { ScanError } from '../../model/finding.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { type ObjectNode, type ValueNode, fromPlain } from '../../model/value.js';
import { parseTaskDefinitionArn } from '../aws/arn.js';
import { ecsKeyName } from '../cloudformation/ecs-keys.js';
import type { SourceDefinition } from '../source.js';

/**
 * An AWS Config configuration item for AWS::ECS::TaskDefinition, in any of the
 * shapes AWS delivers it: an advanced-query row (SelectAggregateResourceConfig,
 * `tags` a list of {key, value}), the item of a ConfigurationItemChangeNotification
 * (`tags` a map) or of GetResourceConfigHistory (`configuration` a JSON string).
 */
export interface ConfigurationItem {
  accountId?: string;
  awsRegion?: string;
  arn?: string;
  resourceId?: string;
  resourceName?: string;
  resourceType?: string;
  configurationItemStatus?: string;
  configurationItemCaptureTime?: string | number;
  configuration?: unknown;
  tags?: Record<string, string> | Array<{ key?: string; value?: string }>;
}

export const TASK_DEFINITION_RESOURCE_TYPE = 'AWS::ECS::TaskDefinition';

/** Statuses of an item that describes no current resource: nothing to evaluate. */
const GONE = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded']);

/** Keys under these hold the user's own names (Docker labels, driver and log options): kept as written. */
const USER_MAPS = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels']);

export type MappedItem =
  | { kind: 'definition'; definition: SourceDefinition }
  | { kind: 'deleted'; resource: ResourceRef }
  | { kind: 'error'; error: ScanError; resource?: ResourceRef };

/**
 * The configuration item as the model's task definition. Config records task
 * definitions through their CloudFormation schema: `configuration` uses
 * PascalCase property names (`ContainerDefinitions[].Privileged`, `User`,
 * `NetworkMode`, `PidMode`) where DescribeTaskDefinition uses camelCase, and
 * the tags live on the item, not in `configuration`. Keys are mapped as the
 * CloudFormation source maps them (first letter lowered, `EFSVolumeConfiguration`
 * and the like by name), user maps keep their keys, and the item's tags become
 * the body's `tags` ([{key, value}]).
 */
export function mapConfigurationItem(item: ConfigurationItem): MappedItem {
  const read = readConfigurationItem(item);
  if (read.kind !== 'definition') return read;
  return { kind: 'definition', definition: { resource: read.resource, body: bodyFor(read.configuration, item.tags) } };
}

/** What an item is, without mapping its configuration: enough to pick the latest revision per family. */
export type ReadItem =
  | { kind: 'definition'; resource: ResourceRef; configuration: Record<string, unknown> }
  | { kind: 'deleted'; resource: ResourceRef }
  | { kind: 'error'; error: ScanError; resource?: ResourceRef };

export function readConfigurationItem(item: ConfigurationItem): ReadItem {
  let configuration = item.configuration;
  const arn = arnOf(item, configuration);
  const resource = arn ? resourceFor(arn, item) : undefined;
  const where = { ...(item.awsRegion ? { region: item.awsRegion } : {}), ...(arn ? { resource: arn } : {}) };
  if (item.resourceType !== undefined && item.resourceType !== TASK_DEFINITION_RESOURCE_TYPE) {
    return {
      kind: 'error',
      error: { message: `configuration item is a ${item.resourceType}, not an ${TASK_DEFINITION_RESOURCE_TYPE}`, ...where },
    };
  }
  if (GONE.has(item.configurationItemStatus ?? '')) {
    return resource
      ? { kind: 'deleted', resource }
      : { kind: 'error', error: { message: `configuration item (${item.configurationItemStatus}) names no task definition`, ...where } };
  }
  if (typeof configuration === 'string') {
    try {
      configuration = JSON.parse(configuration) as unknown;
    } catch {
      return {
        kind: 'error',
        error: { message: "the configuration item's configuration is not valid JSON", ...where },
        ...(resource ? { resource } : {}),
      };
    }
  }
  if (!resource)
    return {
      kind: 'error',
      error: { message: 'configuration item without a task definition ARN (resourceId, arn or configuration.TaskDefinitionArn)', ...where },
    };
  if (configuration === null || typeof configuration !== 'object' || Array.isArray(configuration)) {
    return {
      kind: 'error',
      error: { message: `configuration item has no configuration (status ${item.configurationItemStatus ?? 'unknown'})`, ...where },
      resource,
    };
  }
  return { kind: 'definition', resource, configuration: configuration as Record<string, unknown> };
}

/**
 * The model's body: the configuration's keys as ECS API keys (without its own `Tags`), then the item's tags as
 * `tags` ([{key, value}]). Built in one pass over the parsed item (the value tree fromPlain would build from the
 * renamed plain object: same keys, same order, the last value of keys that rename alike).
 */
function bodyFor(configuration: Record<string, unknown>, tags: ConfigurationItem['tags']): ObjectNode {
  const body = renamedObject(configuration, 'Tags');
  const value = fromPlain(tagList(tags));
  const at = body.entries.findIndex((e) => e.key === 'tags');
  if (at === -1) body.entries.push({ key: 'tags', sourceKey: 'tags', value });
  else body.entries[at] = { key: 'tags', sourceKey: 'tags', value };
  return body;
}

function renamed(value: unknown): ValueNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(renamed) };
  if (value === null || typeof value !== 'object') return fromPlain(value);
  return renamedObject(value as Record<string, unknown>);
}

function renamedObject(value: Record<string, unknown>, without?: string): ObjectNode {
  const entries: ObjectNode['entries'] = [];
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === without) continue;
    const name = ecsKeyName(key);
    const entry = { key: name, sourceKey: name, value: USER_MAPS.has(key) ? fromPlain(value[key]) : renamed(value[key]) };
    // Two keys that rename alike (`Cpu`, `cpu`): one entry, where the first was, with the last value.
    const same = entries.findIndex((e) => e.key === name);
    if (same === -1) entries.push(entry);
    else entries[same] = entry;
  }
  return { kind: 'object', entries };
}

function arnOf(item: ConfigurationItem, configuration: unknown): string | undefined {
  const candidates: unknown[] = [item.arn, item.resourceId];
  if (configuration && typeof configuration === 'object')
    candidates.unshift((configuration as Record<string, unknown>)['TaskDefinitionArn']);
  else if (typeof configuration === 'string') candidates.unshift(/"TaskDefinitionArn"\s*:\s*"([^"]+)"/.exec(configuration)?.[1]);
  return candidates.find((c): c is string => typeof c === 'string' && parseTaskDefinitionArn(c) !== undefined);
}

function resourceFor(arn: string, item: ConfigurationItem): ResourceRef {
  const parsed = parseTaskDefinitionArn(arn);
  const accountId = item.accountId ?? parsed?.accountId;
  const region = item.awsRegion ?? parsed?.region;
  return {
    kind: 'aws',
    source: 'aws',
    id: arn,
    arn,
    ...(region ? { region } : {}),
    ...(parsed ? { family: parsed.family, revision: parsed.revision } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

function tagList(tags: ConfigurationItem['tags']): Array<{ key: string; value: string }> {
  if (!tags) return [];
  if (Array.isArray(tags)) return tags.filter((t) => typeof t.key === 'string').map((t) => ({ key: t.key!, value: t.value ?? '' }));
  return Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }));
}
