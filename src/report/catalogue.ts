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

export function catalogueMarkdown(checks: readonly Check[]): string {
  const rows = checks.map(({ meta }) => {
    const m = meta.mappings;
    const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');
    return `| \`${meta.id}\` | ${meta.severity}${meta.default === false ? ' (opt-in)' : ''} | ${meta.title} | ${list(m.prowler)} | ${list(m.securityHub)} | ${list(m.awsConfig)} | ${list(m.cis)} | ${list(m.checkov)} |`;
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
    '| id | severity | title | Prowler | Security Hub | AWS Config | CIS AWS Compute v1.1.0 | Checkov |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}
