import { UsageError } from '../model/errors.js';
import { ALL_CHECKS } from './catalogue.js';
import type { Check } from './types.js';

/** A compliance framework: its controls, each answered by one or more checks, and where the mapping comes from. */
export interface Framework {
  id: string;
  title: string;
  /** The public page the control list and wording come from. */
  source: string;
  notes: string[];
  controls: FrameworkControl[];
}

export interface FrameworkControl {
  control: string;
  title: string;
  checks: string[];
  /** Where this control-to-check mapping is published, when it is not the framework's `source` itself. */
  basis?: string;
}

const SECURITY_HUB_ECS = 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html';

/**
 * A framework whose controls Security Hub lists as "Related requirements" of its ECS controls:
 * each requirement maps to the checks that answer those Security Hub controls.
 */
function viaSecurityHub(
  related: ReadonlyArray<{ requirement: string; title: string; from: ReadonlyArray<{ control: string; check: string }> }>,
): FrameworkControl[] {
  return related.map(({ requirement, title, from }) => ({
    control: requirement,
    title,
    checks: [...new Set(from.map((f) => f.check))],
    basis: `Security Hub ${from.map((f) => f.control).join(', ')} "Related requirements"`,
  }));
}

// The Security Hub ECS controls whose pages list NIST SP 800-53 r5 requirements, and the check that answers each.
const ECS1 = { control: 'ECS.1 (retired)', check: 'host-network-nonroot-user' };
const ECS3 = { control: 'ECS.3', check: 'no-host-pid-namespace' };
const ECS4 = { control: 'ECS.4', check: 'no-privileged-containers' };
const ECS5 = { control: 'ECS.5', check: 'readonly-root-filesystem' };
const ECS8 = { control: 'ECS.8', check: 'no-secrets-in-environment' };
const ECS9 = { control: 'ECS.9', check: 'logging-configured' };
const ECS17 = { control: 'ECS.17', check: 'no-host-network' };
const ACCESS = [ECS1, ECS4, ECS5, ECS17];
const BASELINE = [ECS3, ECS8];

