import type { ScanResult } from '../engine/scan.js';
import type { AwsScanOptions } from '../sources/aws/live-source.js';
import { type CheckSelection, scan } from './scan.js';

export interface ScanAccountOptions extends Omit<AwsScanOptions, 'regions' | 'scope'>, CheckSelection {
  /** Regions to scan, or `all` (enabled regions, discovered). Default: the region of the environment or `profile`. */
  regions?: string[] | 'all';
  /** Which revisions: `latest` (default) per family, `active`, `in-use` (what services and tasks run), `all`. */
  scope?: AwsScanOptions['scope'];
  signal?: AbortSignal;
}

/**
 * Scans a live AWS account as `ecsguard scan --aws` does: every region in parallel, revisions by scope, with usage.
 * Credentials come from `credentials`, `profile` or the SDK's default chain; `roleArn` is assumed first.
 */
export async function scanAccount(options: ScanAccountOptions = {}): Promise<ScanResult> {
  const { checks, includePassed, signal, regions, scope = 'latest', ...connection } = options;
  const [{ AwsLiveSource }, { defaultRegion, loadSdk }] = await Promise.all([
    import('../sources/aws/live-source.js'),
    import('../sources/aws/clients.js'),
  ]);
  let scanned = regions;
  if (scanned === undefined) {
    const region = await defaultRegion(await loadSdk(), connection.profile);
    if (!region) throw new Error('scanAccount: no AWS region configured: pass regions, or set AWS_REGION (or a region in the profile)');
    scanned = [region];
  }
  const source = new AwsLiveSource({ ...connection, scope, regions: scanned });
  return scan({
    paths: [],
    liveSources: [source],
    ...(checks ? { checks } : {}),
    ...(includePassed !== undefined ? { includePassed } : {}),
    ...(signal ? { signal } : {}),
  });
}
