import { setMaxListeners } from 'node:events';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { type LiveSource, type SourceDefinition, type SourceOutput, emptyOutput, mergeOutputs } from '../source.js';
import { type Credentials, DEFAULT_MAX_ATTEMPTS } from '../aws/clients.js';
import { describeAwsError, isAbort } from '../aws/errors.js';
import { withBoundedHeapGrowth } from '../heap-growth.js';
import {
  type ConfigurationItem,
  TASK_DEFINITION_RESOURCE_TYPE,
  mapConfigurationItem,
  readConfigurationItem,
} from './configuration-item.js';

/**
 * Which recorded revisions to evaluate. Config records every task definition
 * revision as its own resource; advanced queries return the current state, so
 * deregistered (INACTIVE) revisions, recorded as deleted, are not there.
 * `active` = every recorded ACTIVE revision (like `--scope active`);
 * `latest` = the highest ACTIVE revision per family, account and region (like
 * `--scope latest` and AWS's managed rules). Usage (`in-use`) is not recorded.
 */
export type AggregatorScope = 'latest' | 'active';

export interface AggregatorScanOptions {
  aggregator: string;
  /** The region the aggregator lives in. */
  region: string;
  scope: AggregatorScope;
  profile?: string;
  credentials?: Credentials;
  endpointUrl?: string;
  maxAttempts?: number;
}

export interface AggregatorScanStats {
  pages: number;
  items: number;
  evaluated: number;
}

/** The query ecsguard sends: only the fields the model needs, every task definition item. */
export const AGGREGATOR_QUERY =
  'SELECT accountId, awsRegion, arn, resourceId, resourceName, resourceType, configurationItemStatus, ' +
  `configurationItemCaptureTime, configuration, tags WHERE resourceType = '${TASK_DEFINITION_RESOURCE_TYPE}'`;

/** The largest page SelectAggregateResourceConfig returns. */
const PAGE = 100;

/**
 * `scan --source config-aggregator NAME`: every AWS::ECS::TaskDefinition
 * configuration item of the accounts and regions an AWS Config aggregator
 * collects, read with one paginated advanced query from the aggregator
 * account (no role in member accounts), mapped to the model and evaluated
 * locally with the same checks.
 */
export class ConfigAggregatorSource implements LiveSource {
  readonly stats: AggregatorScanStats = { pages: 0, items: 0, evaluated: 0 };

  constructor(private readonly options: AggregatorScanOptions) {}

  async load(signal?: AbortSignal): Promise<SourceOutput> {
    const parts: SourceOutput[] = [];
    await this.loadInParts(signal, (part) => {
      parts.push(part);
    });
    return mergeOutputs(parts);
  }

  /** With `--scope active`, each page is handed over as it arrives; `latest` needs every page first. */
  loadInParts(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void> {
    // Pages of items and their values die in the old generation: see withBoundedHeapGrowth.
    return withBoundedHeapGrowth(() => this.readAggregator(signal, onPart));
  }

  private async readAggregator(signal: AbortSignal | undefined, onPart: (part: SourceOutput) => void | Promise<void>): Promise<void> {
    if (signal) setMaxListeners(0, signal);
    const sdk = await import('@aws-sdk/client-config-service');
    const { options } = this;
    const client: ConfigServiceClient = new sdk.ConfigServiceClient({
      region: options.region,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'adaptive',
    });
    let output = emptyOutput();
    // For `latest`, only the best revision per family so far is kept, as the row Config returned (its text is a
    // fraction of the mapped value tree): memory follows families, not revisions.
    const latest = new Map<string, { revision: number; row: string }>();
    try {
      const pages = sdk.paginateSelectAggregateResourceConfig(
        { client, pageSize: PAGE },
        { ConfigurationAggregatorName: options.aggregator, Expression: AGGREGATOR_QUERY },
        signal ? { abortSignal: signal } : {},
      );
      for await (const page of pages) {
        this.stats.pages++;
        for (const row of page.Results ?? []) {
          this.stats.items++;
          let item: ConfigurationItem;
          try {
            item = JSON.parse(row) as ConfigurationItem;
          } catch {
            output.errors.push({
              message: 'SelectAggregateResourceConfig returned a row that is not JSON',
              operation: 'SelectAggregateResourceConfig',
              region: options.region,
            });
            continue;
          }
          // `latest` maps only the rows it keeps (once the query is read); here it needs no more than the resource.
          const mapped = options.scope === 'active' ? mapConfigurationItem(item) : readConfigurationItem(item);
          if (mapped.kind === 'deleted') continue;
          if (mapped.kind === 'error') {
            const error = { ...mapped.error, operation: 'SelectAggregateResourceConfig' };
            if (mapped.resource) output.failures.push({ resource: mapped.resource, error });
            else output.errors.push(error);
            continue;
          }
          if ('definition' in mapped) output.definitions.push(mapped.definition);
          else {
            const r = mapped.resource;
            const key = `${r.accountId}/${r.region}/${r.family}`;
            const kept = latest.get(key);
            if (!kept || kept.revision < (r.revision ?? 0)) latest.set(key, { revision: r.revision ?? 0, row });
          }
        }
        if (options.scope === 'active') {
          this.stats.evaluated += output.definitions.length;
          await onPart(output);
          output = emptyOutput();
        }
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isAbort(error)) throw error;
      output.errors.push({
        message:
          `AWS Config aggregator ${options.aggregator} (${options.region}): ` +
          `${describeAwsError(error, 'config', 'SelectAggregateResourceConfig')}; ` +
          'the items read so far are reported, the rest were not read',
        operation: 'SelectAggregateResourceConfig',
        region: options.region,
      });
    } finally {
      client.destroy();
    }
    if (options.scope === 'latest') {
      // Mapped again and handed over a page at a time: each part is checked and dropped.
      this.stats.evaluated = latest.size;
      let definitions: SourceDefinition[] = [];
      for (const [key, { row }] of latest) {
        latest.delete(key);
        const mapped = mapConfigurationItem(JSON.parse(row) as ConfigurationItem);
        if (mapped.kind === 'definition') definitions.push(mapped.definition);
        if (definitions.length === PAGE) {
          await onPart({ ...emptyOutput(), definitions });
          definitions = [];
        }
      }
      output.definitions.push(...definitions);
    }
    await onPart(output);
  }
}
