import type { EmulatedAccount } from './account.js';
import { ApiError } from './errors.js';
import type { EmulatedOrganization } from './organization.js';
import type { Json, StoredTaskDefinition } from './state.js';

/** awsJson1_1 target prefix of AWS Config. */
export const CONFIG_TARGET_PREFIX = 'StarlingDoveService.';

const TASK_DEFINITION_TYPE = 'AWS::ECS::TaskDefinition';

/**
 * The configuration item AWS Config records for a task definition revision.
 * Config records AWS::ECS::TaskDefinition through its CloudFormation resource
 * schema, so `configuration` has CloudFormation's PascalCase property names
 * (`ContainerDefinitions[].Privileged`, `NetworkMode`) plus `TaskDefinitionArn`
 * and `Status`, not DescribeTaskDefinition's camelCase; read-only describe
 * fields (`registeredAt`, `compatibilities`, `revision`) are absent. A
 * deregistered revision is recorded as ResourceDeleted.
 * (Property list: AWS Config resource schema, AWS::ECS::TaskDefinition.)
 */
export function configurationItem(accountId: string, region: string, stored: StoredTaskDefinition): Json {
  const td = stored.taskDefinition;
  const {
    taskDefinitionArn,
    family,
    revision,
    status,
    registeredAt,
    registeredBy,
    compatibilities,
    requiresAttributes,
    deregisteredAt,
    ...rest
  } = td;
  registeredBy;
  compatibilities;
  requiresAttributes;
  deregisteredAt;
  const deleted = status !== 'ACTIVE';
  const captured = new Date(Number(registeredAt ?? 1_700_000_000) * 1000).toISOString();
  return {
    version: '1.3',
    accountId,
    configurationItemCaptureTime: captured,
    configurationItemStatus: deleted ? 'ResourceDeleted' : 'OK',
    configurationStateId: `${Number(registeredAt ?? 0) * 1000}`,
    configurationItemMD5Hash: '',
    arn: taskDefinitionArn,
    resourceType: TASK_DEFINITION_TYPE,
    resourceId: taskDefinitionArn,
    resourceName: `${family}:${revision}`,
    awsRegion: region,
    availabilityZone: 'Regional',
    resourceCreationTime: captured,
    tags: Object.fromEntries(stored.tags.map((t) => [t.key, t.value])),
    relatedEvents: [],
    relationships: [],
    configuration: deleted ? null : { ...(toPascal({ ...rest, family }) as Json), TaskDefinitionArn: taskDefinitionArn, Status: status },
    supplementaryConfiguration: {},
  };
}

/** Maps whose keys are the user's data (Docker labels, driver and log options): kept as written. */
const USER_MAPS = new Set(['dockerLabels', 'options', 'driverOpts', 'labels']);

function toPascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPascal);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Json).map(([key, v]) => [key.charAt(0).toUpperCase() + key.slice(1), USER_MAPS.has(key) ? v : toPascal(v)]),
  );
}

/** Advanced-query rows for the aggregator: `tags` is a list of {key, value, tag} there. */
function queryRow(item: Json, fields: string[] | '*'): Json {
  const tags = Object.entries((item['tags'] ?? {}) as Record<string, string>).map(([key, value]) => ({
    key,
    value,
    tag: `${key}=${value}`,
  }));
  const row: Json = { ...item, tags };
  if (fields === '*') return row;
  return Object.fromEntries(fields.filter((f) => f in row).map((f) => [f, row[f]]));
}

interface Snapshot {
  rows: Array<{ accountId: string; region: string; stored: StoredTaskDefinition }>;
  fields: string[] | '*';
}

const snapshots = new Map<string, Snapshot>();
let snapshotSequence = 0;

/** Pages of at most 100 rows, as the service allows (Limit 0–100). */
const QUERY_PAGE = 100;

export function runConfig(
  organization: EmulatedOrganization | undefined,
  caller: EmulatedAccount,
  region: string,
  operation: string,
  input: Json,
): Json {
  switch (operation) {
    case 'SelectAggregateResourceConfig':
      return selectAggregate(organization, caller, input);
    case 'GetResourceConfigHistory':
      return history(caller, region, input);
    case 'PutEvaluations':
      return putEvaluations(organization, caller, region, input);
    default:
      throw new ApiError('UnknownOperationException', `The emulator does not implement config ${operation}.`);
  }
}

