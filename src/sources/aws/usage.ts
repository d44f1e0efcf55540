import type { ScanError } from '../../model/finding.js';
import type { Usage } from '../../model/task-definition.js';
import { lastSegment } from './arn.js';
import { chunk } from './limiter.js';
import { AwsCallError, type RegionApi } from './region-api.js';

/** Which revisions run in a region: tasks ECS runs or starts, and services' deployments. */
export interface RegionUsage {
  byArn: Map<string, Usage>;
  /** False when a call failed: absent usage then means "unknown", not "unused". */
  complete: boolean;
  errors: ScanError[];
}

/** DescribeServices takes at most 10 services, DescribeTasks at most 100 tasks. */
const SERVICES_PER_CALL = 10;
const TASKS_PER_CALL = 100;

export async function lookUpUsage(api: RegionApi): Promise<RegionUsage> {
  const usage: RegionUsage = { byArn: new Map(), complete: true, errors: [] };
  const entry = (arn: string): Usage => {
    let found = usage.byArn.get(arn);
    if (!found) {
      found = { runningTasks: 0, services: [] };
      usage.byArn.set(arn, found);
    }
    return found;
  };
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof AwsCallError)) throw error;
      usage.complete = false;
      usage.errors.push(error.scanError);
    }
  };

  let clusters: string[] = [];
  await attempt(async () => {
    clusters = await api.listClusters();
  });

  await Promise.all(
    clusters.flatMap((cluster) => [
      attempt(async () => {
        const serviceArns = await api.listServices(cluster);
        await Promise.all(
          chunk(serviceArns, SERVICES_PER_CALL).map((batch) =>
            attempt(async () => {
              const { services } = await api.describeServices(cluster, batch);
              for (const service of services) {
                if (service.status === 'INACTIVE') continue;
                const name = `${lastSegment(cluster)}/${service.serviceName ?? lastSegment(service.serviceArn ?? '')}`;
                const used = new Set((service.deployments ?? []).map((d) => d.taskDefinition).filter((a): a is string => !!a));
                if (used.size === 0 && service.taskDefinition) used.add(service.taskDefinition);
                for (const arn of used) {
                  const services = entry(arn).services;
                  if (!services.includes(name)) services.push(name);
                }
              }
            }),
          ),
        );
      }),
      attempt(async () => {
        const taskArns = await api.listTasks(cluster);
        await Promise.all(
          chunk(taskArns, TASKS_PER_CALL).map((batch) =>
            attempt(async () => {
              const { tasks } = await api.describeTasks(cluster, batch);
              for (const task of tasks) if (task.taskDefinitionArn) entry(task.taskDefinitionArn).runningTasks++;
            }),
          ),
        );
      }),
    ]),
  );
  for (const value of usage.byArn.values()) value.services.sort();
  return usage;
}
