/**
 * AWS Config managed rules (and the Security Hub controls they back) for ECS
 * task definitions, from the rules' public documentation. AWS publishes no
 * code for managed rules: where the documentation does not say what a value
 * gives (a uid:gid user such as "0:0", a case variant such as "ROOT"), the
 * verdict is NOT_EVALUATED with that gap named, never a guess.
 */
import type { TaskDefinition } from '../model/task-definition.js';
import { anyContainer, apiBool, at, decide, isWindows, osFamily, plain, quote } from './read.js';
import { FAIL, NOT_APPLICABLE, NOT_EVALUATED, PASS, type PeerOutcome, type PeerRule } from './types.js';

const rule = (name: string) => `https://docs.aws.amazon.com/config/latest/developerguide/${name}.html`;
const control = (n: number) => `https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-${n}`;

/** AWS's documented root users; anything else with a 0 or root part is not documented. */
function documentedUser(user: unknown, roots: readonly string[], subject: string, linux = true): PeerOutcome {
  if (user === undefined || user === null || user === '')
    return FAIL(`user is ${user === '' ? 'empty' : 'not configured'}, which the rule fails`);
  const text = String(user);
  if (roots.includes(text))
    return FAIL(`user ${quote(text)} is one of the documented ${subject} (${roots.map((r) => `"${r}"`).join(', ')})`);
  const parts = text.split(':').map((p) => p.trim().toLowerCase());
  if (
    parts.some((p) => roots.includes(p) || roots.map((r) => r.toLowerCase()).includes(p)) ||
    (linux && parts.some((p) => /^[+]?0+$/.test(p)))
  ) {
    return NOT_EVALUATED(
      `user ${quote(text)} is not literally one of the documented ${subject} (${roots.map((r) => `"${r}"`).join(', ')}); AWS does ` +
        'not document how the rule reads uid:gid, zero-padded or case-variant forms',
    );
  }
  return PASS(`user ${quote(text)} is not one of the documented ${subject}`);
}

/** Above this many distinct users a judge's table of outcomes starts afresh. */
const MAX_JUDGED_USERS = 1000;

/**
 * documentedUser for one set of roots, its outcome kept per user string: a few users recur across thousands of
 * containers, and the same outcome (the same `why` string) makes the conclusions drawn from it cheap to find.
 * Outcomes are never changed by their readers.
 */
function userJudge(roots: readonly string[], subject: string, linux = true): (user: unknown) => PeerOutcome {
  const known = new Map<string, PeerOutcome>();
  return (user) => {
    if (typeof user !== 'string') return documentedUser(user, roots, subject, linux);
    let outcome = known.get(user);
    if (!outcome) {
      if (known.size >= MAX_JUDGED_USERS) known.clear();
      known.set(user, (outcome = documentedUser(user, roots, subject, linux)));
    }
    return outcome;
  };
}

const linuxRootUser = userJudge(['root', '0'], 'default root users for Linux');
const windowsAdministrator = userJudge(['containeradministrator'], 'default administrator users for Windows', false);
const rootUser = userJudge(['root'], 'root users');

const withContainers = (
  r: Omit<PeerRule, 'task'> & {
    container: NonNullable<PeerRule['container']>;
    passWhy: string;
    applies?: (td: TaskDefinition) => PeerOutcome | undefined;
  },
): PeerRule => ({
  ...r,
  task: (td) => decide(() => r.applies?.(td) ?? anyContainer(td, (c) => r.container(td, c), r.passWhy)),
  container: (td, c) => decide(() => r.applies?.(td) ?? r.container(td, c)),
});

export const ecsContainersNonprivileged = withContainers({
  tool: 'aws-config',
  id: 'ecs-containers-nonprivileged',
  control: 'ECS.4',
  title: 'ECS containers should run as non-privileged',
  source: rule('ecs-containers-nonprivileged'),
  checks: ['no-privileged-containers'],
  passWhy: 'no container sets privileged to true',
  container: (_td, c) => {
    const privileged = at(c.node, 'privileged');
    return apiBool(privileged) === true
      ? FAIL('privileged is true, which the rule fails')
      : PASS(`privileged is ${quote(privileged)}; the rule fails only "true"`);
  },
});

