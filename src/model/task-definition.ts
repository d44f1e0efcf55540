import type { ImageUserFact } from './effective-user.js';
import type { SourceRange } from './location.js';
import { type Assumption, type ObjectNode, type ValueNode, describeValue, field, scalarText, variants } from './value.js';

/** Which kind of source produced a task definition; for reports only, never for checks. */
export type SourceKind = 'json' | 'yaml' | 'cloudformation' | 'terraform' | 'terraform-plan' | 'aws';

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
  /** The container name; its expression when unresolved (`var.name`); `#<sourceIndex>` when it has none. */
  name: string;
  /** Position in the expanded container list (conditionals expanded), 0-based; unique within the task definition. */
  index: number;
  /**
   * Position in the list as written, 0-based: what `containerDefinitions[N]` in a
   * finding's field says. Two branches of one `!If` element share it.
   */
  sourceIndex: number;
  node: ObjectNode;
  /** Conditions under which this container exists (CloudFormation `!If` on the list). */
  assumptions: Assumption[];
  /** Added by the image-user resolver (scan --resolve-image-users) before checks run. */
  imageUser?: ImageUserFact;
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
  /** The container list as written (the fixer reads it to tell a structural problem). */
  containerList: ValueNode | undefined;
  containers: ContainerDefinition[];
  /** Set when the list itself is an expression the tool cannot evaluate. */
  unresolvedContainers?: ValueNode;
  /**
   * Containers that could not be read (the list is not a list, an element is
   * not an object): container checks cannot give a verdict on them (ERROR),
   * task-level checks still can.
   */
  unreadableContainers?: UnreadableContainers[];
  usage?: Usage;
}

export interface UnreadableContainers {
  message: string;
  node?: ValueNode;
}

/**
 * A structural problem found while normalizing. An `error` means some verdict
 * cannot be produced (the report's errors, exit 2); a `warning` is worth fixing
 * but every check was still evaluated (the report's warnings).
 */
export interface ModelProblem {
  severity: 'error' | 'warning';
  message: string;
  range?: SourceRange;
}

export interface NormalizeResult {
  /** Always present: even a definition whose containers cannot be read has task-level fields to check. */
  taskDefinition?: TaskDefinition;
  problems: ModelProblem[];
}

/**
 * Builds the model from a body whose keys already use ECS API names.
 * Problems are returned, not thrown, so one bad resource never hides the others.
 */
