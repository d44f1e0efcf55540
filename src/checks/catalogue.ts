import { dropAllCapabilities } from './drop-all-capabilities.js';
import { efsTransitEncryption } from './efs-transit-encryption.js';
import { hostNetworkNoPrivilege } from './host-network-no-privilege.js';
import { hostNetworkNonrootUser } from './host-network-nonroot-user.js';
import { loggingConfigured } from './logging-configured.js';
import { noDangerousCapabilities } from './no-dangerous-capabilities.js';
import { noHostIpcNamespace } from './no-host-ipc-namespace.js';
import { noHostNetwork } from './no-host-network.js';
import { noHostPidNamespace } from './no-host-pid-namespace.js';
import { noPrivilegedContainers } from './no-privileged-containers.js';
import { noRootUser } from './no-root-user.js';
import { noSecretsInEnvironment } from './no-secrets-in-environment.js';
import { noSensitiveHostMounts } from './no-sensitive-host-mounts.js';
import { readonlyRootFilesystem } from './readonly-root-filesystem.js';
import { UsageError } from '../model/errors.js';
import type { Check } from './types.js';

/** Every check, in catalogue order. A new check is one module plus one line here. */
export const ALL_CHECKS: readonly Check[] = [
  noPrivilegedContainers,
  noRootUser,
  hostNetworkNonrootUser,
  hostNetworkNoPrivilege,
  noHostNetwork,
  noHostPidNamespace,
  noHostIpcNamespace,
  noDangerousCapabilities,
  noSensitiveHostMounts,
  noSecretsInEnvironment,
  readonlyRootFilesystem,
  dropAllCapabilities,
  loggingConfigured,
  efsTransitEncryption,
];

/** Whether a plain scan runs the check (see CheckMeta.default). */
export const isDefault = (check: Check): boolean => check.meta.default !== false;

/**
 * The checks a plain scan runs: the five host-breach checks (privileged, root,
 * host network) that pipelines already gate on. The others are opt-in: by id,
 * by group (`--checks hardening`, `--checks all`) or by framework.
 */
export const CHECKS: readonly Check[] = ALL_CHECKS.filter(isDefault);

/**
 * Opt-in checks that, like privileged and root, hand the host to a compromised
 * container: the host's processes, IPC, kernel capabilities, the Docker socket
 * and host paths. Why they are not (yet) default: docs/checks.md.
 */
export const HOST_BREACH_OPT_IN: readonly string[] = [
  'no-host-pid-namespace',
  'no-host-ipc-namespace',
  'no-dangerous-capabilities',
  'no-sensitive-host-mounts',
];

/**
 * Names that --checks and --skip-checks accept besides ids: `default` (what a
 * plain scan runs), `host-breach` (default plus the opt-in checks of the same
 * kind), `hardening` (the opt-in checks), `all`.
 */
export const CHECK_GROUPS: Record<string, (check: Check) => boolean> = {
  default: isDefault,
  'host-breach': (check) => isDefault(check) || HOST_BREACH_OPT_IN.includes(check.meta.id),
  hardening: (check) => !isDefault(check),
  all: () => true,
};

export function findCheck(id: string): Check | undefined {
  return ALL_CHECKS.find((c) => c.meta.id === id);
}

function expand(names: readonly string[]): Set<string> {
  const ids = new Set<string>();
  for (const name of names) {
    const group = CHECK_GROUPS[name];
    if (group) for (const c of ALL_CHECKS.filter(group)) ids.add(c.meta.id);
    else ids.add(name);
  }
  return ids;
}

/**
 * Resolves --checks / --skip-checks (ids or group names); unknown names are a
 * usage error. Without --checks, the default checks run.
 */
export function selectChecks(only: string[] | undefined, skip: string[] | undefined): Check[] {
  const known = new Set([...ALL_CHECKS.map((c) => c.meta.id), ...Object.keys(CHECK_GROUPS)]);
  const unknown = [...(only ?? []), ...(skip ?? [])].filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UsageError(
      `unknown check id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (see "ecsguard checks"; groups: ` +
        `${Object.keys(CHECK_GROUPS).join(', ')})`,
    );
  }
  if (only !== undefined && only.length === 0) throw new UsageError('--checks needs at least one check id (see "ecsguard checks")');
  const wanted = expand(only ?? ['default']);
  const skipped = expand(skip ?? []);
  const selected = ALL_CHECKS.filter((c) => wanted.has(c.meta.id) && !skipped.has(c.meta.id));
  // Running no check would report "ok" for anything: refuse instead.
  if (selected.length === 0) throw new UsageError('no checks left to run: --skip-checks removes every selected check');
  return selected;
}
