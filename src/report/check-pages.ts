import { stringify } from 'yaml';
import type { Check } from '../checks/types.js';
import { FRAMEWORKS } from '../checks/frameworks.js';
import { normalizeTaskDefinition } from '../model/task-definition.js';
import { type ObjectNode, fromPlain } from '../model/value.js';
import { TOOL_NAMES, rulesFor } from '../peers/index.js';

type Body = Record<string, unknown>;

const CFN_IRREGULAR: Record<string, string> = { efsVolumeConfiguration: 'EFSVolumeConfiguration', iam: 'IAM' };

/** ECS API keys → CloudFormation property names; user maps (log options, labels) keep their keys. */
export function toCloudFormation(value: unknown, userMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toCloudFormation(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Body)) {
    const name = userMap ? key : (CFN_IRREGULAR[key] ?? key.charAt(0).toUpperCase() + key.slice(1));
    out[name] = toCloudFormation(v, key === 'options' || key === 'dockerLabels');
  }
  return out;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** JSON text as HCL reads it literally: `${` and `%{` would start a template sequence, so they are doubled. */
const hclLiteral = (json: string) => json.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');

function hclBlock(name: string, value: Body, indent: string): string {
  const lines = [`${indent}${name} {`];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'host') lines.push(`${indent}  host_path = ${JSON.stringify((v as Body)['sourcePath'])}`);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) lines.push(hclBlock(snake(key), v as Body, `${indent}  `));
    else lines.push(`${indent}  ${snake(key)} = ${JSON.stringify(v)}`);
  }
  lines.push(`${indent}}`);
  return lines.join('\n');
}

/** A task definition (ECS API shape) as a CloudFormation YAML template. */
export function cloudFormationTemplate(body: Body): string {
  return stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { TaskDefinition: { Type: 'AWS::ECS::TaskDefinition', Properties: toCloudFormation(body) } },
  });
}

/** A task definition (ECS API shape) as a Terraform aws_ecs_task_definition resource. */
export function terraformResource(body: Body): string {
  const { containerDefinitions, volumes, runtimePlatform, ...task } = body;
  const lines = ['resource "aws_ecs_task_definition" "this" {'];
  for (const [key, v] of Object.entries(task)) lines.push(`  ${snake(key)} = ${hclLiteral(JSON.stringify(v))}`);
  lines.push(`  container_definitions = jsonencode(${hclLiteral(JSON.stringify(containerDefinitions, null, 2)).replace(/\n/g, '\n  ')})`);
  for (const volume of (volumes as Body[] | undefined) ?? []) lines.push(hclBlock('volume', volume, '  '));
  if (runtimePlatform) lines.push(hclBlock('runtime_platform', runtimePlatform as Body, '  '));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** What each peer rule concludes on the page's examples, read as the Terraform form (Checkov and Trivy read IaC only). */
function peerRows(checkId: string, examples: { failing: Body; passing: Body } | undefined): string[] {
  const rules = rulesFor(checkId);
  if (rules.length === 0) return ['None of AWS Config/Security Hub, Prowler, CIS, Checkov and Trivy has a rule for this check.'];
  const verdict = (rule: (typeof rules)[number], body: Body | undefined) => {
    if (!body) return '';
    const td = normalizeTaskDefinition(
      { kind: 'file', source: 'terraform', id: 'aws_ecs_task_definition.this' },
      fromPlain(body) as ObjectNode,
    ).taskDefinition;
    if (!td) return '';
    const outcome = rule.task(td);
    return `${outcome.verdict.replace('_', ' ')}: ${outcome.why.replace(/\|/g, '\\|')}`;
  };
  return [
    '| tool | rule | failing example | passing example |',
    '|---|---|---|---|',
    ...rules.map(
      (r) =>
        `| ${TOOL_NAMES[r.tool]} | [${r.control ? `${r.control} ` : ''}\`${r.id}\`](${r.source}) | ${verdict(r, examples?.failing)} ` +
        `| ${verdict(r, examples?.passing)} |`,
    ),
    '',
    "Computed by ecsguard's re-implementations of those rules (`src/peers/`, [docs/peers.md](../peers.md)).",
  ];
}

const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');

/** One page of docs/checks/, generated from the check's metadata. */
export function checkPage({ meta }: Check): string {
  const m = meta.mappings;
  const controls = FRAMEWORKS.flatMap((f) =>
    f.controls
      .filter((c) => c.checks.includes(meta.id))
      .map((c) => `| \`${f.id}\` | ${c.control} | ${c.title === c.control ? '' : c.title} |`),
  );
  const example = (title: string, body: Body | undefined) =>
    body
      ? [
          `### ${title}`,
          '',
          'Task definition JSON:',
          '',
          '```json',
          JSON.stringify(body, null, 2),
          '```',
          '',
          'CloudFormation:',
          '',
          '```yaml',
          cloudFormationTemplate(body).trimEnd(),
          '```',
          '',
          'Terraform:',
          '',
          '```hcl',
          terraformResource(body).trimEnd(),
          '```',
          '',
        ]
      : [];
  return [
    `# \`${meta.id}\`: ${meta.title}`,
    '',
    `<!-- Generated from src/checks/${meta.id}.ts; test/docs/check-pages.test.ts keeps it in sync (UPDATE_CHECK_PAGES=1 regenerates). -->`,
    '',
    `Severity: **${meta.severity}**. ${
      meta.default === false
        ? 'Opt-in: runs with `--checks hardening`, `--checks all`, its id, or a framework that maps it.'
        : 'Runs by default.'
    } ${meta.fixable ? '`ecsguard fix` remediates it.' : 'No automatic fix.'}`,
    '',
    meta.description,
    '',
    `**Risk.** ${meta.risk}`,
    '',
    `**Exactly what passes and fails.** ${meta.semantics}`,
    '',
    ...example('Failing example', meta.examples?.failing),
    ...example('Passing example', meta.examples?.passing),
    '## Fix',
    '',
    meta.remediation.summary,
    '',
    ...meta.remediation.console.map((step, i) => `${i + 1}. ${step}`),
    '',
    '```sh',
    meta.remediation.cli,
    '```',
    '',
    '```yaml',
    meta.remediation.cloudformation,
    '```',
    '',
    '```hcl',
    meta.remediation.terraform,
    '```',
    '',
    '## Framework controls',
    '',
    ...(controls.length
      ? ['| framework | control | title |', '|---|---|---|', ...controls]
      : ['None of the frameworks ecsguard knows has a control for this check.']),
    '',
    '## Other tools',
    '',
    '| tool | rule |',
    '|---|---|',
    `| Prowler | ${list(m.prowler)} |`,
    `| Security Hub | ${list(m.securityHub)} |`,
    `| AWS Config | ${list(m.awsConfig)} |`,
    `| CIS AWS Compute v1.1.0 | ${list(m.cis)} |`,
    `| Checkov | ${list(m.checkov)} |`,
    '',
    '### What they conclude on the examples',
    '',
    ...peerRows(meta.id, meta.examples),
    '',
    '## References',
    '',
    ...meta.references.map((r) => `- ${r}`),
    '',
  ].join('\n');
}
