import { type Command, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import type { LiveSource } from '../sources/source.js';
import { connectionFrom } from './connection-options.js';
import { positiveInteger } from './options.js';

// The SDK and the sources are imported inside the factories, so `--help` and file scans never load them.

/** Organization-scan options (commander keys); they need --aws --org. */
const ORG_ONLY = ['ou', 'orgRole', 'state', 'orgConcurrency'] as const;

const SOURCES = ['config-aggregator'] as const;

function sourceArgument(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `--org` and `--source config-aggregator NAME` to `ecsguard scan`. */
export function addOrganizationOptions(command: Command): Command {
  return command
    .option(
      '--org',
      'with --aws: scan every ACTIVE account of the AWS Organization (run from the management account or a delegated administrator), ' +
        'assuming --org-role in each',
    )
    .option('--ou <id>', 'with --org: only the accounts under this organizational unit and its child OUs (ou-xxxx-xxxxxxxx)')
    .option(
      '--org-role <name>',
      'with --org: the role to assume in every account (see "ecsguard deploy scan-role"); --external-id is passed with it (default: ' +
        'ecsguard-scan)',
    )
    .option('--state <file>', 'with --org: record finished account-regions in this file; a rerun after a crash scans only what is left')
    .addOption(
      new Option(
        '--org-concurrency <n>',
        'with --org: AWS requests in flight across the whole organization (default: 256); each account-region also keeps --max-concurrency',
      ).argParser(positiveInteger),
    )
    .addOption(
      new Option(
        '--source <source...>',
        'read task definitions from another AWS source instead of ECS: "config-aggregator NAME" reads every AWS::ECS::TaskDefinition ' +
          "item of an AWS Config aggregator (one query from the aggregator account; --region is the aggregator's region; --scope latest " +
          'or active)',
      ).argParser(sourceArgument),
    );
}

export interface OrganizationContext {
  stderr: NodeJS.WritableStream;
}

/** `scan --aws --org`; undefined without --org. */
export async function createOrganizationSource(
  opts: Record<string, unknown>,
  context: OrganizationContext,
): Promise<LiveSource | undefined> {
  if (opts['org'] !== true) {
    const given = ORG_ONLY.filter((key) => opts[key] !== undefined);
    if (given.length)
      throw new UsageError(
        `${given.map(flagName).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} to organization scans: add --aws --org`,
      );
    return undefined;
  }
  if (opts['aws'] !== true) throw new UsageError('--org scans live accounts: add --aws');
  if (opts['roleArn'] !== undefined)
    throw new UsageError(
      "--org assumes --org-role in every account; --role-arn does not apply (run from the management account's credentials or --profile)",
    );
  const role = (opts['orgRole'] as string | undefined) ?? 'ecsguard-scan';
  if (!/^[\w+=,.@/-]{1,64}$/.test(role) || role.startsWith('arn:'))
    throw new UsageError(`--org-role: "${role}" is not a role name (the name, not the ARN: it is assumed in every account)`);
  const ou = opts['ou'] as string | undefined;
  if (ou !== undefined && !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(ou))
    throw new UsageError(`--ou: "${ou}" is not an OU or root id (ou-xxxx-xxxxxxxx or r-xxxx)`);
  const scope = (opts['scope'] as string | undefined) ?? 'latest';
  // The management account's connection: the same validation as every AWS command (--role-arn does not apply).
  const { profile, endpointUrl } = connectionFrom({
    ...(opts['profile'] !== undefined ? { profile: String(opts['profile']) } : {}),
    ...(opts['endpointUrl'] !== undefined ? { endpointUrl: String(opts['endpointUrl']) } : {}),
  });
  const regions = await regionsFor(opts, profile, true);

  const { OrganizationSource } = await import('../sources/organization/org-source.js');
  const { defaultCacheDir } = await import('../sources/aws/cache.js');
  const notices: string[] = [];
  const source = new OrganizationSource({
    scope: scope as never,
    regions,
    role,
    ...(opts['externalId'] ? { externalId: String(opts['externalId']) } : {}),
    ...(ou ? { ou } : {}),
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(opts['maxConcurrency'] ? { maxConcurrency: Number(opts['maxConcurrency']) } : {}),
    ...(opts['maxAttempts'] ? { maxAttempts: Number(opts['maxAttempts']) } : {}),
    ...(opts['orgConcurrency'] ? { maxTotalConcurrency: Number(opts['orgConcurrency']) } : {}),
    ...(opts['state'] ? { statePath: String(opts['state']) } : {}),
    ...(opts['cache'] === false ? {} : { cacheDir: (opts['cacheDir'] as string | undefined) ?? defaultCacheDir() }),
    notice: (message) => notices.push(message),
  });
  const summarize = () => {
    const { stats } = source;
    notices.push(
      `organization: ${stats.accounts} account(s) in scope, ${stats.pairs} account-region(s) ` +
        `scanned${stats.resumedPairs ? `, ${stats.resumedPairs} resumed ` + `from ${String(opts['state'])}` : ''}${
          stats.failedAccounts ? `, ${stats.failedAccounts} account(s) could not be scanned ` + `(see errors)` : ''
        }`,
    );
    if (opts['quiet'] !== true) for (const message of notices) context.stderr.write(`ecsguard: ${message}\n`);
  };
  return {
    load: async (signal) => {
      try {
        return await source.load(signal);
      } finally {
        summarize();
      }
    },
    // In parts: each part is checked and its revisions dropped, so memory does not grow with the organization.
    loadInParts: async (signal, onPart) => {
      try {
        await source.loadInParts(signal, onPart);
      } finally {
        summarize();
      }
    },
    scope: () => source.scope(),
  };
}

/** `scan --source config-aggregator NAME`; undefined without --source. */
export async function createConfigSource(opts: Record<string, unknown>): Promise<LiveSource | undefined> {
  const source = opts['source'] as string[] | undefined;
  if (source === undefined) return undefined;
  const [kind, name, ...extra] = source.flatMap((s) => s.split(/[=:](?=.)/));
  if (!SOURCES.includes(kind as (typeof SOURCES)[number]))
    throw new UsageError(`--source: "${kind}" is not a source (one of: ${SOURCES.join(', ')})`);
  if (!name || extra.length) throw new UsageError('--source config-aggregator needs the aggregator name: --source config-aggregator NAME');
  if (opts['aws'] === true) throw new UsageError('--source config-aggregator reads AWS Config instead of ECS: drop --aws (and --org)');
  for (const key of ['org', 'allRegions', 'roleArn', ...ORG_ONLY] as const) {
    if (opts[key] !== undefined) throw new UsageError(`${flagName(key)} does not apply to --source config-aggregator`);
  }
  const scope = (opts['scope'] as string | undefined) ?? 'latest';
  if (scope !== 'latest' && scope !== 'active') {
    throw new UsageError(
      `--scope ${scope} is not available from AWS Config: it records ACTIVE revisions (deregistered ones are deleted items) and no ` +
        `usage; use latest or active, or scan ECS with --aws --org`,
    );
  }
  const profile = opts['profile'] as string | undefined;
  const endpointUrl = opts['endpointUrl'] as string | undefined;
  const regions = await regionsFor(opts, profile, false);
  if (regions === 'all' || regions.length !== 1)
    throw new UsageError("--source config-aggregator: name the aggregator's region with one --region");
  const { ConfigAggregatorSource } = await import('../sources/config/aggregator-source.js');
  return new ConfigAggregatorSource({
    aggregator: name,
    region: regions[0]!,
    scope,
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(opts['maxAttempts'] ? { maxAttempts: Number(opts['maxAttempts']) } : {}),
  });
}

async function regionsFor(opts: Record<string, unknown>, profile: string | undefined, allowAll: boolean): Promise<string[] | 'all'> {
  const explicit = opts['region'] as string[] | undefined;
  if (explicit?.length && opts['allRegions']) throw new UsageError('use either --region or --all-regions, not both');
  if (opts['allRegions'] && allowAll) return 'all';
  if (explicit?.length) return [...new Set(explicit)];
  const { loadSdk, defaultRegion } = await import('../sources/aws/clients.js');
  const region = await defaultRegion(await loadSdk(), profile);
  if (!region) throw new UsageError('no AWS region configured: use --region, or set AWS_REGION (or a region in the profile)');
  return [region];
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
