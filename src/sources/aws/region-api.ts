import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ScanError } from '../../model/finding.js';
import type { DescribedRevision } from './cache.js';
import type { AwsSdk } from './clients.js';
import { isAbort, toScanError } from './errors.js';
import type { Limiter } from './limiter.js';

/** A failed call, already turned into a report entry. */
export class AwsCallError extends Error {
  constructor(
    readonly scanError: ScanError,
    override readonly cause: unknown,
  ) {
    super(scanError.message);
  }
}

/** The largest page every ECS List* operation accepts. */
const MAX_PAGE = 100;

/**
 * The ECS calls of one region, each through the region's limiter (bounded
 * requests in flight) and the scan's abort signal. Lists follow every nextToken.
 */
export class RegionApi {
  constructor(
    readonly region: string,
    private readonly sdk: AwsSdk,
    private readonly client: ECSClient,
    private readonly limiter: Limiter,
    private readonly signal: AbortSignal | undefined,
    private readonly onCall: (operation: string) => void = () => undefined,
  ) {}

  private async send<T>(operation: string, resource: string | undefined, call: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    return this.limiter.run(async () => {
      this.signal?.throwIfAborted();
      this.onCall(operation);
      try {
        return await call(this.signal ? { abortSignal: this.signal } : {});
      } catch (error) {
        if (isAbort(error) || this.signal?.aborted) throw this.signal?.reason ?? error;
        throw new AwsCallError(toScanError(error, { service: 'ecs', operation, region: this.region, ...(resource ? { resource } : {}) }), error);
      }
    });
  }

  private async all<P extends { nextToken?: string | undefined }>(
    operation: string,
    resource: string | undefined,
    page: (nextToken: string | undefined, options: { abortSignal?: AbortSignal }) => Promise<P>,
    items: (page: P) => string[] | undefined,
  ): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const result = await this.send(operation, resource, (options) => page(token, options));
      out.push(...(items(result) ?? []));
      nextToken = result.nextToken;
    } while (nextToken);
    return out;
  }

  listTaskDefinitionArns(status: 'ACTIVE' | 'INACTIVE'): Promise<string[]> {
    const { ListTaskDefinitionsCommand } = this.sdk.ecs;
    return this.all(
      'ListTaskDefinitions',
      undefined,
      (nextToken, options) => this.client.send(new ListTaskDefinitionsCommand({ status, maxResults: MAX_PAGE, nextToken }), options),
      (page) => page.taskDefinitionArns,
    );
  }

  listClusters(): Promise<string[]> {
    const { ListClustersCommand } = this.sdk.ecs;
    return this.all(
      'ListClusters',
      undefined,
      (nextToken, options) => this.client.send(new ListClustersCommand({ maxResults: MAX_PAGE, nextToken }), options),
      (page) => page.clusterArns,
    );
  }

  listServices(cluster: string): Promise<string[]> {
    const { ListServicesCommand } = this.sdk.ecs;
    return this.all(
      'ListServices',
      cluster,
      (nextToken, options) => this.client.send(new ListServicesCommand({ cluster, maxResults: MAX_PAGE, nextToken }), options),
      (page) => page.serviceArns,
    );
  }

  /** Tasks ECS is running or starting (desiredStatus RUNNING). */
  listTasks(cluster: string): Promise<string[]> {
    const { ListTasksCommand } = this.sdk.ecs;
    return this.all(
      'ListTasks',
      cluster,
      (nextToken, options) => this.client.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', maxResults: MAX_PAGE, nextToken }), options),
      (page) => page.taskArns,
    );
  }

  /** At most 10 services per call (the API's limit). */
  async describeServices(cluster: string, services: string[]) {
    const { DescribeServicesCommand } = this.sdk.ecs;
    const result = await this.send('DescribeServices', cluster, (options) => this.client.send(new DescribeServicesCommand({ cluster, services }), options));
    return { services: result.services ?? [], failures: result.failures ?? [] };
  }

  /** At most 100 tasks per call (the API's limit). */
  async describeTasks(cluster: string, tasks: string[]) {
    const { DescribeTasksCommand } = this.sdk.ecs;
    const result = await this.send('DescribeTasks', cluster, (options) => this.client.send(new DescribeTasksCommand({ cluster, tasks }), options));
    return { tasks: result.tasks ?? [], failures: result.failures ?? [] };
  }

  async describeTaskDefinition(arn: string): Promise<DescribedRevision> {
    const { DescribeTaskDefinitionCommand } = this.sdk.ecs;
    const result = await this.send('DescribeTaskDefinition', arn, (options) =>
      this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }), options),
    );
    const definition = result.taskDefinition;
    if (!definition?.taskDefinitionArn) {
      throw new AwsCallError(
        { message: 'DescribeTaskDefinition returned no task definition', region: this.region, operation: 'DescribeTaskDefinition', resource: arn },
        undefined,
      );
    }
    return {
      taskDefinition: jsonClone(definition) as DescribedRevision['taskDefinition'],
      tags: (result.tags ?? []).map((t) => ({ ...(t.key !== undefined ? { key: t.key } : {}), ...(t.value !== undefined ? { value: t.value } : {}) })),
    };
  }
}

/** The API response as plain JSON (dates become ISO strings), as the cache stores it. */
function jsonClone(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
