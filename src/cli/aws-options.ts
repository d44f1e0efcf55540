import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import type { LiveSource } from '../sources/source.js';
import { SCOPES, type Scope } from '../sources/aws/scope.js';
import { SILENT_PROGRESS, type ScanProgress, progressWanted } from '../sources/aws/progress.js';
import { type ConnectionFlags, addConnectionOptions, connectionFrom } from './connection-options.js';
import { positiveInteger } from './options.js';
import type { AwsScanOptions } from '../sources/aws/live-source.js';

// Everything heavy (the AWS SDK, cli-progress, the scanner) is imported inside
// createAwsLiveSource, so `--help` and file-only scans never load it.

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Options that only mean something with --aws (commander keys). */
const AWS_ONLY = [
  'profile',
  'roleArn',
  'externalId',
  'region',
  'allRegions',
  'endpointUrl',
  'scope',
  'cacheDir',
  'maxConcurrency',
  'maxAttempts',
] as const;

/** The live-scan flags as commander parses them (scan and fix --aws). */
export interface AwsCommandOptions extends ConnectionFlags {
  aws?: boolean;
  org?: boolean;
  source?: string[];
  region?: string[];
  allRegions?: boolean;
  scope?: Scope;
  cacheDir?: string;
  /** false with --no-cache. */
  cache?: boolean;
  maxConcurrency?: number;
  quiet?: boolean;
  format?: unknown;
  output?: string;
}

function regionList(value: string, previous: string[] = []): string[] {
  const regions = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = regions.find((r) => !REGION_NAME.test(r));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a region name (e.g. us-east-1)`);
  return [...previous, ...regions];
}

/** Adds the live-account options to `ecsguard scan`. */
export function addAwsScanOptions(command: Command): Command {
  command.option(
    '--aws',
    'also scan the task definitions of a live AWS account (credentials from the default chain, --profile or --role-arn)',
  );
  return addConnectionOptions(command, '(with --aws)')
    .option('--region <list>', "regions to scan, comma-separated (default: the profile's or AWS_REGION)", regionList)
    .option('--all-regions', 'scan every region enabled for the account (opt-in regions that are not enabled are skipped)')
    .addOption(
      new Option(
        '--scope <scope>',
        'revisions to evaluate: latest = latest ACTIVE revision per family (as AWS Config, Security Hub, CIS); active = every ACTIVE ' +
          'revision; in-use = revisions used by running tasks or service deployments, any status; all = ACTIVE and INACTIVE (default: ' +
          'latest)',
      ).choices(SCOPES),
    )
    .option('--cache-dir <dir>', 'where described revisions are cached (default: $XDG_CACHE_HOME/ecsguard or ~/.cache/ecsguard)')
    .option('--no-cache', 'describe every revision again instead of reading the cache')
    .addOption(
      new Option(
        '--max-concurrency <n>',
        'AWS requests in flight per region (default: 10); throttling is handled by adaptive retry',
      ).argParser(positiveInteger),
    );
}

export interface AwsSourceContext {
  /** The CLI's verdict: false under --quiet or when a JSON report goes to stdout. */
  showProgress: boolean;
  signal?: AbortSignal;
  stderr: NodeJS.WritableStream;
}

/** The live-account source for these options; undefined without --aws. Throws UsageError on bad combinations. */
export async function createAwsLiveSource(opts: AwsCommandOptions, context: AwsSourceContext): Promise<LiveSource | undefined> {
  const options = await liveScanOptionsFrom(opts, context);
  if (!options) return undefined;
  const { AwsLiveSource } = await import('../sources/aws/live-source.js');
  const source = new AwsLiveSource(options);
  return {
    load: (signal) => source.load(signal ?? context.signal),
    loadInParts: (signal, onPart) => source.loadInParts(signal ?? context.signal, onPart),
    scope: () => source.scope(),
  };
}

/**
 * The live scan's settings from the flags (scan --aws, fix --aws): connection, regions, scope, cache, concurrency,
 * and a progress bar on a terminal. Undefined without --aws.
 */
export async function liveScanOptionsFrom(opts: AwsCommandOptions, context: AwsSourceContext): Promise<AwsScanOptions | undefined> {
  // Organization scans and AWS Config sources have their own factories (org-options.ts).
  if (opts.org === true || opts.source !== undefined) return undefined;
  if (opts.aws !== true) {
    const given: string[] = AWS_ONLY.filter((key) => opts[key] !== undefined && opts[key] !== false);
    if (opts.cache === false) given.push('cache');
    if (given.length)
      throw new UsageError(`${given.map(flagName).join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} to live scans: add --aws`);
    return undefined;
  }
  const explicitRegions = opts.region;
  if (explicitRegions?.length && opts.allRegions) throw new UsageError('use either --region or --all-regions, not both');
  const connection = connectionFrom(opts);
  const scope = opts.scope ?? 'latest';

  let regions: string[] | 'all';
  if (opts.allRegions) regions = 'all';
  else if (explicitRegions?.length) regions = [...new Set(explicitRegions)];
  else {
    const { loadSdk, defaultRegion } = await import('../sources/aws/clients.js');
    const region = await defaultRegion(await loadSdk(), connection.profile);
    if (!region)
      throw new UsageError('no AWS region configured: use --region, --all-regions, or set AWS_REGION (or a region in the profile)');
    regions = [region];
  }

  const notices: string[] = [];
  let progress: ScanProgress = SILENT_PROGRESS;
  const quietByOptions = opts.quiet === true || (opts.format === 'json' && opts.output === undefined);
  if (progressWanted(context.showProgress && !quietByOptions, context.stderr)) {
    const { createProgressBar } = await import('../sources/aws/progress.js');
    progress = await createProgressBar(context.stderr);
  }
  const flushNotices = () => {
    for (const message of notices.splice(0)) context.stderr.write(`ecsguard: ${message}\n`);
  };
  // The cache module (and node:crypto with it) loads only for a live scan (start-up cost of file scans).
  const cacheDir = opts.cache === false ? undefined : (opts.cacheDir ?? (await import('../sources/aws/cache.js')).defaultCacheDir());
  return {
    ...connection,
    scope,
    regions,
    ...(cacheDir === undefined ? {} : { cacheDir }),
    ...(opts.maxConcurrency ? { maxConcurrency: opts.maxConcurrency } : {}),
    // Notices wait for the bar to finish so they do not tear it.
    progress: { ...progress, stop: () => (progress.stop(), flushNotices()) },
    notice: (message) => notices.push(message),
  };
}

function flagName(key: string): string {
  return key === 'cache' ? '--no-cache' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
