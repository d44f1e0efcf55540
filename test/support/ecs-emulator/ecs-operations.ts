import type { EmulatedAccount } from './account.js';
import { ApiError, clientException, invalidParameter } from './errors.js';
import { paginate } from './pagination.js';
import { type Cluster, type Json, type RegionState, type Service, type StoredTaskDefinition, serviceName } from './state.js';

type Handler = (account: EmulatedAccount, region: RegionState, input: Json) => Json;

/** The ECS operations the scanner and the fixer call, keyed by operation name. */
export const ECS_OPERATIONS: Record<string, Handler> = {
  ListTaskDefinitionFamilies(_account, region, input) {
    const status = stringOr(input['status'], 'ALL');
    const prefix = stringOr(input['familyPrefix'], '');
    const families = [...region.families.keys()].sort().filter((family) => {
      if (!family.startsWith(prefix)) return false;
      const hasActive = (region.families.get(family) ?? []).some((r) => r.taskDefinition.status === 'ACTIVE');
      return status === 'ALL' || (status === 'ACTIVE' ? hasActive : !hasActive);
    });
    const { page, nextToken } = paginate(families, input, 'ListTaskDefinitionFamilies');
    return { families: page, ...(nextToken ? { nextToken } : {}) };
  },

  ListTaskDefinitions(_account, region, input) {
    const status = stringOr(input['status'], 'ACTIVE');
    const sort = stringOr(input['sort'], 'ASC');
    if (sort !== 'ASC' && sort !== 'DESC') throw invalidParameter('sort must be ASC or DESC.');
    // familyPrefix is, despite its name, the full family name.
    const family = typeof input['familyPrefix'] === 'string' ? input['familyPrefix'] : undefined;
    let revisions = (family === undefined ? region.allRevisions() : (region.families.get(family) ?? [])).filter(
      (r) => r.taskDefinition.status === status,
    );
    if (sort === 'DESC') revisions = [...revisions].reverse();
    const arns = revisions.map((r) => r.taskDefinition.taskDefinitionArn);
    const { page, nextToken } = paginate(arns, input, 'ListTaskDefinitions');
    return { taskDefinitionArns: page, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeTaskDefinition(_account, region, input) {
    const reference = requireString(input, 'taskDefinition');
    const found = region.requireTaskDefinition(reference);
    const include = Array.isArray(input['include']) ? input['include'] : [];
    return {
      taskDefinition: structuredClone(found.taskDefinition),
      ...(include.includes('TAGS') ? { tags: found.tags.map((t) => ({ ...t })) } : {}),
    };
  },

  RegisterTaskDefinition(account, region, input) {
    const stored = account.registerTaskDefinition(region.region, input);
    return { taskDefinition: structuredClone(stored.taskDefinition), tags: stored.tags.map((t) => ({ ...t })) };
  },

  DeregisterTaskDefinition(account, region, input) {
    const stored = account.deregisterTaskDefinition(region.region, requireString(input, 'taskDefinition'));
    return { taskDefinition: structuredClone(stored.taskDefinition) };
  },

  ListTagsForResource(_account, region, input) {
    const arn = requireString(input, 'resourceArn');
    if (!arn.includes(':task-definition/')) throw invalidParameter('The emulator only tags task definitions.');
    const found = region.findTaskDefinition(arn);
    if (!found) throw clientException('The specified resource could not be found.');
    return { tags: found.tags.map((t) => ({ ...t })) };
  },

  ListClusters(_account, region, input) {
    const arns = [...region.clusters.values()].map((c) => c.clusterArn);
    const { page, nextToken } = paginate(arns, input, 'ListClusters');
    return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeClusters(_account, region, input) {
    const references = Array.isArray(input['clusters']) ? input['clusters'].map(String) : ['default'];
    if (references.length > 100) throw invalidParameter('clusters can have at most 100 items.');
    const clusters: Json[] = [];
    const failures: Json[] = [];
    for (const reference of references) {
      const cluster = region.cluster(reference);
      if (!cluster) {
        failures.push({ arn: reference.startsWith('arn:') ? reference : `${region.arnPrefix()}:cluster/${reference}`, reason: 'MISSING' });
        continue;
      }
      const services = [...cluster.services.values()].filter((s) => s.status === 'ACTIVE');
      clusters.push({
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        status: 'ACTIVE',
        activeServicesCount: services.length,
        runningTasksCount: cluster.tasks.filter((t) => t.desiredStatus === 'RUNNING').length,
        ...(includes(input, 'TAGS') ? { tags: cluster.tags.map((t) => ({ ...t })) } : {}),
      });
    }
    return { clusters, failures };
  },

  ListServices(_account, region, input) {
    const cluster = requireCluster(region, input);
    const arns = [...cluster.services.values()].filter((s) => s.status !== 'INACTIVE').map((s) => s.serviceArn);
    const { page, nextToken } = paginate(arns, input, 'ListServices');
    return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeServices(account, region, input) {
    const cluster = requireCluster(region, input);
    const references = requireList(input, 'services', 10);
    const services: Json[] = [];
    const failures: Json[] = [];
    for (const reference of references) {
      const service = cluster.services.get(serviceName(reference));
      if (service) account.noteServiceDescribed(region.region, cluster.clusterName, service);
      if (service) services.push(serviceShape(service, includes(input, 'TAGS')));
      else
        failures.push({
          arn: reference.startsWith('arn:') ? reference : `${region.arnPrefix()}:service/${cluster.clusterName}/${reference}`,
          reason: 'MISSING',
        });
    }
    return { services, failures };
  },

  UpdateService(account, region, input) {
    return { service: serviceShape(account.updateService(region.region, input), false) };
  },

  ListTasks(_account, region, input) {
    const cluster = requireCluster(region, input);
    const desired = stringOr(input['desiredStatus'], 'RUNNING');
    const family = typeof input['family'] === 'string' ? input['family'] : undefined;
    const service = typeof input['serviceName'] === 'string' ? input['serviceName'] : undefined;
    const arns = cluster.tasks
      .filter((t) => t.desiredStatus === desired)
      .filter((t) => family === undefined || region.findTaskDefinition(t.taskDefinitionArn)?.taskDefinition.family === family)
      .filter((t) => service === undefined || t.group === `service:${service}`)
      .map((t) => t.taskArn);
    const { page, nextToken } = paginate(arns, input, 'ListTasks');
    return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeTasks(_account, region, input) {
    const cluster = requireCluster(region, input);
    const references = requireList(input, 'tasks', 100);
    const tasks: Json[] = [];
    const failures: Json[] = [];
    for (const reference of references) {
      const task = cluster.tasks.find((t) => t.taskArn === reference || t.taskArn.endsWith(`/${reference}`));
      if (task) tasks.push({ ...task });
      else failures.push({ arn: reference, reason: 'MISSING' });
    }
    return { tasks, failures };
  },
};

/** ECS answers tags only when asked (`include: ["TAGS"]`). */
function serviceShape(service: Service, withTags: boolean): Json {
  const { tags, ...rest } = service;
  return structuredClone({ ...rest, deployments: service.deployments.map((d) => ({ ...d })), ...(withTags ? { tags } : {}) });
}

function includes(input: Json, what: string): boolean {
  return Array.isArray(input['include']) && input['include'].includes(what);
}

function requireCluster(region: RegionState, input: Json): Cluster {
  const reference = typeof input['cluster'] === 'string' ? input['cluster'] : 'default';
  const cluster = region.cluster(reference);
  if (!cluster) throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

function requireString(input: Json, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw clientException(`${key} must be specified.`);
  return value;
}

function requireList(input: Json, key: string, max: number): string[] {
  const value = input[key];
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter(`${key} can not be empty.`);
  if (value.length > max) throw invalidParameter(`${key} can have at most ${max} items.`);
  return value.map(String);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

export type { StoredTaskDefinition };
