/**
 * The cases where the tools disagree, computed: each case is a task
 * definition, ecsguard's verdict comes from the check and every other column
 * from the peer functions. README and docs/peers.md print this table;
 * test/peers/comparison.test.ts fails when they drift from it.
 */
import { findCheck } from '../checks/catalogue.js';
import type { PeerConclusion } from '../model/finding.js';
import { type SourceKind, normalizeTaskDefinition } from '../model/task-definition.js';
import { type ObjectNode, fromPlain } from '../model/value.js';
import { TOOL_NAMES, peersFor, peersForUnread } from './index.js';

export interface ComparisonCase {
  title: string;
  check: string;
  source: SourceKind;
  /** The definition in ECS API shape; absent: a revision whose DescribeTaskDefinition failed. */
  body?: Record<string, unknown>;
}

const container = (extra: Record<string, unknown>) => ({ name: 'app', image: 'app:1', ...extra });

export const COMPARISON_CASES: readonly ComparisonCase[] = [
  {
    title: 'host network, user `"0:0"`',
    check: 'host-network-nonroot-user',
    source: 'json',
    body: { networkMode: 'host', containerDefinitions: [container({ user: '0:0' })] },
  },
  {
    title: 'host network, user absent',
    check: 'host-network-nonroot-user',
    source: 'json',
    body: { networkMode: 'host', containerDefinitions: [container({})] },
  },
  {
    title: 'host network, `privileged: true`, user `"root"`',
    check: 'host-network-no-privilege',
    source: 'json',
    body: { networkMode: 'host', containerDefinitions: [container({ privileged: true, user: 'root' })] },
  },
  { title: 'user `"0"`', check: 'no-root-user', source: 'json', body: { containerDefinitions: [container({ user: '0' })] } },
  {
    title: 'user `"root:root"`',
    check: 'no-root-user',
    source: 'json',
    body: { containerDefinitions: [container({ user: 'root:root' })] },
  },
  {
    title: 'Terraform, `privileged = true`',
    check: 'no-privileged-containers',
    source: 'terraform',
    body: { containerDefinitions: [container({ privileged: true })] },
  },
  {
    title: 'Terraform, task `pid_mode = "host"`',
    check: 'no-host-pid-namespace',
    source: 'terraform',
    body: { pidMode: 'host', containerDefinitions: [container({})] },
  },
  {
    title: '`ipcMode: "host"`',
    check: 'no-host-ipc-namespace',
    source: 'json',
    body: { ipcMode: 'host', containerDefinitions: [container({})] },
  },
  {
    title: 'Windows task, `readonlyRootFilesystem` absent',
    check: 'readonly-root-filesystem',
    source: 'json',
    body: { runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' }, containerDefinitions: [container({ user: 'app' })] },
  },
  {
    title: 'Terraform, EFS volumes: first `ENABLED`, second `DISABLED`',
    check: 'efs-transit-encryption',
    source: 'terraform',
    body: {
      containerDefinitions: [container({})],
      volumes: [
        { name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED' } },
        { name: 'scratch', efsVolumeConfiguration: { fileSystemId: 'fs-2', transitEncryption: 'DISABLED' } },
      ],
    },
  },
  {
    title: 'CloudFormation, a host volume and no EFS',
    check: 'efs-transit-encryption',
    source: 'cloudformation',
    body: { containerDefinitions: [container({})], volumes: [{ name: 'cache', host: { sourcePath: '/srv/cache' } }] },
  },
  {
    title: 'env `DB_PASSWORD` = `"${DB_PASSWORD}"` (placeholder)',
    check: 'no-secrets-in-environment',
    source: 'cloudformation',
    body: { containerDefinitions: [container({ environment: [{ name: 'DB_PASSWORD', value: '${DB_PASSWORD}' }] })] },
  },
  {
    title: 'env `GITHUB_CREDS` holding a GitHub token',
    check: 'no-secrets-in-environment',
    source: 'cloudformation',
    body: { containerDefinitions: [container({ environment: [{ name: 'GITHUB_CREDS', value: `ghp_${'A1b2C3d4E5'.repeat(4)}` }] })] },
  },
  { title: 'live revision whose DescribeTaskDefinition failed', check: 'no-privileged-containers', source: 'aws' },
];

export interface ComparisonRow {
  case: ComparisonCase;
  ecsguard: string;
  peers: PeerConclusion[];
}

export function comparisonRows(cases: readonly ComparisonCase[] = COMPARISON_CASES): ComparisonRow[] {
  return cases.map((c) => {
    const check = findCheck(c.check);
    if (!check) throw new Error(`unknown check ${c.check}`);
    if (!c.body)
      return {
        case: c,
        ecsguard: 'ERROR',
        peers: peersForUnread(c.check, { kind: 'aws', source: c.source, id: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:7' }),
      };
    const { taskDefinition } = normalizeTaskDefinition(
      { kind: 'file', source: c.source, id: 'case' },
      fromPlain({ family: 'web', ...c.body }) as ObjectNode,
    );
    if (!taskDefinition) throw new Error(`case ${c.title} does not normalize`);
    const violations = check.evaluate(taskDefinition);
    const verdict = violations.find((v) => v.status === 'FAIL') ?? violations.find((v) => v.status === 'UNKNOWN') ?? violations[0];
    const container = verdict?.container ?? taskDefinition.containers[0];
    return { case: c, ecsguard: verdict?.status ?? 'PASS', peers: peersFor(c.check, taskDefinition, container) };
  });
}

const cell = (peers: PeerConclusion[], tool: PeerConclusion['tool']) => {
  const mine = peers.filter((p) => p.tool === tool && p.verdict !== 'NOT_COVERED');
  if (mine.length === 0) return '—';
  return mine.map((p) => `${p.verdict.replace('_', ' ')} (${p.control ?? p.rule})`).join('<br>');
};

/** The comparison as a Markdown table (README "Where other tools disagree", docs/peers.md). */
export function comparisonMarkdown(rows: readonly ComparisonRow[] = comparisonRows()): string {
  const tools = ['aws-config', 'prowler', 'cis', 'checkov', 'trivy'] as const;
  return [
    `| case | ecsguard check | ecsguard | ${tools.map((t) => TOOL_NAMES[t]).join(' | ')} |`,
    `|---|---|---|${tools.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.case.title} | \`${r.case.check}\` | ${r.ecsguard} | ${tools.map((t) => cell(r.peers, t)).join(' | ')} |`),
  ].join('\n');
}
