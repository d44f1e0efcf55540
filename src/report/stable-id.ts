import { createHash } from 'node:crypto';
import { findingIdentity } from '../baseline/identity.js';
import type { Finding } from '../model/finding.js';

/** A finding id that stays the same from scan to scan (the baseline identity, hashed), so consumers update, not duplicate. */
export function stableFindingId(f: Finding): string {
  const identity = findingIdentity({
    checkId: f.checkId,
    ...(f.container ? { container: f.container } : {}),
    ...(f.field ? { field: f.field } : {}),
    resource: f.resource,
  });
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