export const ecsTaskDefinitionLinuxUserNonRoot = withContainers({
  tool: 'aws-config',
  id: 'ecs-task-definition-linux-user-non-root',
  control: 'ECS.20',
  title: 'ECS task definitions should configure non-root users in Linux container definitions',
  source: control(20),
  checks: ['no-root-user'],
  passWhy: 'every container sets a user other than "root" and "0"',
  applies: (td) => {
    const os = osFamily(td);
    return os === undefined || os === null || os === 'LINUX'
      ? undefined
      : NOT_APPLICABLE(`operatingSystemFamily is ${quote(os)}; the control applies to LINUX or unset`);
  },
  container: (_td, c) => linuxRootUser(at(c.node, 'user')),
});

export const ecsTaskDefinitionWindowsUserNonAdmin = withContainers({
  tool: 'aws-config',
  id: 'ecs-task-definition-windows-user-non-admin',
  control: 'ECS.21',
  title: 'ECS task definitions should configure non-administrator users in Windows container definitions',
  source: control(21),
  checks: ['no-root-user'],
  passWhy: 'every container sets a user other than "containeradministrator"',
  applies: (td) => {
    const os = osFamily(td);
    // Unset counts: the control evaluates task definitions with no operatingSystemFamily too.
    return os === undefined || os === null || isWindows(os)
      ? undefined
      : NOT_APPLICABLE(`operatingSystemFamily is ${quote(os)}; the control applies to WINDOWS_SERVER families or unset`);
  },
  container: (_td, c) => windowsAdministrator(at(c.node, 'user')),
});

export const ecsTaskDefinitionNonrootUser = withContainers({
  tool: 'aws-config',
  id: 'ecs-task-definition-nonroot-user',
  title: 'ECS task definitions specify a user for EC2 launch type containers',
  source: rule('ecs-task-definition-nonroot-user'),
  checks: ['no-root-user'],
  passWhy: 'every container sets a user other than "root"',
  applies: (td) => {
    const compat = plain(td.requiresCompatibilities);
    return Array.isArray(compat) && compat.length > 0 && !compat.includes('EC2')
      ? NOT_APPLICABLE(`requiresCompatibilities is ${quote(compat)}; the rule checks EC2 launch type containers`)
      : undefined;
  },
  container: (_td, c) => rootUser(at(c.node, 'user')),
});

/** COMPLIANT when network mode is not host, or privileged is true, or user is not root (any one suffices). */
export const ecsTaskDefinitionUserForHostModeCheck = withContainers({
  tool: 'aws-config',
  id: 'ecs-task-definition-user-for-host-mode-check',
  control: 'ECS.1 (retired)',
  title: 'ECS task definitions should have secure networking modes and user definitions',
  source: rule('ecs-task-definition-user-for-host-mode-check'),
  checks: ['host-network-nonroot-user', 'host-network-no-privilege'],
  passWhy: 'every container in host mode is privileged or sets a non-root user',
  applies: (td) => {
    const mode = plain(td.networkMode);
    return mode === 'host' ? undefined : PASS(`networkMode is ${quote(mode)}, not host: the rule is compliant`);
  },
  container: (_td, c) => {
    if (apiBool(at(c.node, 'privileged')) === true)
      return PASS('privileged is true, which the rule accepts as an explicit opt-in (AWS: "only one condition needs to be met")');
    const user = at(c.node, 'user');
    const verdict = rootUser(user);
    return verdict.verdict === 'FAIL' ? FAIL(`privileged is not true and ${verdict.why}`) : verdict;
  },
});

export const ecsTaskDefinitionNetworkModeNotHost: PeerRule = {
  tool: 'aws-config',
  id: 'ecs-task-definition-network-mode-not-host',
  control: 'ECS.17',
  title: 'ECS task definitions should not use host network mode',
  source: control(17),
  checks: ['no-host-network'],
  task: (td) =>
    decide(() =>
      plain(td.networkMode) === 'host' ? FAIL('networkMode is "host"') : PASS(`networkMode is ${quote(plain(td.networkMode))}`),
    ),
};

export const ecsTaskDefinitionPidModeCheck: PeerRule = {
  tool: 'aws-config',
  id: 'ecs-task-definition-pid-mode-check',
  control: 'ECS.3',
  title: "ECS task definitions should not share the host's process namespace",
  source: rule('ecs-task-definition-pid-mode-check'),
  checks: ['no-host-pid-namespace'],
  task: (td) => decide(() => (plain(td.pidMode) === 'host' ? FAIL('pidMode is "host"') : PASS(`pidMode is ${quote(plain(td.pidMode))}`))),
};

