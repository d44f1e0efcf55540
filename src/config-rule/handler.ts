import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { selectChecks } from '../checks/catalogue.js';
import { frameworkChecks } from '../checks/frameworks.js';
import type { Check } from '../checks/types.js';
import { scan } from '../engine/scan.js';
import type { Credentials } from '../sources/aws/clients.js';
import { AwsLiveSource } from '../sources/aws/live-source.js';
import { type ConfigurationItem, TASK_DEFINITION_RESOURCE_TYPE, mapConfigurationItem } from '../sources/config/configuration-item.js';
import { emptyOutput } from '../sources/source.js';
import { type Evaluation, evaluationsFor, verdictFor } from './evaluations.js';

/** The event AWS Config sends a custom Lambda rule. */
export interface ConfigRuleEvent {
  /** JSON: the configuration item (or its summary, or the schedule) and `messageType`. */
  invokingEvent: string;
  /** JSON: the rule's input parameters. */
  ruleParameters?: string;
  resultToken: string;
  /** The resource is no longer in the rule's scope: NOT_APPLICABLE. */
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn?: string;
  configRuleName?: string;
  accountId?: string;
  version?: string;
}

interface InvokingEvent {
  messageType: 'ConfigurationItemChangeNotification' | 'OversizedConfigurationItemChangeNotification' | 'ScheduledNotification' | string;
  configurationItem?: ConfigurationItem;
  configurationItemSummary?: {
    resourceType?: string;
    resourceId?: string;
    awsRegion?: string;
    configurationItemStatus?: string;
    configurationItemCaptureTime?: string;
  };
  notificationCreationTime?: string;
  awsAccountId?: string;
}

/**
 * Rule parameters (the rule's InputParameters): `checks`, comma-separated check
 * ids or groups (`default`, `hardening`, `all`) the rule runs (default: the
 * checks a plain scan runs); `frameworks`, comma-separated framework ids whose
 * checks are added (as `scan --framework`); `scope`, for scheduled runs,
 * `latest` or `active` (default) ACTIVE revisions of the account and region.
 */
export interface RuleParameters {
  checks?: string;
  frameworks?: string;
  scope?: 'latest' | 'active';
}

export interface ConfigRuleOptions {
  /** Tests and emulators: one endpoint for Config and ECS. */
  endpointUrl?: string;
  credentials?: Credentials;
  /** Default: AWS_REGION (set by Lambda). */
  region?: string;
}

export interface ConfigRuleResult {
  messageType: string;
  evaluations: Evaluation[];
}

/** The SDK's PutEvaluations limit. */
const BATCH = 100;

/**
 * An AWS Config custom rule running ecsguard's checks, unchanged, on
 * AWS::ECS::TaskDefinition:
 * - ConfigurationItemChangeNotification: evaluates the item in the event;
 * - OversizedConfigurationItemChangeNotification: the item was too large for
 *   the event; it is read with GetResourceConfigHistory;
 * - ScheduledNotification: evaluates the account-region's ACTIVE revisions
 *   through ECS (the live source), for rules with a MaximumExecutionFrequency.
 * Results go back with PutEvaluations.
 */
export function createConfigRuleHandler(options: ConfigRuleOptions = {}) {
  return async function handler(event: ConfigRuleEvent): Promise<ConfigRuleResult> {
    const invoking = JSON.parse(event.invokingEvent) as InvokingEvent;
    const parameters = parseParameters(event.ruleParameters);
    const checks = ruleChecks(parameters);
    const region = options.region ?? process.env['AWS_REGION'] ?? invoking.configurationItem?.awsRegion ?? 'us-east-1';
    const sdk = await import('@aws-sdk/client-config-service');
    const client = new sdk.ConfigServiceClient({
      region,
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 5,
      retryMode: 'adaptive',
    });
    try {
      let evaluations: Evaluation[];
      switch (invoking.messageType) {
        case 'ConfigurationItemChangeNotification':
          evaluations = await evaluateItem(invoking.configurationItem, event, checks, invoking.notificationCreationTime);
          break;
        case 'OversizedConfigurationItemChangeNotification':
          evaluations = await evaluateItem(await fetchItem(sdk, client, invoking), event, checks, invoking.notificationCreationTime);
          break;
        case 'ScheduledNotification':
          evaluations = await evaluateAccount(
            region,
            options,
            checks,
            parameters.scope ?? 'active',
            new Date(invoking.notificationCreationTime ?? Date.now()),
          );
          break;
        default:
          throw new Error(`ecsguard config rule: unsupported messageType ${invoking.messageType}`);
      }
      for (let i = 0; i < evaluations.length; i += BATCH) {
        await client.send(new sdk.PutEvaluationsCommand({ ResultToken: event.resultToken, Evaluations: evaluations.slice(i, i + BATCH) }));
      }
      return { messageType: invoking.messageType, evaluations };
    } finally {
      client.destroy();
    }
  };
}

