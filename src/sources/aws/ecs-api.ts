import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ScanError } from '../../model/finding.js';
import { lastSegment, parseTaskDefinitionArn } from './arn.js';
import { type AwsClients, sendCached } from './clients.js';
import { describeAwsError, isAbort } from './errors.js';

type Json = Record<string, unknown>;

/** A resource tag as ECS returns it. */
export interface Tag {
  key: string;
  value: string;
}

/** What the scan, apply, wait, verify and rollback need to know about a service. */
export interface ServiceState {
  cluster: string;
  service: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  deployments: Array<{
    status: string;
    taskDefinition: string;
    desiredCount: number;
    runningCount: number;
    rolloutState?: string;
    rolloutStateReason?: string;
  }>;
  /** `ECS` (rolling), `CODE_DEPLOY` or `EXTERNAL`; absent means ECS. */
  deploymentController?: string;
  /** awsvpc services: `ENABLED` gives each task a public IP. */
  assignPublicIp?: string;
  loadBalancers?: Array<{ targetGroupArn?: string; loadBalancerName?: string }>;
  /** Only from `describeServicesWithTags`. */
  tags?: Tag[];
}

/** A cluster's name and (when asked for) its tags. */
export interface ClusterState {
  cluster: string;
  tags: Tag[];
}

/** A revision as DescribeTaskDefinition (include TAGS) returns it, as plain JSON (dates as ISO strings). */
export interface DescribedTaskDefinition {
  taskDefinition: Json & { taskDefinitionArn: string };
  tags: Tag[];
}

/**
 * A failed ECS call. `message` says where, which operation and why (access denied, throttled, refused);
 * `scanError` is the same as a report entry (region, operation and resource apart).
 */
export class EcsCallError extends Error {
  override name = 'EcsCallError';
  readonly scanError: ScanError;
  constructor(
    readonly operation: string,
    readonly region: string,
    detail: string,
    override readonly cause: unknown,
    resource?: string,
  ) {
    super(`${region}: ${detail}`);
    this.scanError = { message: detail, region, operation, ...(resource ? { resource } : {}) };
  }
}

/**
 * The ECS calls ecsguard makes, for the live source and the account fixer alike: one implementation over the SDK
 * (swappable in tests). Lists follow every page with the SDK's paginators; the per-region request budget and call
 * counting are middleware on the clients (src/sources/aws/clients.ts), so every call, paged or not, is bounded.
 */
export interface EcsApi {
  /** Revision ARNs page by page, as they arrive (100 per page); `DESC` lists each family newest first. */
  taskDefinitionPages(region: string, status: 'ACTIVE' | 'INACTIVE', sort?: 'ASC' | 'DESC'): AsyncIterable<string[]>;
  listTaskDefinitions(region: string, status: 'ACTIVE' | 'INACTIVE'): Promise<string[]>;
  registerTaskDefinition(region: string, input: Json): Promise<{ arn: string; tags: Tag[] }>;
  /** `include: ['TAGS']` always: a described revision without its tags is not the whole revision. */
  describeTaskDefinition(region: string, reference: string): Promise<DescribedTaskDefinition>;
  /** Unknown services are left out of the answer. Ten per call (the API's limit), as many calls as needed. */
  describeServices(region: string, cluster: string, services: readonly string[]): Promise<ServiceState[]>;
  describeServicesWithTags(region: string, cluster: string, services: readonly string[]): Promise<ServiceState[]>;
  updateService(region: string, cluster: string, service: string, taskDefinition: string): Promise<ServiceState>;
  /** Cluster names. */
  listClusters(region: string): Promise<string[]>;
  /** Cluster ARNs (the scan's usage lookup names them in its errors). */
  listClusterArns(region: string): Promise<string[]>;
  describeClustersWithTags(region: string, clusters: readonly string[]): Promise<ClusterState[]>;
  /** Service names. */
  listServices(region: string, cluster: string): Promise<string[]>;
  /** Tasks ECS is running or starting (desiredStatus RUNNING). */
  listTasks(region: string, cluster: string): Promise<string[]>;
  /** The revision each task runs. A hundred per call (the API's limit). */
  describeTasks(region: string, cluster: string, tasks: readonly string[]): Promise<Array<{ taskArn: string; taskDefinitionArn: string }>>;
  close(): void;
}

