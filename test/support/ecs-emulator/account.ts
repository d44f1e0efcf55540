import { ApiError, clientException, invalidParameter } from './errors.js';
import { LoadBalancingState } from './elbv2.js';
import { type Cluster, type Json, RegionState, type Service, type StoredTaskDefinition, type Tag, type Task } from './state.js';

/** Fields RegisterTaskDefinition accepts (ECS API reference, 2025). */
export const REGISTER_FIELDS = new Set([
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
]);

/** Fields DescribeTaskDefinition returns that ECS sets itself: sending them back is an error. */
export const READ_ONLY_FIELDS = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
]);

const FAMILY_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

export interface ServiceSeed {
  cluster?: string;
  name: string;
  taskDefinition: string;
  desiredCount?: number;
  /** Tasks started for the service (default: desiredCount). */
  runningCount?: number;
  /** awsvpc services: the network configuration (assignPublicIp decides internet exposure). */
  assignPublicIp?: 'ENABLED' | 'DISABLED';
  /** ELBv2 target groups (ARNs) the service registers its tasks with. */
  targetGroupArns?: string[];
  tags?: Tag[];
  deploymentController?: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
  /** Deployment circuit breaker (default: enabled, without automatic rollback). */
  circuitBreaker?: { enable: boolean; rollback: boolean };
}

/** Which rollouts fail (as the deployment circuit breaker would fail them): every given field must match. */
export interface RolloutFailure {
  region?: string;
  cluster?: string;
  service?: string;
  /** The task definition ARN of the deployment that fails. */
  taskDefinition?: string;
  /** How many rollouts fail; unlimited when absent. */
  times?: number;
}

/** The emulated account: regions, and the seed helpers tests use to build it. */
export class EmulatedAccount {
  readonly regions = new Map<string, RegionState>();
  clock = 1_700_000_000;
  /**
   * When set, an unfinished rollout completes by itself once DescribeServices
   * has returned the service this many times since the update (for waiters such as `apply --wait`).
   */
  completeDeploymentsAfterDescribes: number | undefined;
  private readonly describesSinceUpdate = new Map<string, number>();
  private rolloutFailures: Array<RolloutFailure & { used: number }> = [];
  /** The ELBv2 load balancers and target groups (a small surface: what exposure ranking reads). */
  readonly loadBalancing: LoadBalancingState;

  constructor(
    readonly accountId: string,
    regionNames: readonly string[],
    /** Opt-in regions that exist but are not enabled: listed as DISABLED, requests refused. */
    readonly disabledRegions: readonly string[] = [],
    readonly callerArn = `arn:aws:iam::${accountId}:user/ecsguard-test`,
  ) {
    for (const name of regionNames) this.regions.set(name, new RegionState(name, accountId));
    this.loadBalancing = new LoadBalancingState(accountId);
  }

  region(name: string): RegionState {
    const found = this.regions.get(name);
    if (!found) throw new Error(`emulator: unknown region ${name}`);
    return found;
  }

  private now(): number {
    return ++this.clock;
  }

