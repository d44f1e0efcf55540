import type { AwsClients } from './clients.js';

export interface DiscoveredRegions {
  enabled: string[];
  /** Opt-in regions the account has not enabled (or is still enabling/disabling): skipped. */
  skipped: string[];
}

const ENABLED = new Set(['ENABLED', 'ENABLED_BY_DEFAULT']);

/**
 * The account's regions from the Account API (account:ListRegions). One
 * unfiltered call (about 35 regions, pages of 50) instead of filtering with
 * RegionOptStatusContains, so the scan can also name the opt-in regions it skips.
 */
export async function discoverRegions(clients: AwsClients, signal?: AbortSignal): Promise<DiscoveredRegions> {
  const { ListRegionsCommand } = clients.sdk.account;
  const found: DiscoveredRegions = { enabled: [], skipped: [] };
  let nextToken: string | undefined;
  do {
    const page = await clients.account().send(new ListRegionsCommand({ MaxResults: 50, NextToken: nextToken }), signal ? { abortSignal: signal } : {});
    for (const region of page.Regions ?? []) {
      if (!region.RegionName) continue;
      (ENABLED.has(region.RegionOptStatus ?? '') ? found.enabled : found.skipped).push(region.RegionName);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  found.enabled.sort();
  found.skipped.sort();
  return found;
}
