import { findCheck } from '../checks/catalogue.js';
import { shellQuote } from '../io/shell-quote.js';
import type { Finding } from '../model/finding.js';
import { describeSuppression } from '../mute/mute.js';

/** Shared wording for the tabular formats (JUnit, CSV, HTML, OCSF, ASFF). */
export function resourceLabel(f: Finding): string {
  const r = f.resource;
  if (r.kind === 'aws') return r.arn ?? r.id;
  return r.file ? `${r.file} › ${r.id}` : r.id;
}

export function locationLabel(f: Finding): string {
  if (f.location) return `${f.location.file}:${f.location.start.line}:${f.location.start.column}`;
  const r = f.resource;
  return r.kind === 'aws' ? [r.accountId, r.region, r.arn ?? r.id].filter(Boolean).join(' ') : (r.file ?? r.id);
}

export function suppressionLabel(f: Finding): string {
  return f.suppression ? describeSuppression(f.suppression) : '';
}

/** The check's CLI / CloudFormation / Terraform remediation, for formats that carry it in full. */
export function remediationDetails(f: Finding) {
  const meta = findCheck(f.checkId)?.meta;
  return {
    summary: f.remediation,
    cli: meta?.remediation.cli ?? '',
    cloudformation: meta?.remediation.cloudformation ?? '',
    terraform: meta?.remediation.terraform ?? '',
    references: meta?.references ?? [],
    fixable: meta?.fixable ?? false,
  };
}

/** The `ecsguard fix` or `plan` command that proposes the change, when the check is fixable. */
export function proposedFix(f: Finding): string {
  if (!remediationDetails(f).fixable || (f.status !== 'FAIL' && f.status !== 'MUTED')) return '';
  if (f.resource.kind === 'aws')
    return `ecsguard fix --aws --region ${f.resource.region ?? '<region>'} --plan plan.json, then ecsguard apply plan.json`;
  return f.resource.file ? `ecsguard fix ${shellQuote(f.resource.file)} --checks ${f.checkId}` : '';
}