/** DescribeServices accepts at most ten services per call, DescribeClusters and DescribeTasks 100. */
const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_CLUSTERS_MAX = 100;
const DESCRIBE_TASKS_MAX = 100;
/** The largest page every ECS List* operation accepts. */
const PAGE_SIZE = 100;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The SDK implementation over `clients` (one ECS client per region: shared credentials, retries, budget). */
export function createEcsApi(
  clients: AwsClients,
  signal?: AbortSignal,
  onClose: () => void = () => {
    clients.destroy();
  },
): EcsApi {
  const sdk = clients.sdk.ecs;
  const options = signal ? { abortSignal: signal } : {};
  const failed = (error: unknown, region: string, operation: string, resource?: string): unknown => {
    if (isAbort(error) || signal?.aborted) return signal?.reason ?? error;
    if (error instanceof EcsCallError) return error;
    return new EcsCallError(operation, region, describeAwsError(error, 'ecs', operation), error, resource);
  };
  const call = async <T>(
    region: string,
    operation: string,
    resource: string | undefined,
    send: (client: ECSClient) => Promise<T>,
  ): Promise<T> => {
    signal?.throwIfAborted();
    try {
      return await send(clients.ecs(region));
    } catch (error) {
      throw failed(error, region, operation, resource);
    }
  };
  /** Every item of a paged listing; a failed page fails the listing (never a partial list taken for the whole). */
  const all = async <P>(
    region: string,
    operation: string,
    resource: string | undefined,
    pages: () => AsyncIterable<P>,
    items: (page: P) => string[] | undefined,
  ) => {
    signal?.throwIfAborted();
    const out: string[] = [];
    try {
      for await (const page of pages()) out.push(...(items(page) ?? []));
    } catch (error) {
      throw failed(error, region, operation, resource);
    }
    return out;
  };
  const describeServices = async (region: string, cluster: string, services: readonly string[], withTags: boolean) => {
    const states: ServiceState[] = [];
    for (const names of chunk(services, DESCRIBE_SERVICES_MAX)) {
      const out = await call(region, 'DescribeServices', cluster, (client) =>
        sendCached(
          client,
          new sdk.DescribeServicesCommand({ cluster, services: [...names], ...(withTags ? { include: ['TAGS'] } : {}) }),
          options,
        ),
      );
      for (const s of out.services ?? [])
        states.push(withTags ? { ...serviceState(cluster, s), tags: plainTags(s.tags) } : serviceState(cluster, s));
    }
    return states;
  };
  return {
    async *taskDefinitionPages(region, status, sort = 'ASC') {
      signal?.throwIfAborted();
      try {
        const pages = sdk.paginateListTaskDefinitions({ client: clients.ecs(region), pageSize: PAGE_SIZE }, { status, sort }, options);
        for await (const page of pages) yield page.taskDefinitionArns ?? [];
      } catch (error) {
        throw failed(error, region, 'ListTaskDefinitions');
      }
    },
    listTaskDefinitions(region, status) {
      return all(
        region,
        'ListTaskDefinitions',
        undefined,
        () => this.taskDefinitionPages(region, status),
        (page) => page,
      );
    },
    async registerTaskDefinition(region, input) {
      const out = await call(region, 'RegisterTaskDefinition', undefined, (client) =>
        sendCached(
          client,
          new sdk.RegisterTaskDefinitionCommand(input as unknown as ConstructorParameters<typeof sdk.RegisterTaskDefinitionCommand>[0]),
          options,
        ),
      );
      const arn = out.taskDefinition?.taskDefinitionArn;
      if (!arn)
        throw new EcsCallError('RegisterTaskDefinition', region, 'RegisterTaskDefinition answered without a taskDefinitionArn', undefined);
      return { arn, tags: plainTags(out.tags) };
    },
    async describeTaskDefinition(region, reference) {
      const out = await call(region, 'DescribeTaskDefinition', reference, (client) =>
        sendCached(client, new sdk.DescribeTaskDefinitionCommand({ taskDefinition: reference, include: ['TAGS'] }), options),
      );
      if (!out.taskDefinition?.taskDefinitionArn) {
        throw new EcsCallError(
          'DescribeTaskDefinition',
          region,
          'DescribeTaskDefinition returned no task definition',
          undefined,
          reference,
        );
      }
      const malformed = malformedDescription(reference, out.taskDefinition);
      if (malformed) throw new EcsCallError('DescribeTaskDefinition', region, `DescribeTaskDefinition ${malformed}`, undefined, reference);
      return {
        taskDefinition: plainJson(out.taskDefinition) as DescribedTaskDefinition['taskDefinition'],
        tags: plainTags(out.tags),
      };
    },
    describeServices: (region, cluster, services) => describeServices(region, cluster, services, false),
    describeServicesWithTags: (region, cluster, services) => describeServices(region, cluster, services, true),
    async updateService(region, cluster, service, taskDefinition) {
      const out = await call(region, 'UpdateService', `${cluster}/${service}`, (client) =>
        sendCached(client, new sdk.UpdateServiceCommand({ cluster, service, taskDefinition }), options),
      );
      return serviceState(cluster, out.service ?? {});
    },
    listClusterArns(region) {
      return all(
        region,
        'ListClusters',
        undefined,
        () => sdk.paginateListClusters({ client: clients.ecs(region), pageSize: PAGE_SIZE }, {}, options),
        (page) => page.clusterArns,
      );
    },
    async listClusters(region) {
      return (await this.listClusterArns(region)).map(lastSegment);
    },
    async describeClustersWithTags(region, clusters) {
      const states: ClusterState[] = [];
      for (const names of chunk(clusters, DESCRIBE_CLUSTERS_MAX)) {
        const out = await call(region, 'DescribeClusters', undefined, (client) =>
          sendCached(client, new sdk.DescribeClustersCommand({ clusters: [...names], include: ['TAGS'] }), options),
        );
        for (const c of out.clusters ?? [])
          states.push({ cluster: c.clusterName ?? lastSegment(c.clusterArn ?? ''), tags: plainTags(c.tags) });
      }
      return states;
    },
    async listServices(region, cluster) {
      const arns = await all(
        region,
        'ListServices',
        cluster,
        () => sdk.paginateListServices({ client: clients.ecs(region), pageSize: PAGE_SIZE }, { cluster }, options),
        (page) => page.serviceArns,
      );
      return arns.map(lastSegment);
    },
    listTasks(region, cluster) {
      return all(
        region,
        'ListTasks',
        cluster,
        () => sdk.paginateListTasks({ client: clients.ecs(region), pageSize: PAGE_SIZE }, { cluster, desiredStatus: 'RUNNING' }, options),
        (page) => page.taskArns,
      );
    },
    async describeTasks(region, cluster, tasks) {
      const out: Array<{ taskArn: string; taskDefinitionArn: string }> = [];
      for (const batch of chunk(tasks, DESCRIBE_TASKS_MAX)) {
        const answer = await call(region, 'DescribeTasks', cluster, (client) =>
          sendCached(client, new sdk.DescribeTasksCommand({ cluster, tasks: [...batch] }), options),
        );
        for (const t of answer.tasks ?? [])
          if (t.taskDefinitionArn) out.push({ taskArn: t.taskArn ?? '', taskDefinitionArn: t.taskDefinitionArn });
      }
      return out;
    },
    close: onClose,
  };
}

