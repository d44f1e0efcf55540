import type { Check } from '../checks/types.js';

/** `ecsguard checks` output: the catalogue with semantics, remediation and mappings. */
export function catalogueText(checks: readonly Check[]): string {
  return checks
    .map(({ meta }) => {
      const m = meta.mappings;
      const mapping = [
        m.prowler.length ? `Prowler ${m.prowler.join(', ')}` : '',
        m.securityHub.length ? `Security Hub ${m.securityHub.join(', ')}` : '',
        m.awsConfig.length ? `AWS Config ${m.awsConfig.join(', ')}` : '',
        m.cis.length ? `CIS AWS Compute v1.1.0 ${m.cis.join(', ')}` : '',
        m.checkov.length ? `Checkov ${m.checkov.join(', ')}` : '',
      ].filter(Boolean);
      return [
        `${meta.id}  [${meta.severity}]${meta.fixable ? '  fixable' : ''}${meta.default === false ? '  opt-in' : ''}`,
        `  ${meta.title}`,
        `  ${meta.description}`,
        `  Semantics: ${meta.semantics}`,
        `  Fix: ${meta.remediation.summary}`,
        `  Maps to: ${mapping.join('; ') || 'none'}`,
      ].join('\n');
    })
    .join('\n\n');
}

export function catalogueJson(checks: readonly Check[]): string {
  return JSON.stringify({ version: 1, checks: checks.map((c) => c.meta) }, null, 2);
}

/** Why the default selection is what it is (issue 13's decision), at the top of docs/checks.md. */
const DEFAULTS_DECISION = [
  '## Which checks run by default, and why',
  '',
  'A plain `ecsguard scan` runs five checks: privileged, root user, and host network mode alone and combined with',
  'either. The other nine are opt-in: by id, by group (`--checks host-breach`, `--checks hardening`, `--checks all`),',
  "by `--framework`, or through the config file's `checks`.",
  '',
  '**Host PID and IPC namespaces, dangerous capabilities and sensitive host mounts stay opt-in for now, grouped as',
  '`host-breach`.** They are the same kind of door as privileged: `pidMode: host` shows and signals every process on',
  'the instance, `ipcMode: host` shares its memory segments, SYS_ADMIN or SYS_MODULE reach the kernel, and a mounted',
  "`/var/run/docker.sock` is root on the host. Kubernetes' Pod Security Standards put all four in the *Baseline*",
  'profile, the minimum every workload should meet, and Security Hub rates ECS.3 (host PID) high. The reasons not to',
  'turn them on in a plain scan yet:',
  '',
  '1. **The default gate is a contract.** Pipelines gate on `ecsguard scan` exit codes; the README promises that',
  '   upgrading never fails a pipeline that passed before. The workloads these checks fail are agents that need the',
  '   host on purpose (log shippers mounting `/var/log` and the Docker socket, monitoring agents with host PID,',
  '   CNI and eBPF tools with NET_ADMIN or BPF); each needs a reviewed exception with an owner and an expiry',
  '   ([exceptions.md](exceptions.md)) before its pipeline can gate on these checks, and an upgrade must not force',
  '   that review unannounced.',
  '2. **One flag away.** `--checks host-breach` (or `checks: [host-breach]` in `ecsguard.config.yaml`) runs the five',
  '   default checks and these four; new pipelines should start there. `--framework aws-fsbp` includes host PID (ECS.3).',
  '3. **The others are hygiene, not host breach.** A writable root filesystem, capabilities not dropped, no log driver,',
  '   unencrypted EFS traffic and literal secrets matter, but most real task definitions fail at least one of them: in',
  '   a default gate they would drown the host-breach findings.',
  '',
  'The `host-breach` checks are meant to become default in the next major version, when the default gate may change; until then a',
  "plain scan's findings and exit code stay as they were.",
  '',
  'Frameworks and their control mappings: [frameworks.md](frameworks.md). What AWS Config, Security Hub, Prowler, CIS,',
  'Checkov and Trivy conclude on the same definitions: [peers.md](peers.md).',
  '',
];

export function catalogueMarkdown(checks: readonly Check[]): string {
  const rows = checks.map(({ meta }) => {
    const m = meta.mappings;
    const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');
    return (
      `| \`${meta.id}\` | ${meta.severity}${meta.default === false ? ' (opt-in)' : ''} | ${meta.title} | ${list(m.prowler)} | ` +
      `${list(m.securityHub)} | ${list(m.awsConfig)} | ${list(m.cis)} | ${list(m.checkov)} |`
    );
  });
  const sections = checks.map(({ meta }) =>
    [
      `### \`${meta.id}\` (${meta.severity}${meta.default === false ? ', opt-in' : ''})`,
      '',
      meta.description,
      '',
      `**Risk.** ${meta.risk}`,
      '',
      `**Exactly what passes and fails.** ${meta.semantics}`,
      '',
      `**Fix.** ${meta.remediation.summary}`,
      '',
      'Console:',
      '',
      ...meta.remediation.console.map((step, i) => `${i + 1}. ${step}`),
      '',
      'CLI:',
      '',
      '```sh',
      meta.remediation.cli,
      '```',
      '',
      'CloudFormation:',
      '',
      '```yaml',
      meta.remediation.cloudformation,
      '```',
      '',
      'Terraform:',
      '',
      '```hcl',
      meta.remediation.terraform,
      '```',
      '',
      `References: ${meta.references.join(', ')}`,
    ].join('\n'),
  );
  return [
    ...DEFAULTS_DECISION,
    '| id | severity | title | Prowler | Security Hub | AWS Config | CIS AWS Compute v1.1.0 | Checkov |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}
