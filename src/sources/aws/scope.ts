import { parseTaskDefinitionArn } from './arn.js';
import type { RegionApi } from './region-api.js';
import type { RegionUsage } from './usage.js';

/**
 * Which revisions a live scan evaluates:
 * - latest: the latest ACTIVE revision of each family (AWS Config, Security Hub, CIS);
 * - active: every ACTIVE revision (Prowler);
 * - in-use: every revision a RUNNING task or a service deployment references, any status;
 * - all: every ACTIVE and INACTIVE revision.
 */
export const SCOPES = ['latest', 'active', 'in-use', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ScopedRevision {
  arn: string;
  /** Known from the listing; undefined for in-use revisions (the describe says). */
  status?: 'ACTIVE' | 'INACTIVE';
}

/**
 * Lists the revisions in scope without describing any. For `latest` the whole
 * ACTIVE list is read (100 ARNs per call) and the highest revision per family
 * kept: that costs ceil(revisions / 100) calls, where asking each family for its
 * newest revision (ListTaskDefinitionFamilies + one ListTaskDefinitions sort=DESC
 * maxResults=1 per family) costs families + ceil(families / 100). The full list
 * is cheaper unless families average more than ~100 ACTIVE revisions, and it is
 * the same listing `active` needs.
 */
export async function listRevisionsInScope(api: RegionApi, scope: Exclude<Scope, 'in-use'>): Promise<ScopedRevision[]> {
  if (scope === 'all') {
    const [active, inactive] = await Promise.all([api.listTaskDefinitionArns('ACTIVE'), api.listTaskDefinitionArns('INACTIVE')]);
    return [...active.map((arn) => ({ arn, status: 'ACTIVE' as const })), ...inactive.map((arn) => ({ arn, status: 'INACTIVE' as const }))];
  }
  const active = await api.listTaskDefinitionArns('ACTIVE');
  const arns = scope === 'latest' ? latestPerFamily(active) : active;
  return arns.map((arn) => ({ arn, status: 'ACTIVE' as const }));
}

/** Revisions referenced by running tasks or service deployments (usage must be looked up first). */
export function inUseRevisions(usage: RegionUsage): ScopedRevision[] {
  return [...usage.byArn.keys()].filter((arn) => parseTaskDefinitionArn(arn) !== undefined).sort().map((arn) => ({ arn }));
}

/** The highest revision of each family, in the listing's order. */
export function latestPerFamily(arns: readonly string[]): string[] {
  const best = new Map<string, { arn: string; revision: number }>();
  for (const arn of arns) {
    const parsed = parseTaskDefinitionArn(arn);
    if (!parsed) continue;
    const current = best.get(parsed.family);
    if (!current || parsed.revision > current.revision) best.set(parsed.family, { arn, revision: parsed.revision });
  }
  return [...best.values()].map((b) => b.arn);
}
