import type { EcsApi, ServiceState } from '../../sources/aws/ecs-api.js';
import type { Tag } from './register-input.js';

/** What the planner knows about one service: what ECS will run, what still runs, and what exposes it. */
export interface ServiceFacts {
  region: string;
  cluster: string;
  service: string;
  /** `service.taskDefinition`: the desired revision (the PRIMARY deployment's). Moves are planned from it. */
  taskDefinition: string;
  /** PRIMARY and ACTIVE deployments (never INACTIVE): only for the in-use annotation. */
  deployments: ServiceState['deployments'];
  /** `ECS` (rolling) unless the service says otherwise. */
  deploymentController: string;
  assignPublicIp?: string;
  targetGroupArns: string[];
  /** Classic Load Balancers by name (their scheme is not read). */
  classicLoadBalancers: string[];
  tags: Tag[];
  clusterTags: Tag[];
}

/**
 * Every ACTIVE service in the regions, with its cluster's tags. A listing or
 * DescribeServices call that fails is an error (never "no services"); cluster
 * tags that cannot be read only weaken the production ranking: a warning.
 */
export async function readServiceInventory(
  api: EcsApi,
  regions: readonly string[],
): Promise<{ services: ServiceFacts[]; errors: string[]; warnings: string[] }> {
  const services: ServiceFacts[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const region of regions) {
    let clusters: string[];
    try {
      clusters = await api.listClusters(region);
    } catch (error) {
      errors.push((error as Error).message);
      continue;
    }
    let clusterTags = new Map<string, ServiceFacts['clusterTags']>();
    try {
      if (clusters.length) clusterTags = new Map((await api.describeClustersWithTags(region, clusters)).map((c) => [c.cluster, c.tags]));
    } catch (error) {
      warnings.push(`${(error as Error).message} (cluster tags unknown: production ranking by cluster tag is incomplete)`);
    }
    for (const cluster of clusters) {
      try {
        const names = await api.listServices(region, cluster);
        const states = names.length ? await api.describeServicesWithTags(region, cluster, names) : [];
        for (const state of states) {
          if (state.status === 'INACTIVE') continue;
          services.push(factsOf(region, cluster, state, clusterTags.get(cluster) ?? []));
        }
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  }
  return { services, errors, warnings };
}

function factsOf(region: string, cluster: string, state: ServiceState, clusterTags: ServiceFacts['clusterTags']): ServiceFacts {
  return {
    region,
    cluster,
    service: state.service,
    taskDefinition: state.taskDefinition,
    deployments: state.deployments.filter((d) => d.status === 'PRIMARY' || d.status === 'ACTIVE'),
    deploymentController: state.deploymentController ?? 'ECS',
    ...(state.assignPublicIp ? { assignPublicIp: state.assignPublicIp } : {}),
    targetGroupArns: (state.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => !!a),
    classicLoadBalancers: (state.loadBalancers ?? [])
      .filter((lb) => !lb.targetGroupArn && lb.loadBalancerName)
      .map((lb) => lb.loadBalancerName as string),
    tags: state.tags ?? [],
    clusterTags,
  };
}
