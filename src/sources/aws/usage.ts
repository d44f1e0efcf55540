import type { ScanError } from '../../model/finding.js';
import type { Usage } from '../../model/task-definition.js';
import { lastSegment } from './arn.js';
import { EcsCallError, type EcsApi, chunk } from './ecs-api.js';

/** DescribeServices takes at most 10 services, DescribeTasks at most 100 tasks: the batches go out together. */
const SERVICES_PER_CALL = 10;
const TASKS_PER_CALL = 100;

/** Which revisions run in a region: tasks ECS runs or starts, and services' deployments. */
export interface RegionUsage {
  byArn: Map<string, Usage>;
  /** False when a call failed: absent usage then means "unknown", not "unused". */
  complete: boolean;
  errors: ScanError[];
}

export async function lookUpUsage(api: EcsApi, region: string): Promise<RegionUsage> {
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
      if (!(error instanceof EcsCallError)) throw error;
      usage.complete = false;
      usage.errors.push(error.scanError);
    }
  };

  let clusters: string[] = [];
  await attempt(async () => {
    clusters = await api.listClusterArns(region);
  });

  await Promise.all(
    clusters.flatMap((cluster) => [
      attempt(async () => {
        const names = await api.listServices(region, cluster);
        await Promise.all(
          chunk(names, SERVICES_PER_CALL).map((batch) =>
            attempt(async () => {
              for (const service of await api.describeServices(region, cluster, batch)) {
                if (service.status === 'INACTIVE') continue;
                const name = `${lastSegment(cluster)}/${service.service}`;
                const used = new Set(service.deployments.map((d) => d.taskDefinition).filter(Boolean));
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
        const tasks = await api.listTasks(region, cluster);
        await Promise.all(
          chunk(tasks, TASKS_PER_CALL).map((batch) =>
            attempt(async () => {
              for (const task of await api.describeTasks(region, cluster, batch)) entry(task.taskDefinitionArn).runningTasks++;
            }),
          ),
        );
      }),
    ]),
  );
  for (const value of usage.byArn.values()) value.services.sort();
  return usage;
}
