import type { ECSClient } from '@aws-sdk/client-ecs';
import { describeAwsError, isAbort } from '../../sources/aws/errors.js';
import type { Tag } from './register-input.js';

type Json = Record<string, unknown>;

/** What apply, wait, verify and rollback need to know about a service. */
export interface ServiceState {
  cluster: string;
  service: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  deployments: Array<{ status: string; taskDefinition: string; desiredCount: number; runningCount: number; rolloutState?: string; rolloutStateReason?: string }>;
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

/** A failed ECS call: `message` says which operation, where, and why (access denied, throttled, refused). */
export class EcsCallError extends Error {
  override name = 'EcsCallError';
  constructor(
    readonly operation: string,
    readonly region: string,
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** The ECS calls the account fixer makes; one implementation over the SDK, swappable in tests. */
export interface EcsApi {
  registerTaskDefinition(region: string, input: Json): Promise<{ arn: string; tags: Tag[] }>;
  /** `include: ['TAGS']` always: a described revision without its tags is not the whole revision. */
  describeTaskDefinition(region: string, reference: string): Promise<{ taskDefinition: Json; tags: Tag[] }>;
  /** Unknown services are left out of the answer. */
  describeServices(region: string, cluster: string, services: readonly string[]): Promise<ServiceState[]>;
  updateService(region: string, cluster: string, service: string, taskDefinition: string): Promise<ServiceState>;
  /** The planner's inventory: every cluster, every service with its tags. */
  listClusters(region: string): Promise<string[]>;
  describeClustersWithTags(region: string, clusters: readonly string[]): Promise<ClusterState[]>;
  listServices(region: string, cluster: string): Promise<string[]>;
  describeServicesWithTags(region: string, cluster: string, services: readonly string[]): Promise<ServiceState[]>;
  close(): void;
}

/** DescribeServices accepts at most ten services per call, DescribeClusters 100 clusters. */
const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_CLUSTERS_MAX = 100;

/** `arn:…:cluster/prod` → `prod`; `arn:…:service/prod/web` → `web`. */
function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The SDK implementation; `clientFor` returns one ECS client per region (shared credentials, retries). */
export async function createEcsApi(clientFor: (region: string) => ECSClient, onClose: () => void = () => undefined, signal?: AbortSignal): Promise<EcsApi> {
  const sdk = await import('@aws-sdk/client-ecs');
  const call = async <T>(region: string, operation: string, send: (client: ECSClient) => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    try {
      return await send(clientFor(region));
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw signal?.reason ?? error;
      throw new EcsCallError(operation, region, `${region}: ${describeAwsError(error, 'ecs', operation)}`, error);
    }
  };
  const options = signal ? { abortSignal: signal } : {};
  return {
    async registerTaskDefinition(region, input) {
      const out = await call(region, 'RegisterTaskDefinition', (client) =>
        client.send(new sdk.RegisterTaskDefinitionCommand(input as unknown as ConstructorParameters<typeof sdk.RegisterTaskDefinitionCommand>[0]), options),
      );
      const arn = out.taskDefinition?.taskDefinitionArn;
      if (!arn) throw new EcsCallError('RegisterTaskDefinition', region, `${region}: RegisterTaskDefinition answered without a taskDefinitionArn`, undefined);
      return { arn, tags: plainTags(out.tags) };
    },
    async describeTaskDefinition(region, reference) {
      const out = await call(region, 'DescribeTaskDefinition', (client) =>
        client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: reference, include: ['TAGS'] }), options),
      );
      return { taskDefinition: JSON.parse(JSON.stringify(out.taskDefinition ?? {})) as Json, tags: plainTags(out.tags) };
    },
    async describeServices(region, cluster, services) {
      const states: ServiceState[] = [];
      for (let i = 0; i < services.length; i += DESCRIBE_SERVICES_MAX) {
        const names = services.slice(i, i + DESCRIBE_SERVICES_MAX);
        const out = await call(region, 'DescribeServices', (client) =>
          client.send(new sdk.DescribeServicesCommand({ cluster, services: [...names] }), options),
        );
        for (const s of out.services ?? []) states.push(serviceState(cluster, s));
      }
      return states;
    },
    async listClusters(region) {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await call(region, 'ListClusters', (client) => client.send(new sdk.ListClustersCommand(nextToken ? { nextToken } : {}), options));
        arns.push(...(out.clusterArns ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
      return arns.map(lastSegment);
    },
    async describeClustersWithTags(region, clusters) {
      const states: ClusterState[] = [];
      for (let i = 0; i < clusters.length; i += DESCRIBE_CLUSTERS_MAX) {
        const names = clusters.slice(i, i + DESCRIBE_CLUSTERS_MAX);
        const out = await call(region, 'DescribeClusters', (client) =>
          client.send(new sdk.DescribeClustersCommand({ clusters: [...names], include: ['TAGS'] }), options),
        );
        for (const c of out.clusters ?? []) states.push({ cluster: c.clusterName ?? lastSegment(c.clusterArn ?? ''), tags: plainTags(c.tags) });
      }
      return states;
    },
    async listServices(region, cluster) {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await call(region, 'ListServices', (client) => client.send(new sdk.ListServicesCommand({ cluster, ...(nextToken ? { nextToken } : {}) }), options));
        arns.push(...(out.serviceArns ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
      return arns.map(lastSegment);
    },
    async describeServicesWithTags(region, cluster, services) {
      const states: ServiceState[] = [];
      for (let i = 0; i < services.length; i += DESCRIBE_SERVICES_MAX) {
        const names = services.slice(i, i + DESCRIBE_SERVICES_MAX);
        const out = await call(region, 'DescribeServices', (client) =>
          client.send(new sdk.DescribeServicesCommand({ cluster, services: [...names], include: ['TAGS'] }), options),
        );
        for (const s of out.services ?? []) states.push({ ...serviceState(cluster, s), tags: plainTags(s.tags) });
      }
      return states;
    },
    async updateService(region, cluster, service, taskDefinition) {
      const out = await call(region, 'UpdateService', (client) =>
        client.send(new sdk.UpdateServiceCommand({ cluster, service, taskDefinition }), options),
      );
      return serviceState(cluster, out.service ?? {});
    },
    close: onClose,
  };
}

function plainTags(tags: Array<{ key?: string | undefined; value?: string | undefined }> | undefined): Tag[] {
  return (tags ?? []).filter((t) => typeof t.key === 'string').map((t) => ({ key: t.key as string, value: t.value ?? '' }));
}

interface SdkService {
  serviceName?: string | undefined;
  status?: string | undefined;
  taskDefinition?: string | undefined;
  desiredCount?: number | undefined;
  runningCount?: number | undefined;
  deployments?: Array<{ status?: string | undefined; taskDefinition?: string | undefined; desiredCount?: number | undefined; runningCount?: number | undefined; rolloutState?: string | undefined; rolloutStateReason?: string | undefined }> | undefined;
  deploymentController?: { type?: string | undefined } | undefined;
  networkConfiguration?: { awsvpcConfiguration?: { assignPublicIp?: string | undefined } | undefined } | undefined;
  loadBalancers?: Array<{ targetGroupArn?: string | undefined; loadBalancerName?: string | undefined }> | undefined;
}

function serviceState(cluster: string, s: SdkService): ServiceState {
  return {
    cluster,
    service: s.serviceName ?? '',
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
    ...(s.networkConfiguration?.awsvpcConfiguration?.assignPublicIp ? { assignPublicIp: s.networkConfiguration.awsvpcConfiguration.assignPublicIp } : {}),
    loadBalancers: (s.loadBalancers ?? []).map((lb) => ({
      ...(lb.targetGroupArn ? { targetGroupArn: lb.targetGroupArn } : {}),
      ...(lb.loadBalancerName ? { loadBalancerName: lb.loadBalancerName } : {}),
    })),
  };
}
