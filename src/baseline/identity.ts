/** What identity needs of a finding; both live findings and ones read back from JSON reports have it. */
export interface IdentityInput {
  checkId: string;
  container?: string;
  field?: string;
  resource: { kind: 'file' | 'aws'; source: string; id: string; family?: string; arn?: string; region?: string; accountId?: string };
}

function familyOf(r: IdentityInput['resource']): string {
  if (r.family) return r.family;
  // arn:aws:ecs:region:account:task-definition/family:revision
  const match = /task-definition\/([^:]+)/.exec(r.arn ?? r.id);
  return match?.[1] ?? r.id;
}

/**
 * A finding's identity across scans, never a revision number or a line: a live finding is its account,
 * region, family, container and check (a new revision with the same problem is the same finding); an IaC
 * finding is its resource id (logical id, Terraform address, JSON family), container and check, whichever
 * file declares it. The field path drops list indexes, so reordering containers changes nothing.
 */
export function findingIdentity(f: IdentityInput): string {
  const r = f.resource;
  const field = (f.field ?? '').replace(/^containerDefinitions\[\d+\]\.?/, '').replace(/\[\d+\]/g, '[]');
  const where =
    r.kind === 'aws'
      ? ['aws', r.accountId ?? '', r.region ?? '', familyOf(r)]
      : ['iac', r.source === 'terraform-plan' ? 'terraform' : r.source, r.id];
  return [...where, f.container ?? '', f.checkId, field].join('\u0000');
}

/** The resource part alone: an ERROR for it in a later scan means its findings cannot be called fixed. */
export function resourceIdentity(f: IdentityInput): string {
  const r = f.resource;
  return r.kind === 'aws'
    ? ['aws', r.accountId ?? '', r.region ?? '', familyOf(r)].join('\u0000')
    : ['iac', r.source === 'terraform-plan' ? 'terraform' : r.source, r.id].join('\u0000');
}

/** A multiset of identities: the same identity twice is two findings. */
export class IdentityCounts {
  private readonly counts = new Map<string, number>();
  add(identity: string): void {
    this.counts.set(identity, (this.counts.get(identity) ?? 0) + 1);
  }
  /** Removes one occurrence; false when there was none. */
  take(identity: string): boolean {
    const n = this.counts.get(identity) ?? 0;
    if (n === 0) return false;
    this.counts.set(identity, n - 1);
    return true;
  }
}