export const ecsContainersReadonlyAccess = withContainers({
  tool: 'aws-config',
  id: 'ecs-containers-readonly-access',
  control: 'ECS.5',
  title: 'ECS containers should be limited to read-only access to root filesystems',
  source: control(5),
  checks: ['readonly-root-filesystem'],
  passWhy: 'every container sets readonlyRootFilesystem to true',
  applies: (td) =>
    isWindows(osFamily(td))
      ? NOT_APPLICABLE(`operatingSystemFamily is ${quote(osFamily(td))}: Security Hub marks Windows task definitions NOT_APPLICABLE`)
      : undefined,
  container: (_td, c) => {
    const value = at(c.node, 'readonlyRootFilesystem');
    return apiBool(value) === true
      ? PASS('readonlyRootFilesystem is true')
      : FAIL(`readonlyRootFilesystem is ${quote(value)}; the control fails false or absent`);
  },
});

/** ECS.8 fixes secretKeys to these three names. */
export const ECS8_SECRET_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ECS_ENGINE_AUTH_DATA'] as const;

export const ecsNoEnvironmentSecrets = withContainers({
  tool: 'aws-config',
  id: 'ecs-no-environment-secrets',
  control: 'ECS.8',
  title: 'Secrets should not be passed as container environment variables',
  source: control(8),
  checks: ['no-secrets-in-environment'],
  passWhy: `no environment variable is named ${ECS8_SECRET_KEYS.join(', ')}`,
  container: (_td, c) => {
    const env = at(c.node, 'environment');
    const names = Array.isArray(env)
      ? env.map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>)['name'] : undefined))
      : [];
    const hit = names.find((n) => typeof n === 'string' && (ECS8_SECRET_KEYS as readonly string[]).includes(n));
    return hit
      ? FAIL(`environment variable ${hit} is one of the control's secretKeys`)
      : PASS(`the control matches names only (${ECS8_SECRET_KEYS.join(', ')}); it never reads values`);
  },
});

export const ecsTaskDefinitionLogConfiguration = withContainers({
  tool: 'aws-config',
  id: 'ecs-task-definition-log-configuration',
  control: 'ECS.9',
  title: 'ECS task definitions should have a logging configuration',
  source: control(9),
  checks: ['logging-configured'],
  passWhy: 'every container has a logConfiguration with a logDriver',
  container: (_td, c) => {
    const log = at(c.node, 'logConfiguration');
    if (log === undefined || log === null) return FAIL('logConfiguration is not defined');
    const driver = (log as Record<string, unknown>)['logDriver'];
    return driver === undefined || driver === null ? FAIL('logConfiguration has no logDriver') : PASS(`logDriver is ${quote(driver)}`);
  },
});

export const ecsTaskDefinitionEfsEncryptionEnabled: PeerRule = {
  tool: 'aws-config',
  id: 'ecs-task-definition-efs-encryption-enabled',
  control: 'ECS.18',
  title: 'ECS task definitions should use in-transit encryption for EFS volumes',
  source: rule('ecs-task-definition-efs-encryption-enabled'),
  checks: ['efs-transit-encryption'],
  task: (td) =>
    decide(() => {
      const volumes = at(td.body, 'volumes');
      const efs = (Array.isArray(volumes) ? volumes : []).filter(
        (v) => v && typeof v === 'object' && (v as Record<string, unknown>)['efsVolumeConfiguration'],
      );
      const open = efs.find(
        (v) => ((v as Record<string, Record<string, unknown>>)['efsVolumeConfiguration'] ?? {})['transitEncryption'] !== 'ENABLED',
      );
      if (open) {
        const transit = ((open as Record<string, Record<string, unknown>>)['efsVolumeConfiguration'] ?? {})['transitEncryption'];
        return FAIL(`EFS volume ${quote((open as Record<string, unknown>)['name'])} has transitEncryption ${quote(transit)}`);
      }
      return PASS(efs.length ? 'every EFS volume has transitEncryption ENABLED' : 'no EFS volume');
    }),
};

export const AWS_CONFIG_RULES: readonly PeerRule[] = [
  ecsContainersNonprivileged,
  ecsTaskDefinitionLinuxUserNonRoot,
  ecsTaskDefinitionWindowsUserNonAdmin,
  ecsTaskDefinitionNonrootUser,
  ecsTaskDefinitionUserForHostModeCheck,
  ecsTaskDefinitionNetworkModeNotHost,
  ecsTaskDefinitionPidModeCheck,
  ecsContainersReadonlyAccess,
  ecsNoEnvironmentSecrets,
  ecsTaskDefinitionLogConfiguration,
  ecsTaskDefinitionEfsEncryptionEnabled,
];