  /** RegisterTaskDefinition with ECS's validation; also the seed helper. */
  registerTaskDefinition(regionName: string, input: Json, registeredBy = this.callerArn): StoredTaskDefinition {
    const region = this.region(regionName);
    for (const key of Object.keys(input)) {
      if (READ_ONLY_FIELDS.has(key)) {
        throw clientException(`Unknown parameter "${key}": it is set by Amazon ECS and cannot be registered.`);
      }
      if (!REGISTER_FIELDS.has(key)) throw clientException(`Unknown parameter "${key}".`);
    }
    const family = input['family'];
    if (typeof family !== 'string' || family === '') throw clientException('Family must be specified.');
    if (!FAMILY_PATTERN.test(family)) {
      throw clientException('Family contains invalid characters: up to 255 letters, numbers, hyphens and underscores are allowed.');
    }
    const containers = input['containerDefinitions'];
    if (!Array.isArray(containers) || containers.length === 0) {
      throw clientException('Container definitions must be specified and must contain at least one container.');
    }
    containers.forEach((c, i) => {
      if (typeof c !== 'object' || c === null) throw clientException(`Container definition ${i} must be an object.`);
      const { name, image } = c as Json;
      if (typeof name !== 'string' || name === '') throw clientException('Container.name should not be null or empty.');
      if (typeof image !== 'string' || image === '') throw clientException('Container.image should not be null or empty.');
    });
    const tags = parseTags(input['tags']);
    const revisions = region.families.get(family) ?? [];
    const revision = (revisions.at(-1)?.taskDefinition.revision ?? 0) + 1;
    const { tags: _ignored, ...body } = input;
    const requires = Array.isArray(input['requiresCompatibilities']) ? (input['requiresCompatibilities'] as string[]) : [];
    const stored: StoredTaskDefinition = {
      taskDefinition: {
        taskDefinitionArn: `${region.arnPrefix()}:task-definition/${family}:${revision}`,
        ...structuredClone(body),
        family,
        revision,
        status: 'ACTIVE',
        networkMode: input['networkMode'] ?? 'bridge',
        volumes: input['volumes'] ?? [],
        placementConstraints: input['placementConstraints'] ?? [],
        requiresAttributes: [],
        compatibilities: requires.includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2'],
        registeredAt: this.now(),
        registeredBy,
      },
      tags,
    };
    revisions.push(stored);
    region.families.set(family, revisions);
    return stored;
  }

  deregisterTaskDefinition(regionName: string, reference: string): StoredTaskDefinition {
    const region = this.region(regionName);
    if (!reference.startsWith('arn:') && !reference.includes(':')) {
      throw clientException('Task definition revision must be specified (family:revision or the full ARN).');
    }
    const found = region.requireTaskDefinition(reference);
    found.taskDefinition.status = 'INACTIVE';
    found.taskDefinition['deregisteredAt'] = this.now();
    return found;
  }

  createCluster(regionName: string, name: string, tags?: Tag[]): Cluster {
    const region = this.region(regionName);
    const existing = region.clusters.get(name);
    if (existing) {
      if (tags) existing.tags = tags.map((t) => ({ ...t }));
      return existing;
    }
    const cluster: Cluster = {
      clusterArn: `${region.arnPrefix()}:cluster/${name}`,
      clusterName: name,
      tags: (tags ?? []).map((t) => ({ ...t })),
      services: new Map(),
      tasks: [],
    };
    region.clusters.set(name, cluster);
    return cluster;
  }

