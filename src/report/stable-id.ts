import { createHash } from 'node:crypto';
import { findingIdentity } from '../baseline/identity.js';
import type { Finding } from '../model/finding.js';

/**
 * A finding id that stays the same from scan to scan (the baseline identity, hashed), so consumers update, not
 * duplicate. The baseline identity drops every list index (it matches findings across reorderings, counting
 * duplicates); an id must also tell apart two findings of one resource that only an index separates (`volumes[0]`,
 * `volumes[1]`), so a field with indexes below the container adds them (ids of other fields are unchanged).
 */
export function stableFindingId(f: Finding): string {
  const identity = findingIdentity({
    checkId: f.checkId,
    ...(f.container ? { container: f.container } : {}),
    ...(f.field ? { field: f.field } : {}),
    resource: f.resource,
  });
  const field = (f.field ?? '').replace(/^containerDefinitions\[\d+\]\.?/, '');
  const key = /\[\d+\]/.test(field) ? `${identity}\u0000${field}` : identity;
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}