const list = (text: string | undefined) =>
  text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** The checks a rule runs: its `checks` (ids or groups) plus the checks of its `frameworks`, as the CLI selects them. */
export function ruleChecks(parameters: RuleParameters): Check[] {
  const only = list(parameters.checks);
  const frameworks = list(parameters.frameworks) ?? [];
  if (frameworks.length === 0) return selectChecks(only, undefined);
  return selectChecks([...(only ?? []), ...frameworkChecks(frameworks).map((c) => c.meta.id)], undefined);
}

function parseParameters(text: string | undefined): RuleParameters {
  if (!text) return {};
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const out: RuleParameters = {};
  if (typeof parsed['checks'] === 'string') out.checks = parsed['checks'];
  if (typeof parsed['frameworks'] === 'string') out.frameworks = parsed['frameworks'];
  if (parsed['scope'] === 'latest' || parsed['scope'] === 'active') out.scope = parsed['scope'];
  else if (parsed['scope'] !== undefined)
    throw new Error(`ecsguard config rule: scope must be latest or active, not ${String(parsed['scope'])}`);
  return out;
}

async function fetchItem(
  sdk: typeof import('@aws-sdk/client-config-service'),
  client: ConfigServiceClient,
  invoking: InvokingEvent,
): Promise<ConfigurationItem | undefined> {
  const summary = invoking.configurationItemSummary;
  if (!summary?.resourceId) throw new Error('ecsguard config rule: oversized notification without configurationItemSummary.resourceId');
  if (summary.configurationItemStatus === 'ResourceDeleted' || summary.configurationItemStatus === 'ResourceDeletedNotRecorded') {
    return { ...summary, configuration: null };
  }
  const history = await client.send(
    new sdk.GetResourceConfigHistoryCommand({ resourceType: TASK_DEFINITION_RESOURCE_TYPE, resourceId: summary.resourceId, limit: 1 }),
  );
  const item = history.configurationItems?.[0];
  if (!item) return undefined;
  return { ...item, configurationItemCaptureTime: item.configurationItemCaptureTime?.toISOString() };
}

async function evaluateItem(
  item: ConfigurationItem | undefined,
  event: ConfigRuleEvent,
  checks: readonly Check[],
  notified: string | undefined,
): Promise<Evaluation[]> {
  if (!item) throw new Error('ecsguard config rule: the notification carries no configuration item');
  const resourceId = item.resourceId ?? item.arn ?? '';
  const ordering = new Date(item.configurationItemCaptureTime ?? notified ?? Date.now());
  const base = {
    ComplianceResourceType: TASK_DEFINITION_RESOURCE_TYPE,
    ComplianceResourceId: resourceId,
    OrderingTimestamp: ordering,
  } as const;
  if (item.resourceType !== undefined && item.resourceType !== TASK_DEFINITION_RESOURCE_TYPE) {
    return [
      {
        ...base,
        ComplianceResourceType: item.resourceType as never,
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: `ecsguard evaluates ${TASK_DEFINITION_RESOURCE_TYPE} only`,
      },
    ];
  }
  if (event.eventLeftScope) return [{ ...base, ComplianceType: 'NOT_APPLICABLE' }];
  const mapped = mapConfigurationItem(item);
  if (mapped.kind === 'deleted')
    return [{ ...base, ComplianceType: 'NOT_APPLICABLE', Annotation: 'the task definition revision was deregistered' }];
  const output = emptyOutput();
  if (mapped.kind === 'error') {
    if (mapped.resource) output.failures.push({ resource: mapped.resource, error: mapped.error });
    else output.errors.push(mapped.error);
  } else output.definitions.push(mapped.definition);
  const result = await scan({ paths: [], checks, includePassed: true, liveSources: [{ load: () => Promise.resolve(output) }] });
  const verdict = verdictFor(
    result.findings,
    result.errors.map((e) => e.message),
  );
  return [{ ...base, ComplianceType: verdict.type, ...(verdict.annotation ? { Annotation: verdict.annotation } : {}) }];
}

async function evaluateAccount(
  region: string,
  options: ConfigRuleOptions,
  checks: readonly Check[],
  scope: 'latest' | 'active',
  ordering: Date,
): Promise<Evaluation[]> {
  const source = new AwsLiveSource({
    scope,
    regions: [region],
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  // PASS findings too: every revision must get an evaluation, compliant ones included.
  const result = await scan({ paths: [], checks, includePassed: true, liveSources: [source] });
  if (result.errors.some((e) => !e.resource)) {
    // The account could not be listed: say so (the Lambda fails and Config retries) instead of a partial COMPLIANT picture.
    throw new Error(`ecsguard config rule: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return evaluationsFor(result, checks, ordering);
}

/** The Lambda entry point (handler `index.handler` in the bundle). */
export const handler = createConfigRuleHandler();
