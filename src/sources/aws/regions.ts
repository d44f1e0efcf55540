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
  const found: DiscoveredRegions = { enabled: [], skipped: [] };
  const pages = clients.sdk.account.paginateListRegions(
    { client: clients.account(), pageSize: 50 },
    {},
    signal ? { abortSignal: signal } : {},
  );
  for await (const page of pages) {
    for (const region of page.Regions ?? []) {
      if (!region.RegionName) continue;
      (ENABLED.has(region.RegionOptStatus ?? '') ? found.enabled : found.skipped).push(region.RegionName);
    }
  }
  found.enabled.sort();
  found.skipped.sort();
  return found;
}
