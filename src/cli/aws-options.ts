import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../model/errors.js';
import type { LiveSource } from '../sources/source.js';
import { defaultCacheDir } from '../sources/aws/cache.js';
import { SCOPES, type Scope } from '../sources/aws/scope.js';
import { SILENT_PROGRESS, type ScanProgress, progressWanted } from '../sources/aws/progress.js';
import { positiveInteger } from './options.js';

// Everything heavy (the AWS SDK, cli-progress, the scanner) is imported inside
// createAwsLiveSource, so `--help` and file-only scans never load it.

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Options that only mean something with --aws (commander keys). */
const AWS_ONLY = ['profile', 'roleArn', 'externalId', 'region', 'allRegions', 'endpointUrl', 'scope', 'cacheDir', 'maxConcurrency'] as const;

function regionList(value: string, previous: string[] = []): string[] {
  const regions = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = regions.find((r) => !REGION_NAME.test(r));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a region name (e.g. us-east-1)`);
  return [...previous, ...regions];
}


/** Adds the live-account options to `ecsguard scan`. */
export function addAwsScanOptions(command: Command): Command {
  return command
    .option('--aws', 'also scan the task definitions of a live AWS account (credentials from the default chain, --profile or --role-arn)')
    .option('--profile <name>', 'AWS shared-config profile to use (with --aws)')
    .option('--role-arn <arn>', 'assume this IAM role for the scan, e.g. to audit another account (with --aws)')
    .option('--external-id <id>', 'external id required by the role to assume (with --role-arn)')
    .option('--region <list>', 'regions to scan, comma-separated (default: the profile\'s or AWS_REGION)', regionList)
    .option('--all-regions', 'scan every region enabled for the account (opt-in regions that are not enabled are skipped)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (LocalStack or another emulator)')
    .addOption(
      new Option(
        '--scope <scope>',
        'revisions to evaluate: latest = latest ACTIVE revision per family (as AWS Config, Security Hub, CIS); active = every ACTIVE revision; in-use = revisions used by running tasks or service deployments, any status; all = ACTIVE and INACTIVE (default: latest)',
      ).choices(SCOPES),
    )
    .option('--cache-dir <dir>', 'where described revisions are cached (default: $XDG_CACHE_HOME/ecsguard or ~/.cache/ecsguard)')
    .option('--no-cache', 'describe every revision again instead of reading the cache')
    .addOption(
      new Option('--max-concurrency <n>', 'AWS requests in flight per region (default: 10); throttling is handled by adaptive retry').argParser(
        positiveInteger,
      ),
    );
}

export interface AwsSourceContext {
  /** The CLI's verdict: false under --quiet or when a JSON report goes to stdout. */
  showProgress: boolean;
  signal?: AbortSignal;
  stderr: NodeJS.WritableStream;
}

/** The live-account source for these options; undefined without --aws. Throws UsageError on bad combinations. */
export async function createAwsLiveSource(opts: Record<string, unknown>, context: AwsSourceContext): Promise<LiveSource | undefined> {
  // Organization scans and AWS Config sources have their own factories (org-options.ts).
  if (opts['org'] === true || opts['source'] !== undefined) return undefined;
  if (opts['aws'] !== true) {
    const given = AWS_ONLY.filter((key) => opts[key] !== undefined && opts[key] !== false);
    if (opts['cache'] === false) given.push('cache' as never);
    if (given.length) throw new UsageError(`${given.map(flagName).join(', ')} only apply to live scans: add --aws`);
    return undefined;
  }
  const explicitRegions = opts['region'] as string[] | undefined;
  if (explicitRegions?.length && opts['allRegions']) throw new UsageError('use either --region or --all-regions, not both');
  if (opts['externalId'] !== undefined && opts['roleArn'] === undefined) throw new UsageError('--external-id needs --role-arn');
  const roleArn = opts['roleArn'] as string | undefined;
  if (roleArn !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new UsageError(`--role-arn: "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
  const endpointUrl = opts['endpointUrl'] as string | undefined;
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url: "${endpointUrl}" is not an http(s) URL`);
  }
  const scope = (opts['scope'] as Scope | undefined) ?? 'latest';
  const profile = opts['profile'] as string | undefined;

  const [{ AwsLiveSource }, { loadSdk, defaultRegion }] = await Promise.all([import('../sources/aws/live-source.js'), import('../sources/aws/clients.js')]);
  let regions: string[] | 'all';
  if (opts['allRegions']) regions = 'all';
  else if (explicitRegions?.length) regions = [...new Set(explicitRegions)];
  else {
    const region = await defaultRegion(await loadSdk(), profile);
    if (!region) throw new UsageError('no AWS region configured: use --region, --all-regions, or set AWS_REGION (or a region in the profile)');
    regions = [region];
  }

  const notices: string[] = [];
  let progress: ScanProgress = SILENT_PROGRESS;
  const quietByOptions = opts['quiet'] === true || (opts['format'] === 'json' && opts['output'] === undefined);
  if (progressWanted(context.showProgress && !quietByOptions, context.stderr)) {
    const { createProgressBar } = await import('../sources/aws/progress.js');
    progress = await createProgressBar(context.stderr);
  }
  const flushNotices = () => {
    for (const message of notices.splice(0)) context.stderr.write(`ecsguard: ${message}\n`);
  };

  const source = new AwsLiveSource({
    scope,
    regions,
    ...(profile ? { profile } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(opts['externalId'] ? { externalId: String(opts['externalId']) } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(opts['cache'] === false ? {} : { cacheDir: (opts['cacheDir'] as string | undefined) ?? defaultCacheDir() }),
    ...(opts['maxConcurrency'] ? { maxConcurrency: Number(opts['maxConcurrency']) } : {}),
    // Notices wait for the bar to finish so they do not tear it.
    progress: { ...progress, stop: () => (progress.stop(), flushNotices()) },
    notice: (message) => notices.push(message),
  });
  return {
    load: (signal) => source.load(signal ?? context.signal),
  };
}

function flagName(key: string): string {
  return key === 'cache' ? '--no-cache' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
