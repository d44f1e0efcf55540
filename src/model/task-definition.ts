import type { SourceRange } from './location.js';
import {
  type Assumption,
  type ObjectNode,
  type ValueNode,
  describeValue,
  field,
  scalarText,
  variants,
} from './value.js';

/** Which kind of source produced a task definition; for reports only, never for checks. */
export type SourceKind = 'json' | 'cloudformation' | 'terraform' | 'terraform-plan' | 'aws';

/** Identifies the resource a task definition came from. */
export interface ResourceRef {
  kind: 'file' | 'aws';
  source: SourceKind;
  /** CloudFormation logical id, Terraform address, JSON family (or `#<index>`), or the revision ARN. */
  id: string;
  file?: string;
  family?: string;
  revision?: number;
  arn?: string;
  region?: string;
  accountId?: string;
  /** For a Terraform plan: the .tf resource block the planned resource came from, when the configuration is next to the plan. */
  declaredAt?: SourceRange;
}

/** Where a live revision is used: fix these first. */
export interface Usage {
  runningTasks: number;
  /** `cluster/service` names whose deployments use the revision. */
  services: string[];
}

export interface ContainerDefinition {
  /** The container name, or `#<index>` when it has none. */
  name: string;
  /** Position in the (expanded) container list, 0-based. */
  index: number;
  node: ObjectNode;
  /** Conditions under which this container exists (CloudFormation `!If` on the list). */
  assumptions: Assumption[];
}

/**
 * The normalized task definition every source produces and every check reads.
 * `body` holds all fields with ECS API (camelCase) keys; the typed fields are
 * shortcuts into it.
 */
export interface TaskDefinition {
  resource: ResourceRef;
  body: ObjectNode;
  /** The whole definition in its source: the resource block, the JSON object. */
  range?: SourceRange;
  networkMode: ValueNode | undefined;
  pidMode: ValueNode | undefined;
  ipcMode: ValueNode | undefined;
  operatingSystemFamily: ValueNode | undefined;
  requiresCompatibilities: ValueNode | undefined;
  tags: ValueNode | undefined;
  /** The container list as written. */
  containerList: ValueNode | undefined;
  containers: ContainerDefinition[];
  /** Set when the list itself is an expression the tool cannot evaluate. */
  unresolvedContainers?: ValueNode;
  usage?: Usage;
}

/** A structural problem found while normalizing; it becomes an entry in the report's errors. */
export interface ModelProblem {
  message: string;
  range?: SourceRange;
}

export interface NormalizeResult {
  /** Absent when the definition is too broken to check (e.g. the container list is not a list). */
  taskDefinition?: TaskDefinition;
  problems: ModelProblem[];
}

/**
 * Builds the model from a body whose keys already use ECS API names.
 * Problems are returned, not thrown, so one bad resource never hides the others.
 */
export function normalizeTaskDefinition(
  resource: ResourceRef,
  body: ObjectNode,
  range?: SourceRange,
): NormalizeResult {
  const problems: ModelProblem[] = [];
  const containerList = field(body, 'containerDefinitions');
  const containers: ContainerDefinition[] = [];
  let unresolvedContainers: ValueNode | undefined;

  const where = range ?? body.range;
  if (containerList === undefined || containerList.kind === 'null') {
    problems.push({ message: `task definition ${resource.id} has no container definitions`, range: where });
    return { problems };
  }

  for (const listVariant of variants(containerList)) {
    const list = listVariant.node;
    if (list === undefined || list.kind === 'null') continue;
    if (list.kind === 'unresolved') {
      unresolvedContainers = list;
      continue;
    }
    if (list.kind !== 'array') {
      problems.push({
        message: `task definition ${resource.id}: container definitions must be a list, found ${list.kind}`,
        range: list.range ?? where,
      });
      return { problems };
    }
    list.items.forEach((item) => {
      for (const itemVariant of variants(item)) {
        const container = itemVariant.node;
        if (container === undefined || container.kind === 'null') continue; // AWS::NoValue
        if (container.kind === 'unresolved') {
          unresolvedContainers ??= container;
          continue;
        }
        const index = containers.length;
        if (container.kind !== 'object') {
          problems.push({
            message: `task definition ${resource.id}: container definition #${index} must be an object, found ${container.kind}`,
            range: container.range ?? list.range ?? where,
          });
          return;
        }
        const nameNode = field(container, 'name');
        const name = scalarText(nameNode);
        // A name that is an unresolved expression (Terraform `var.name`) is there, just unknown.
        const unknownName = nameNode?.kind === 'unresolved' || nameNode?.kind === 'conditional';
        if ((name === undefined || name === '') && !unknownName) {
          problems.push({
            message: `task definition ${resource.id}: container definition #${index} has no name`,
            range: container.range ?? where,
          });
        }
        containers.push({
          // An unresolved name is shown as its expression (`var.name`), which says more than `#0`.
          name: name || (unknownName ? describeValue(nameNode) : `#${index}`),
          index,
          node: container,
          assumptions: [...listVariant.assumptions, ...itemVariant.assumptions],
        });
      }
    });
  }

  if (containers.length === 0 && unresolvedContainers === undefined) {
    problems.push({
      message: `task definition ${resource.id} has an empty container definitions list`,
      range: containerList.range ?? where,
    });
    return { problems };
  }

  const runtimePlatform = field(body, 'runtimePlatform');
  return {
    problems,
    taskDefinition: {
      resource,
      body,
      ...(where ? { range: where } : {}),
      networkMode: field(body, 'networkMode'),
      pidMode: field(body, 'pidMode'),
      ipcMode: field(body, 'ipcMode'),
      operatingSystemFamily: field(runtimePlatform, 'operatingSystemFamily'),
      requiresCompatibilities: field(body, 'requiresCompatibilities'),
      tags: field(body, 'tags'),
      containerList,
      containers,
      ...(unresolvedContainers ? { unresolvedContainers } : {}),
    },
  };
}
