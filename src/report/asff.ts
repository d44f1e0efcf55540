import { UsageError } from '../model/errors.js';
import type { Finding, Status } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { locationLabel, remediationDetails } from './finding-text.js';
import { whole } from './chunks.js';
import type { AsffTarget, ChunkedReporter, Reporter } from './report.js';
import { jsonTextChunks, lazyArray } from './stream-json.js';
import { stableFindingId } from './stable-id.js';

const COMPLIANCE: Partial<Record<Status, string>> = {
  FAIL: 'FAILED',
  MUTED: 'FAILED',
  UNKNOWN: 'WARNING',
  ERROR: 'NOT_AVAILABLE',
  PASS: 'PASSED',
};

/** At most `max` UTF-16 code units, never ending in half a surrogate pair (Security Hub rejects invalid Unicode). */
const clip = (text: string, max: number) => {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
};

/** Security Hub's limits: a ProductFields value 2048 characters; a Details.Other value 1024. */
const PRODUCT_FIELD_MAX = 2048;
const OTHER_VALUE_MAX = 1024;

/**
 * ProductFields values must not be empty (the API's NonEmptyString): an absent owner or expiry is left out, not "".
 * An expired suppression no longer suppresses, so it is not labelled as one.
 */
function suppressionFields(s: NonNullable<Finding['suppression']>): Record<string, string> {
  if (s.expired) return { 'ecsguard/ExpiredSuppression': s.source };
  return {
    'ecsguard/SuppressedBy': s.source,
    ...(s.owner ? { 'ecsguard/SuppressionOwner': clip(s.owner, PRODUCT_FIELD_MAX) } : {}),
    ...(s.expires ? { 'ecsguard/SuppressionExpires': s.expires } : {}),
  };
}

/**
 * AWS Security Finding Format, a JSON array ready for `aws securityhub batch-import-findings --findings`
 * (at most 100 a call). ProductArn is the account's default custom-integration product,
 * arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default; GeneratorId is `ecsguard/<check id>`.
 * MUTED findings keep Compliance.Status FAILED with Workflow.Status SUPPRESSED and a Note carrying the exception.
 */
export const asffReportChunks: ChunkedReporter = ({ result, generatedAt, asff }) => {
  const now = (generatedAt ?? new Date()).toISOString();
  const reported = result.findings.filter((f) => COMPLIANCE[f.status]);
  // A finding without an account or region stops the report before any of it is written.
  for (const f of reported) filedUnder(f, asff ?? {});
  return jsonTextChunks(
    lazyArray(reported, (f) => asffFinding(f, now, asff ?? {})),
    2,
  );
};

export const asffReporter: Reporter = (input, context) => whole(asffReportChunks(input, context));

/** The account and region a finding is filed under: its own, else the target's (files); an error when neither. */
function filedUnder(f: Finding, target: AsffTarget): { account: string; region: string } {
  const r = f.resource;
  const account = r.accountId ?? target.accountId;
  const region = r.region ?? target.region;
  if (!account || !region) {
    throw new UsageError(
      `ASFF needs an AWS account and region for findings from files (${r.file ?? r.id}): pass --asff-account-id and --asff-region`,
    );
  }
  return { account, region };
}

function asffFinding(f: Finding, now: string, target: AsffTarget) {
  const r = f.resource;
  const { account, region } = filedUnder(f, target);
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const fix = remediationDetails(f);
  const s = f.suppression;
  const severity = f.severity === 'info' ? 'INFORMATIONAL' : f.severity.toUpperCase();
  return {
    SchemaVersion: '2018-10-08',
    Id: `${TOOL_NAME}/${f.checkId}/${stableFindingId(f)}`,
    ProductArn: `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: TOOL_NAME,
    CompanyName: TOOL_NAME,
    GeneratorId: `${TOOL_NAME}/${f.checkId}`,
    AwsAccountId: account,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: now,
    UpdatedAt: now,
    Severity: { Label: severity, Original: f.severity },
    Title: clip(f.title, 256),
    Description: clip(`${f.message} (${locationLabel(f)})`, 1024),
    Remediation: {
      Recommendation: { Text: clip(fix.summary, 512), ...(fix.references[0] ? { Url: fix.references[0] } : {}) },
    },
    ProductFields: {
      'ecsguard/CheckId': f.checkId,
      'ecsguard/Status': f.status,
      'ecsguard/Version': TOOL_VERSION,
      ...(f.container ? { 'ecsguard/Container': clip(f.container, PRODUCT_FIELD_MAX) } : {}),
      ...(f.location ? { 'ecsguard/Location': clip(locationLabel(f), PRODUCT_FIELD_MAX) } : {}),
      ...(s ? suppressionFields(s) : {}),
    },
    Resources: [
      r.arn
        ? { Type: 'AwsEcsTaskDefinition', Id: r.arn, Partition: partition, Region: region }
        : {
            Type: 'Other',
            Id: clip(`${r.file ?? ''}#${r.id}`, 512),
            Partition: partition,
            Region: region,
            Details: { Other: { Source: r.source, ResourceId: clip(r.id, OTHER_VALUE_MAX) } },
          },
    ],
    Compliance: { Status: COMPLIANCE[f.status] },
    Workflow: { Status: f.status === 'MUTED' ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
    ...(s && f.status === 'MUTED'
      ? {
          Note: {
            Text: clip(`${s.reason}${s.expires ? ` (until ${s.expires})` : ''}${s.ticket ? ` [${s.ticket}]` : ''}`, 512),
            UpdatedBy: s.owner ?? s.source,
            UpdatedAt: now,
          },
        }
      : {}),
  };
}
