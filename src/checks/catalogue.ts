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
  return CHECKS.filter((c) => (!only?.length || only.includes(c.meta.id)) && !skip?.includes(c.meta.id));
}
