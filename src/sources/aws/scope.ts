import { parseTaskDefinitionArn } from './arn.js';
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

/** The ListTaskDefinitions listings a scope reads (in-use reads none: usage names its revisions). */
export function listingsFor(scope: Scope): Array<{ status: 'ACTIVE' | 'INACTIVE'; sort: 'ASC' | 'DESC' }> {
  if (scope === 'in-use') return [];
  if (scope === 'all')
    return [
      { status: 'ACTIVE', sort: 'ASC' },
      { status: 'INACTIVE', sort: 'ASC' },
    ];
  // DESC lists each family newest first, so `latest` knows a family's revision from its first ARN.
  return [{ status: 'ACTIVE', sort: scope === 'latest' ? 'DESC' : 'ASC' }];
}

/**
 * Picks the revisions in scope from listing pages as they arrive, so describes start with the first page. For
 * `latest` the ACTIVE list is read newest first (sort DESC: 100 ARNs per call, ceil(revisions / 100) calls, where
 * ListTaskDefinitionFamilies plus one call per family would cost families + ceil(families / 100)): the first ARN of a
 * family is its latest. Should a listing ever break that order, a higher revision seen later is selected too and the
 * lower one `superseded`, so the result is the latest per family either way.
 */
export class ScopeSelector {
  private readonly best = new Map<string, { arn: string; revision: number }>();
  readonly superseded = new Set<string>();

  constructor(private readonly scope: Exclude<Scope, 'in-use'>) {}

  /** The revisions of this page to describe now. */
  select(page: readonly string[], status: 'ACTIVE' | 'INACTIVE'): ScopedRevision[] {
    if (this.scope !== 'latest') return page.map((arn) => ({ arn, status }));
    const picked: ScopedRevision[] = [];
    for (const arn of page) {
      const parsed = parseTaskDefinitionArn(arn);
      if (!parsed) continue;
      const current = this.best.get(parsed.family);
      if (current && current.revision >= parsed.revision) continue;
      if (current) this.superseded.add(current.arn);
      this.best.set(parsed.family, { arn, revision: parsed.revision });
      picked.push({ arn, status });
    }
    return picked;
  }
}

/** Revisions referenced by running tasks or service deployments (usage must be looked up first). */
export function inUseRevisions(usage: RegionUsage): ScopedRevision[] {
  return [...usage.byArn.keys()]
    .filter((arn) => parseTaskDefinitionArn(arn) !== undefined)
    .sort()
    .map((arn) => ({ arn }));
}
