import { clientException } from './errors.js';

export type Json = Record<string, unknown>;
export interface Tag {
  key: string;
  value: string;
}

export interface StoredTaskDefinition {
  /** The describe shape: taskDefinitionArn, family, revision, status, containerDefinitions, … */
  taskDefinition: Json & { taskDefinitionArn: string; family: string; revision: number; status: string };
  tags: Tag[];
}

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  rolloutState: 'COMPLETED' | 'IN_PROGRESS' | 'FAILED';
  /** Why the rollout is in its state (ECS sets it, e.g. for a circuit-breaker failure). */
  rolloutStateReason?: string;
  failedTasks?: number;
  createdAt: number;
  updatedAt: number;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType?: string;
  deployments: Deployment[];
  /** ECS rolling deployments (the only controller whose deployments the fixer moves). */
  deploymentController: { type: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL' };
  deploymentConfiguration: {
    maximumPercent: number;
    minimumHealthyPercent: number;
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  };
  networkConfiguration?: { awsvpcConfiguration: { subnets: string[]; securityGroups: string[]; assignPublicIp: 'ENABLED' | 'DISABLED' } };
  loadBalancers: Array<{ targetGroupArn?: string; loadBalancerName?: string; containerName: string; containerPort: number }>;
  /** Returned by DescribeServices only with include: ["TAGS"]. */
  tags: Tag[];
  createdAt: number;
}

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  group: string;
  startedBy?: string;
  createdAt: number;
}

export interface Cluster {
  clusterArn: string;
  clusterName: string;
  /** Returned by DescribeClusters only with include: ["TAGS"]. */
  tags: Tag[];
  services: Map<string, Service>;
  tasks: Task[];
}

/** One region of the emulated account. */
export class RegionState {
  /** Families in registration order; revisions in ascending order. */
  readonly families = new Map<string, StoredTaskDefinition[]>();
  readonly clusters = new Map<string, Cluster>();
  private sequence = 0;

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  arnPrefix(): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}`;
  }

  nextId(): string {
    this.sequence++;
    return this.sequence.toString(16).padStart(32, '0');
  }

  /** Every stored revision, sorted by family name then revision, as ECS lists them. */
  allRevisions(): StoredTaskDefinition[] {
    return [...this.families.keys()].sort().flatMap((f) => this.families.get(f) ?? []);
  }

  /** Resolves `family`, `family:revision` or an ARN like ECS does (a bare family is its latest ACTIVE revision). */
  findTaskDefinition(reference: string): StoredTaskDefinition | undefined {
    let familyAndRevision = reference;
    if (reference.startsWith('arn:')) {
      const match = /^arn:aws[\w-]*:ecs:([^:]+):(\d+):task-definition\/(.+)$/.exec(reference);
      if (!match || match[1] !== this.region || match[2] !== this.accountId) return undefined;
      familyAndRevision = match[3] ?? '';
    }
    const colon = familyAndRevision.lastIndexOf(':');
    if (colon < 0) {
      const revisions = this.families.get(familyAndRevision) ?? [];
      return [...revisions].reverse().find((r) => r.taskDefinition.status === 'ACTIVE');
    }
    const family = familyAndRevision.slice(0, colon);
    const revision = Number(familyAndRevision.slice(colon + 1));
    return this.families.get(family)?.find((r) => r.taskDefinition.revision === revision);
  }

  requireTaskDefinition(reference: string): StoredTaskDefinition {
    const found = this.findTaskDefinition(reference);
    if (!found) throw clientException('Unable to describe task definition.');
    return found;
  }

  cluster(reference: string | undefined): Cluster | undefined {
    const name = clusterName(reference ?? 'default');
    return this.clusters.get(name);
  }
}

export function clusterName(reference: string): string {
  const slash = reference.lastIndexOf('/');
  return reference.startsWith('arn:') && slash >= 0 ? reference.slice(slash + 1) : reference;
}

export function serviceName(reference: string): string {
  // arn:aws:ecs:region:account:service/cluster/name (new format) or service/name (old).
  return reference.startsWith('arn:') ? reference.slice(reference.lastIndexOf('/') + 1) : reference;
}