  /** A service with one completed PRIMARY deployment and its tasks running. */
  createService(regionName: string, seed: ServiceSeed): Service {
    const region = this.region(regionName);
    const cluster = this.createCluster(regionName, seed.cluster ?? 'default');
    const taskDefinition = region.requireTaskDefinition(seed.taskDefinition).taskDefinition.taskDefinitionArn;
    const desiredCount = seed.desiredCount ?? 1;
    const runningCount = seed.runningCount ?? desiredCount;
    const now = this.now();
    const service: Service = {
      serviceArn: `${region.arnPrefix()}:service/${cluster.clusterName}/${seed.name}`,
      serviceName: seed.name,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      taskDefinition,
      desiredCount,
      runningCount,
      pendingCount: 0,
      deployments: [
        {
          id: `ecs-svc/${region.nextId().slice(-19)}`,
          status: 'PRIMARY',
          taskDefinition,
          desiredCount,
          runningCount,
          pendingCount: 0,
          rolloutState: 'COMPLETED',
          createdAt: now,
          updatedAt: now,
        },
      ],
      deploymentController: { type: seed.deploymentController ?? 'ECS' },
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: seed.circuitBreaker ?? { enable: true, rollback: false },
      },
      ...(seed.assignPublicIp
        ? {
            networkConfiguration: {
              awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'], assignPublicIp: seed.assignPublicIp },
            },
          }
        : {}),
      loadBalancers: (seed.targetGroupArns ?? []).map((targetGroupArn) => ({ targetGroupArn, containerName: 'app', containerPort: 8080 })),
      tags: (seed.tags ?? []).map((t) => ({ ...t })),
      createdAt: now,
    };
    cluster.services.set(seed.name, service);
    this.runTasks(regionName, {
      cluster: cluster.clusterName,
      taskDefinition,
      count: runningCount,
      group: `service:${seed.name}`,
      startedBy: 'ecs-svc',
    });
    return service;
  }

  runTasks(
    regionName: string,
    options: { cluster?: string; taskDefinition: string; count?: number; group?: string; startedBy?: string; lastStatus?: string },
  ): Task[] {
    const region = this.region(regionName);
    const cluster = this.createCluster(regionName, options.cluster ?? 'default');
    const definition = region.requireTaskDefinition(options.taskDefinition).taskDefinition;
    const tasks: Task[] = [];
    for (let i = 0; i < (options.count ?? 1); i++) {
      const task: Task = {
        taskArn: `${region.arnPrefix()}:task/${cluster.clusterName}/${region.nextId()}`,
        clusterArn: cluster.clusterArn,
        taskDefinitionArn: definition.taskDefinitionArn,
        lastStatus: options.lastStatus ?? 'RUNNING',
        desiredStatus: 'RUNNING',
        group: options.group ?? `family:${definition.family}`,
        ...(options.startedBy ? { startedBy: options.startedBy } : {}),
        createdAt: this.now(),
      };
      cluster.tasks.push(task);
      tasks.push(task);
    }
    return tasks;
  }

  stopTask(regionName: string, taskArn: string): void {
    for (const cluster of this.region(regionName).clusters.values()) {
      const task = cluster.tasks.find((t) => t.taskArn === taskArn);
      if (task) {
        task.desiredStatus = 'STOPPED';
        task.lastStatus = 'STOPPED';
      }
    }
  }

  /** UpdateService: a new PRIMARY deployment on the new task definition; the old one stays ACTIVE until completed. */
  updateService(regionName: string, input: Json): Service {
    const region = this.region(regionName);
    const clusterRef = typeof input['cluster'] === 'string' ? input['cluster'] : 'default';
    const cluster = region.cluster(clusterRef);
    if (!cluster) throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
    const serviceRef = input['service'];
    if (typeof serviceRef !== 'string' || serviceRef === '') throw invalidParameter('Service must be specified.');
    const service = cluster.services.get(serviceRef.startsWith('arn:') ? serviceRef.slice(serviceRef.lastIndexOf('/') + 1) : serviceRef);
    if (!service || service.status !== 'ACTIVE') throw new ApiError('ServiceNotFoundException', 'Service not found.');
    if (input['desiredCount'] !== undefined) service.desiredCount = Number(input['desiredCount']);
    const reference = input['taskDefinition'];
    const forceNew = input['forceNewDeployment'] === true;
    if (typeof reference === 'string' || forceNew) {
      let arn = service.taskDefinition;
      if (typeof reference === 'string') {
        const found = region.findTaskDefinition(reference);
        if (!found) throw clientException('TaskDefinition not found.');
        if (found.taskDefinition.status !== 'ACTIVE') throw clientException('TaskDefinition is inactive');
        arn = found.taskDefinition.taskDefinitionArn;
      }
      const now = this.now();
      for (const d of service.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
      this.describesSinceUpdate.delete(`${regionName}/${cluster.clusterName}/${service.serviceName}`);
      service.deployments.unshift({
        id: `ecs-svc/${region.nextId().slice(-19)}`,
        status: 'PRIMARY',
        taskDefinition: arn,
        desiredCount: service.desiredCount,
        runningCount: 0,
        pendingCount: 0,
        rolloutState: 'IN_PROGRESS',
        createdAt: now,
        updatedAt: now,
      });
      service.taskDefinition = arn;
    }
    return service;
  }

  /**
   * Finishes a rollout: the PRIMARY deployment gets all tasks (old tasks stop,
   * new ones start) and the other deployments are dropped, as ECS does when a
   * deployment reaches steady state.
   */
  completeDeployment(regionName: string, clusterRef: string, name: string): Service {
    const region = this.region(regionName);
    const cluster = region.cluster(clusterRef);
    const service = cluster?.services.get(name);
    if (!cluster || !service) throw new Error(`emulator: no service ${clusterRef}/${name}`);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return service;
    for (const task of cluster.tasks) {
      if (task.group === `service:${name}` && task.desiredStatus === 'RUNNING') {
        task.desiredStatus = 'STOPPED';
        task.lastStatus = 'STOPPED';
      }
    }
    this.runTasks(regionName, {
      cluster: cluster.clusterName,
      taskDefinition: primary.taskDefinition,
      count: service.desiredCount,
      group: `service:${name}`,
      startedBy: 'ecs-svc',
    });
    primary.runningCount = service.desiredCount;
    primary.rolloutState = 'COMPLETED';
    service.runningCount = service.desiredCount;
    service.deployments = [primary];
    return service;
  }

  /**
   * The next rollouts matching `failure` fail as the deployment circuit breaker
   * fails them: when the rollout would complete, the PRIMARY deployment's
   * rolloutState becomes FAILED and the old deployment keeps its tasks.
   */
  failRollouts(failure: RolloutFailure = {}): void {
    this.rolloutFailures.push({ ...failure, used: 0 });
  }

  /**
   * Fails a rollout now: PRIMARY rolloutState FAILED with the circuit breaker's
   * reason; the ACTIVE deployment keeps its tasks. With the breaker's rollback
   * on, ECS then starts a deployment back to the last completed revision.
   */
  failDeployment(regionName: string, clusterRef: string, name: string): Service {
    const service = this.region(regionName).cluster(clusterRef)?.services.get(name);
    if (!service) throw new Error(`emulator: no service ${clusterRef}/${name}`);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return service;
    primary.rolloutState = 'FAILED';
    primary.failedTasks = Math.max(1, service.desiredCount);
    primary.rolloutStateReason = `ECS deployment circuit breaker: tasks failed to start. (${primary.id})`;
    primary.updatedAt = this.now();
    const previous = service.deployments.find((d) => d.status === 'ACTIVE');
    if (service.deploymentConfiguration.deploymentCircuitBreaker.rollback && previous) {
      this.updateService(regionName, { cluster: clusterRef, service: name, taskDefinition: previous.taskDefinition });
    }
    return service;
  }

  private rolloutFails(regionName: string, clusterName: string, service: Service): boolean {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const rule = this.rolloutFailures.find(
      (f) =>
        (f.times === undefined || f.used < f.times) &&
        (f.region === undefined || f.region === regionName) &&
        (f.cluster === undefined || f.cluster === clusterName) &&
        (f.service === undefined || f.service === service.serviceName) &&
        (f.taskDefinition === undefined || f.taskDefinition === primary?.taskDefinition),
    );
    if (rule) rule.used++;
    return rule !== undefined;
  }

  /** Called by DescribeServices before it answers: counts toward `completeDeploymentsAfterDescribes`. */
  noteServiceDescribed(regionName: string, clusterName: string, service: Service): void {
    const after = this.completeDeploymentsAfterDescribes;
    if (after === undefined) return;
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const settled = service.deployments.length === 1 && primary?.rolloutState === 'COMPLETED';
    if (settled || primary?.rolloutState === 'FAILED') return;
    const key = `${regionName}/${clusterName}/${service.serviceName}`;
    const seen = (this.describesSinceUpdate.get(key) ?? 0) + 1;
    if (seen < after) {
      this.describesSinceUpdate.set(key, seen);
      return;
    }
    this.describesSinceUpdate.delete(key);
    if (this.rolloutFails(regionName, clusterName, service)) this.failDeployment(regionName, clusterName, service.serviceName);
    else this.completeDeployment(regionName, clusterName, service.serviceName);
  }

  setTags(regionName: string, arn: string, tags: Tag[]): void {
    this.region(regionName).requireTaskDefinition(arn).tags = tags.map((t) => ({ ...t }));
  }
}

function parseTags(value: unknown): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw clientException('Tags must be a list.');
  return value.map((t) => {
    const { key, value: v } = (t ?? {}) as Json;
    if (typeof key !== 'string' || key === '') throw clientException('Tag keys must be non-empty strings.');
    return { key, value: typeof v === 'string' ? v : '' };
  });
}