function selectAggregate(organization: EmulatedOrganization | undefined, caller: EmulatedAccount, input: Json): Json {
  const name = String(input['ConfigurationAggregatorName'] ?? '');
  if (!organization?.aggregators.has(name) || caller !== organization.management) {
    throw new ApiError(
      'NoSuchConfigurationAggregatorException',
      `The configuration aggregator does not exist. Check the configuration aggregator name and try again.`,
    );
  }
  const limit = input['Limit'] ?? input['MaxResults'];
  const size = limit === undefined || Number(limit) === 0 ? QUERY_PAGE : Number(limit);
  if (!Number.isInteger(size) || size < 0 || size > QUERY_PAGE)
    throw new ApiError('InvalidLimitException', 'The limit must be between 0 and 100.');

  let snapshotId: string;
  let offset = 0;
  if (input['NextToken'] !== undefined) {
    const [id, at] = String(input['NextToken']).split(':');
    if (!id || !snapshots.has(id) || !/^\d+$/.test(at ?? ''))
      throw new ApiError('InvalidNextTokenException', 'The specified next token is invalid.');
    snapshotId = id;
    offset = Number(at);
  } else {
    const parsed = parseQuery(String(input['Expression'] ?? ''));
    const rows: Snapshot['rows'] = [];
    if (parsed.resourceType === TASK_DEFINITION_TYPE) {
      for (const [accountId, member] of organization.members) {
        for (const [regionName, state] of member.account.regions) {
          // Deleted (deregistered) revisions are not in the current state that advanced queries read.
          for (const stored of state.allRevisions())
            if (stored.taskDefinition.status === 'ACTIVE') rows.push({ accountId, region: regionName, stored });
        }
      }
    }
    snapshotSequence++;
    snapshotId = `q${snapshotSequence}`;
    snapshots.set(snapshotId, { rows, fields: parsed.fields });
  }
  const snapshot = snapshots.get(snapshotId)!;
  const page = snapshot.rows
    .slice(offset, offset + size)
    .map((r) => JSON.stringify(queryRow(configurationItem(r.accountId, r.region, r.stored), snapshot.fields)));
  const end = offset + size;
  if (end >= snapshot.rows.length) snapshots.delete(snapshotId);
  return {
    Results: page,
    QueryInfo: { SelectFields: snapshot.fields === '*' ? [{ Name: '*' }] : snapshot.fields.map((Name) => ({ Name })) },
    ...(end < snapshot.rows.length ? { NextToken: `${snapshotId}:${end}` } : {}),
  };
}

/** The subset of Config's SQL the scanner sends: SELECT fields WHERE resourceType = '…'. */
function parseQuery(expression: string): { fields: string[] | '*'; resourceType: string } {
  const match = /^\s*SELECT\s+(.+?)\s+WHERE\s+resourceType\s*=\s*'([^']+)'\s*$/is.exec(expression);
  if (!match) throw new ApiError('InvalidExpressionException', `The emulator does not understand the query: ${expression}`);
  const list = (match[1] ?? '').trim();
  return { fields: list === '*' ? '*' : list.split(',').map((f) => f.trim()), resourceType: match[2] ?? '' };
}

function history(caller: EmulatedAccount, region: string, input: Json): Json {
  const resourceType = String(input['resourceType'] ?? '');
  const resourceId = String(input['resourceId'] ?? '');
  const state = caller.regions.get(region);
  const stored = resourceType === TASK_DEFINITION_TYPE ? state?.findTaskDefinition(resourceId) : undefined;
  if (!stored || !resourceId.startsWith('arn:')) {
    throw new ApiError(
      'ResourceNotDiscoveredException',
      `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
    );
  }
  const item = configurationItem(caller.accountId, region, stored);
  // In the history API `configuration` is a JSON string and capture times are timestamps.
  return {
    configurationItems: [
      {
        ...item,
        configurationItemCaptureTime: Date.parse(String(item['configurationItemCaptureTime'])) / 1000,
        resourceCreationTime: Date.parse(String(item['resourceCreationTime'])) / 1000,
        configuration: JSON.stringify(item['configuration']),
        supplementaryConfiguration: {},
      },
    ],
  };
}

const COMPLIANCE_TYPES = new Set(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']);

function putEvaluations(organization: EmulatedOrganization | undefined, caller: EmulatedAccount, region: string, input: Json): Json {
  const resultToken = String(input['ResultToken'] ?? '');
  if (!resultToken) throw new ApiError('InvalidResultTokenException', 'The specified ResultToken is not valid.');
  const evaluations = Array.isArray(input['Evaluations']) ? (input['Evaluations'] as Json[]) : [];
  if (evaluations.length > 100) throw new ApiError('ValidationException', 'Member must have length less than or equal to 100');
  for (const evaluation of evaluations) {
    const annotation = evaluation['Annotation'];
    if (typeof annotation === 'string' && (annotation.length < 1 || annotation.length > 256)) {
      throw new ApiError(
        'ValidationException',
        `Value at 'evaluations.member.annotation' failed to satisfy constraint: Member must have length less than or equal to 256`,
      );
    }
    if (!COMPLIANCE_TYPES.has(String(evaluation['ComplianceType'])))
      throw new ApiError('InvalidParameterValueException', `Invalid ComplianceType ${String(evaluation['ComplianceType'])}`);
    for (const key of ['ComplianceResourceType', 'ComplianceResourceId', 'OrderingTimestamp']) {
      if (evaluation[key] === undefined) throw new ApiError('ValidationException', `Evaluation is missing ${key}`);
    }
  }
  if (!organization)
    throw new ApiError('UnknownOperationException', 'Start the emulator with startOrganizationEmulator to record evaluations.');
  organization.evaluations.push({ accountId: caller.accountId, region, resultToken, testMode: input['TestMode'] === true, evaluations });
  return { FailedEvaluations: [] };
}