export function normalizeTaskDefinition(resource: ResourceRef, body: ObjectNode, range?: SourceRange): NormalizeResult {
  const problems: ModelProblem[] = [];
  const containerList = field(body, 'containerDefinitions');
  const containers: ContainerDefinition[] = [];
  const unreadable: UnreadableContainers[] = [];
  let unresolvedContainers: ValueNode | undefined;
  const where = range ?? body.range;

  if (containerList === undefined || containerList.kind === 'null') {
    problems.push({
      severity: 'warning',
      message: `task definition ${resource.id} has no container definitions; container checks have nothing to check`,
      ...(where ? { range: where } : {}),
    });
  }

  for (const listVariant of containerList?.kind === 'null' ? [] : variants(containerList)) {
    const list = listVariant.node;
    if (list === undefined || list.kind === 'null') continue;
    if (list.kind === 'unresolved') {
      unresolvedContainers = list;
      continue;
    }
    if (list.kind !== 'array') {
      const message = `container definitions must be a list, found ${list.kind}`;
      problems.push({ severity: 'error', message: `task definition ${resource.id}: ${message}`, ...rangeOf(list.range ?? where) });
      unreadable.push({ message, node: list });
      continue;
    }
    list.items.forEach((item, sourceIndex) => {
      for (const itemVariant of variants(item)) {
        const container = itemVariant.node;
        if (container === undefined || container.kind === 'null') continue; // AWS::NoValue
        if (container.kind === 'unresolved') {
          unresolvedContainers ??= container;
          continue;
        }
        const index = containers.length + unreadable.length;
        if (container.kind !== 'object') {
          const message = `container definition #${sourceIndex} must be an object, found ${container.kind}`;
          problems.push({
            severity: 'error',
            message: `task definition ${resource.id}: ${message}`,
            ...rangeOf(container.range ?? list.range ?? where),
          });
          unreadable.push({ message, node: container });
          continue;
        }
        const nameNode = field(container, 'name');
        const name = scalarText(nameNode);
        // A name that is an unresolved expression (Terraform `var.name`) is there, just unknown: show it.
        const unknownName = nameNode?.kind === 'unresolved' || nameNode?.kind === 'conditional';
        if ((name === undefined || name === '') && !unknownName) {
          problems.push({
            severity: 'warning',
            message: `task definition ${resource.id}: container definition #${sourceIndex} has no name (ECS requires one)`,
            ...rangeOf(container.range ?? where),
          });
        }
        containers.push({
          name: name || (unknownName ? describeValue(nameNode) : `#${sourceIndex}`),
          index,
          sourceIndex,
          node: container,
          assumptions: [...listVariant.assumptions, ...itemVariant.assumptions],
        });
      }
    });
  }

  if (
    containerList !== undefined &&
    containerList.kind !== 'null' &&
    containers.length === 0 &&
    !unresolvedContainers &&
    !unreadable.length
  ) {
    problems.push({
      severity: 'warning',
      message: `task definition ${resource.id} has an empty container definitions list; container checks have nothing to check`,
      ...rangeOf(containerList.range ?? where),
    });
  }

  const runtimePlatform = field(body, 'runtimePlatform');
  // Key by key, in the order of the type (made for every definition; conditional spreads are slow in V8 11).
  const taskDefinition = { resource, body } as TaskDefinition;
  if (where) taskDefinition.range = where;
  taskDefinition.networkMode = field(body, 'networkMode');
  taskDefinition.pidMode = field(body, 'pidMode');
  taskDefinition.ipcMode = field(body, 'ipcMode');
  taskDefinition.operatingSystemFamily = field(runtimePlatform, 'operatingSystemFamily');
  taskDefinition.requiresCompatibilities = field(body, 'requiresCompatibilities');
  taskDefinition.containerList = containerList;
  taskDefinition.containers = containers;
  if (unresolvedContainers) taskDefinition.unresolvedContainers = unresolvedContainers;
  if (unreadable.length) taskDefinition.unreadableContainers = unreadable;
  return { problems, taskDefinition };
}

const rangeOf = (range: SourceRange | undefined) => (range ? { range } : {});

/**
 * The container a finding's `containerDefinitions[N]…` field names. N is the
 * position as written, which two branches of a conditional element share: the
 * finding's container name, then its location, tell them apart.
 */
export function containerForField(
  taskDefinition: TaskDefinition,
  sourceIndex: number,
  hint: { name?: string; location?: SourceRange } = {},
): ContainerDefinition | undefined {
  const candidates = taskDefinition.containers.filter((c) => c.sourceIndex === sourceIndex);
  if (candidates.length <= 1) return candidates[0];
  const within = (c: ContainerDefinition) => {
    const r = c.node.range;
    const at = hint.location;
    return r && at && r.file === at.file && r.start.offset <= at.start.offset && at.start.offset <= r.end.offset;
  };
  return candidates.find(within) ?? candidates.find((c) => c.name === hint.name) ?? candidates[0];
}

/**
 * Fields DescribeTaskDefinition returns but ECS sets itself: RegisterTaskDefinition rejects them (the account
 * fixer removes them from register inputs), and they are ECS field names all the same (the JSON source's spelling
 * check knows them).
 */
export const READ_ONLY_FIELDS: readonly string[] = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  // Set while a revision is DELETE_IN_PROGRESS (DeleteTaskDefinitions), which services may still use.
  'deleteRequestedAt',
];