export const FRAMEWORKS: readonly Framework[] = [
  {
    id: 'aws-fsbp',
    title: 'AWS Foundational Security Best Practices (Security Hub), ECS task definition controls',
    source: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html',
    notes: [
      'ECS.1 ("secure networking modes and user definitions") was retired in March 2026; Security Hub points to ECS.4, ECS.17, ' +
        'ECS.20 and ECS.21 instead. host-network-nonroot-user keeps its AWS Config semantics for users who still run the rule.',
      'ECS.8 fixes the AWS Config secretKeys to AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA; ' +
        'no-secrets-in-environment covers those names and more.',
    ],
    controls: [
      { control: 'ECS.3', title: "ECS task definitions should not share the host's process namespace", checks: ['no-host-pid-namespace'] },
      { control: 'ECS.4', title: 'ECS containers should run as non-privileged', checks: ['no-privileged-containers'] },
      {
        control: 'ECS.5',
        title: 'ECS task definitions should configure containers to be limited to read-only access to root filesystems',
        checks: ['readonly-root-filesystem'],
      },
      { control: 'ECS.8', title: 'Secrets should not be passed as container environment variables', checks: ['no-secrets-in-environment'] },
      { control: 'ECS.9', title: 'ECS task definitions should have a logging configuration', checks: ['logging-configured'] },
      { control: 'ECS.17', title: 'ECS task definitions should not use host network mode', checks: ['no-host-network'] },
      {
        control: 'ECS.18',
        title: 'ECS Task Definitions should use in-transit encryption for EFS volumes',
        checks: ['efs-transit-encryption'],
      },
      {
        control: 'ECS.20',
        title: 'ECS Task Definitions should configure non-root users in Linux container definitions',
        checks: ['no-root-user'],
      },
      {
        control: 'ECS.21',
        title: 'ECS Task Definitions should configure non-administrator users in Windows container definitions',
        checks: ['no-root-user'],
      },
    ],
  },
  {
    id: 'cis-aws-compute-1.1',
    title: 'CIS AWS Compute Services Benchmark v1.1.0, section 3 (Amazon ECS)',
    source: 'https://www.cisecurity.org/benchmark/amazon_web_services',
    notes: [
      'Recommendation numbers and audit text as restated by public implementations of the benchmark; the PDF itself is behind a CIS login.',
      '3.1 passes an absent user (its audit reads "user is not set to root or is absent"); host-network-no-privilege follows it.',
    ],
    controls: [
      {
        control: '3.1',
        title: "Ensure Amazon ECS task definitions using 'host' network mode do not allow privileged or root user access to the host",
        checks: ['host-network-no-privilege'],
      },
      {
        control: '3.4',
        title: "Ensure Amazon ECS task definitions do not have 'privileged' set to 'true'",
        checks: ['no-privileged-containers'],
      },
      { control: '3.6', title: 'Ensure secrets are not passed as container environment variables', checks: ['no-secrets-in-environment'] },
      { control: '3.7', title: 'Ensure Amazon ECS task definitions have logging configured', checks: ['logging-configured'] },
    ],
  },
  {
    id: 'prowler',
    title: 'Prowler AWS ECS task definition checks',
    source: 'https://github.com/prowler-cloud/prowler/tree/master/prowler/providers/aws/services/ecs',
    notes: [
      'Prowler compares user with the literal "root" in ecs_task_definitions_host_networking_mode_users, so uid 0 passes there; ' +
        'ecsguard fails it.',
      'ecs_task_definitions_no_environment_secrets scans values with a secrets scanner and has no name rule; ' +
        'no-secrets-in-environment does both and never prints the value.',
    ],
    controls: [...new Set(ALL_CHECKS.flatMap((c) => c.meta.mappings.prowler))].map((id) => ({
      control: id,
      title: id,
      checks: ALL_CHECKS.filter((c) => c.meta.mappings.prowler.includes(id)).map((c) => c.meta.id),
    })),
  },
  {
    id: 'nist-800-53-r5',
    title: 'NIST SP 800-53 Revision 5, as AWS Security Hub maps its ECS task definition controls',
    source: SECURITY_HUB_ECS,
    notes: [
      'Every mapping below is a "Related requirements" entry of a Security Hub ECS control, carried to the check that answers that ' +
        'control; ecsguard adds no mapping of its own.',
      'Security Hub lists no NIST requirement for ECS.18 (EFS in-transit encryption); ECS.20 and ECS.21 (non-root users) are not ' +
        'mapped here because their related requirements could not be confirmed from a public source; host PID/IPC, capabilities, ' +
        'host mounts have no Security Hub control.',
    ],
    controls: viaSecurityHub([
      { requirement: 'AC-2(1)', title: 'Account management: automated system account management', from: ACCESS },
      { requirement: 'AC-3', title: 'Access enforcement', from: ACCESS },
      { requirement: 'AC-3(7)', title: 'Access enforcement: role-based access control', from: ACCESS },
      { requirement: 'AC-3(15)', title: 'Access enforcement: discretionary and mandatory access control', from: ACCESS },
      { requirement: 'AC-4(26)', title: 'Information flow enforcement: audit filtering actions', from: [ECS9] },
      { requirement: 'AC-5', title: 'Separation of duties', from: ACCESS },
      { requirement: 'AC-6', title: 'Least privilege', from: ACCESS },
      { requirement: 'AU-2', title: 'Event logging', from: [ECS9] },
      { requirement: 'AU-3', title: 'Content of audit records', from: [ECS9] },
      { requirement: 'AU-6(3)', title: 'Audit record review, analysis and reporting: correlate audit record repositories', from: [ECS9] },
      { requirement: 'AU-6(4)', title: 'Audit record review, analysis and reporting: central review and analysis', from: [ECS9] },
      { requirement: 'AU-10', title: 'Non-repudiation', from: [ECS9] },
      { requirement: 'AU-12', title: 'Audit record generation', from: [ECS9] },
      { requirement: 'CA-7', title: 'Continuous monitoring', from: [ECS9] },
      { requirement: 'CA-9(1)', title: 'Internal system connections: compliance checks', from: BASELINE },
      { requirement: 'CM-2', title: 'Baseline configuration', from: BASELINE },
      { requirement: 'SC-7(9)', title: 'Boundary protection: restrict threatening outgoing communications traffic', from: [ECS9] },
      {
        requirement: 'SI-7(8)',
        title: 'Software, firmware and information integrity: auditing capability for significant events',
        from: [ECS9],
      },
    ]),
  },
  {
    id: 'pci-dss-4.0',
    title: 'PCI DSS v4.0 (v4.0.1 requirement numbers), as AWS Security Hub maps its ECS task definition controls',
    source: SECURITY_HUB_ECS,
    notes: [
      'Of the task-definition controls, Security Hub relates only ECS.8 to a PCI DSS v4.0.1 requirement (8.6.2); its other PCI ' +
        'mappings (ECS.2, ECS.10, ECS.16: 1.4.4 and 6.3.3) concern services and task sets, which ecsguard does not check. No other ' +
        'public mapping of these checks to PCI DSS 4.0 was found, so none is claimed.',
    ],
    controls: viaSecurityHub([
      {
        requirement: '8.6.2',
        title:
          'Passwords/passphrases for application and system accounts are not hard coded in scripts, configuration files or source code',
        from: [ECS8],
      },
    ]),
  },
];

export function findFramework(id: string): Framework {
  const framework = FRAMEWORKS.find((f) => f.id === id);
  if (!framework) throw new UsageError(`unknown framework: ${id} (known: ${FRAMEWORKS.map((f) => f.id).join(', ')})`);
  return framework;
}

/** The checks that answer the frameworks' controls, in catalogue order. */
export function frameworkChecks(ids: readonly string[]): Check[] {
  const wanted = new Set(ids.flatMap((id) => findFramework(id).controls.flatMap((c) => c.checks)));
  return ALL_CHECKS.filter((c) => wanted.has(c.meta.id));
}

/** The control ids (framework-qualified) a check answers in the selected frameworks. */
export function controlsOf(checkId: string, ids: readonly string[]): string[] {
  return ids.flatMap((id) =>
    findFramework(id)
      .controls.filter((c) => c.checks.includes(checkId))
      .map((c) => `${id}:${c.control}`),
  );
}

/** `ecsguard checks --framework X`: each control and the checks behind it. */
export function frameworkText(ids: readonly string[]): string {
  return ids
    .map((id) => {
      const f = findFramework(id);
      return [
        `${f.id}: ${f.title}`,
        `  Source: ${f.source}`,
        ...f.controls.flatMap((c) => [
          `  ${c.control.padEnd(12)} ${c.checks.join(', ')}${c.title !== c.control ? `  (${c.title})` : ''}`,
          ...(c.basis ? [`  ${' '.repeat(12)} from ${c.basis}`] : []),
        ]),
        ...f.notes.map((n) => `  Note: ${n}`),
      ].join('\n');
    })
    .join('\n\n');
}
