import { hostNetworkNoPrivilege } from './host-network-no-privilege.js';
import { hostNetworkNonrootUser } from './host-network-nonroot-user.js';
import { noHostNetwork } from './no-host-network.js';
import { noPrivilegedContainers } from './no-privileged-containers.js';
import { noRootUser } from './no-root-user.js';
import { UsageError } from '../model/errors.js';
import type { Check } from './types.js';

/** Every check, in catalogue order. A new check is one module plus one line here. */
export const CHECKS: readonly Check[] = [
  noPrivilegedContainers,
  noRootUser,
  hostNetworkNonrootUser,
  hostNetworkNoPrivilege,
  noHostNetwork,
];

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}

/** Resolves --checks / --skip-checks; unknown ids are a usage error. */
export function selectChecks(only: string[] | undefined, skip: string[] | undefined): Check[] {
  const known = new Set(CHECKS.map((c) => c.meta.id));
  const unknown = [...(only ?? []), ...(skip ?? [])].filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UsageError(`unknown check id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (see "ecsguard checks")`);
  }
  if (only !== undefined && only.length === 0) throw new UsageError('--checks needs at least one check id (see "ecsguard checks")');
  const selected = CHECKS.filter((c) => (only === undefined || only.includes(c.meta.id)) && !skip?.includes(c.meta.id));
  // Running no check would report "ok" for anything: refuse instead.
  if (selected.length === 0) throw new UsageError('no checks left to run: --skip-checks removes every selected check');
  return selected;
}