/**
 * The SDK's answer as the JSON it came from, as JSON.parse(JSON.stringify(value)) would give it (dates as ISO strings,
 * undefined members left out), without writing and parsing a string per described revision.
 */
export function plainJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'number' && !Number.isFinite(value) ? null : value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined || typeof item === 'function' ? null : plainJson(item)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out[key] = plainJson(member);
  }
  return out;
}

function plainTags(tags: Array<{ key?: string | undefined; value?: string | undefined }> | undefined): Tag[] {
  return (tags ?? []).filter((t) => typeof t.key === 'string').map((t) => ({ key: t.key as string, value: t.value ?? '' }));
}

interface SdkService {
  serviceName?: string | undefined;
  serviceArn?: string | undefined;
  status?: string | undefined;
  taskDefinition?: string | undefined;
  desiredCount?: number | undefined;
  runningCount?: number | undefined;
  deployments?:
    | Array<{
        status?: string | undefined;
        taskDefinition?: string | undefined;
        desiredCount?: number | undefined;
        runningCount?: number | undefined;
        rolloutState?: string | undefined;
        rolloutStateReason?: string | undefined;
      }>
    | undefined;
  deploymentController?: { type?: string | undefined } | undefined;
  networkConfiguration?: { awsvpcConfiguration?: { assignPublicIp?: string | undefined } | undefined } | undefined;
  loadBalancers?: Array<{ targetGroupArn?: string | undefined; loadBalancerName?: string | undefined }> | undefined;
}

function serviceState(cluster: string, s: SdkService): ServiceState {
  return {
    cluster,
    service: s.serviceName ?? lastSegment(s.serviceArn ?? ''),
    status: s.status ?? '',
    taskDefinition: s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    deployments: (s.deployments ?? []).map((d) => ({
      status: d.status ?? '',
      taskDefinition: d.taskDefinition ?? '',
      desiredCount: d.desiredCount ?? 0,
      runningCount: d.runningCount ?? 0,
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
    })),
    ...(s.deploymentController?.type ? { deploymentController: s.deploymentController.type } : {}),
    ...(s.networkConfiguration?.awsvpcConfiguration?.assignPublicIp
      ? { assignPublicIp: s.networkConfiguration.awsvpcConfiguration.assignPublicIp }
      : {}),
    loadBalancers: (s.loadBalancers ?? []).map((lb) => ({
      ...(lb.targetGroupArn ? { targetGroupArn: lb.targetGroupArn } : {}),
      ...(lb.loadBalancerName ? { loadBalancerName: lb.loadBalancerName } : {}),
    })),
  };
}

/**
 * Why an answer to DescribeTaskDefinition cannot be the revision asked for, or undefined. ECS never registers a
 * revision without containers, so an answer without them is broken, not a revision that passes every container check;
 * and an answer for another revision must not be judged as the one asked for.
 */
export function malformedDescription(
  reference: string,
  answer: { taskDefinitionArn?: string; containerDefinitions?: unknown },
): string | undefined {
  const answered = answer.taskDefinitionArn ?? '';
  const parsed = parseTaskDefinitionArn(answered);
  const asked = parseTaskDefinitionArn(reference);
  const [family, revision] = reference.startsWith('arn:') ? [undefined, undefined] : reference.split(':');
  const matches = asked
    ? answered === reference
    : parsed !== undefined && parsed.family === family && (revision === undefined || String(parsed.revision) === revision);
  if (!matches) return `answered ${answered} when asked for ${reference}`;
  if (!Array.isArray(answer.containerDefinitions) || answer.containerDefinitions.length === 0) {
    return `answered ${answered} without containerDefinitions`;
  }
  return undefined;
}
