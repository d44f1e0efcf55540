import type { EcsApi } from '../../src/sources/aws/ecs-api.js';

/** A describer's progress hooks that record nothing. */
export const NO_PROGRESS = { cacheHit: () => undefined, described: () => undefined, failed: () => undefined };

/**
 * A fake ECS API whose DescribeTaskDefinition waits for `wait()` and then returns the revision: it counts the
 * describes in flight now (`running`) and the most seen at once (`most`).
 */
export function countingDescribes(wait: () => Promise<unknown>): { api: EcsApi; running: () => number; most: () => number } {
  let running = 0;
  let most = 0;
  const api = {
    describeTaskDefinition: async (_region: string, arn: string) => {
      running++;
      most = Math.max(most, running);
      await wait();
      running--;
      return { taskDefinition: { taskDefinitionArn: arn }, tags: [] };
    },
  } as unknown as EcsApi;
  return { api, running: () => running, most: () => most };
}
