import type { Finding } from '../model/finding.js';
import { proposedFix, remediationDetails } from './finding-text.js';
import { controlGroups, groupedByControl } from './controls.js';
import { whole } from './chunks.js';
import type { ChunkedReporter, Reporter } from './report.js';
import type { ReportChunk } from './stream-json.js';

export const CSV_COLUMNS = [
  'check_id',
  'status',
  'severity',
  'title',
  'message',
  'container',
  'field',
  'source',
  'resource_id',
  'file',
  'line',
  'column',
  'account_id',
  'region',
  'family',
  'revision',
  'arn',
  'running_tasks',
  'services',
  'remediation',
  'remediation_cli',
  'remediation_cloudformation',
  'remediation_terraform',
  'proposed_fix',
  'suppression_kind',
  'suppression_source',
  'suppression_reason',
  'suppression_owner',
  'suppression_expires',
  'suppression_ticket',
  'suppression_expired',
] as const;

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (= + - @, tab, CR at the start) is
 * prefixed with an apostrophe (OWASP CSV injection), since names and messages come from the input.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(f: Finding): Array<string | number | boolean | undefined> {
  const r = f.resource;
  const fix = remediationDetails(f);
  const s = f.suppression;
  return [
    f.checkId,
    f.status,
    f.severity,
    f.title,
    f.message,
    f.container,
    f.field,
    r.source,
    r.id,
    f.location?.file ?? r.file,
    f.location?.start.line,
    f.location?.start.column,
    r.accountId,
    r.region,
    r.family,
    r.revision,
    r.arn,
    f.usage?.runningTasks,
    f.usage?.services.join(' '),
    fix.summary,
    fix.cli,
    fix.cloudformation,
    fix.terraform,
    proposedFix(f),
    s?.kind,
    s?.source,
    s?.reason,
    s?.owner,
    s?.expires,
    s?.ticket,
    s ? Boolean(s.expired) : undefined,
  ];
}

/** With --framework: the control columns come first and rows are grouped by control (one row per finding and control). */
export const CSV_CONTROL_COLUMNS = ['control', 'control_title'] as const;

/** One row per finding (input errors are not findings: see the JSON or text report for them), a row at a time. */
export const csvReportChunks: ChunkedReporter = function* ({ result }) {
  if (groupedByControl(result.findings)) {
    yield [...CSV_CONTROL_COLUMNS, ...CSV_COLUMNS].join(',') + '\r\n';
    for (const g of controlGroups(result.findings))
      for (const f of g.findings) yield [g.control, g.title, ...row(f)].map(csvCell).join(',') + '\r\n';
  } else {
    yield CSV_HEADER;
    for (const f of result.findings) yield csvFindingPiece(f);
  }
};

const CSV_HEADER = CSV_COLUMNS.join(',') + '\r\n';

/** One finding's row (without --framework): what a streamed report renders as the finding arrives. */
export const csvFindingPiece = (f: Finding): string => row(f).map(csvCell).join(',') + '\r\n';

/** The report (without --framework) around its rows already rendered, in order. */
export function* csvDocumentChunks(rows: Iterable<ReportChunk>): Generator<ReportChunk> {
  yield CSV_HEADER;
  yield* rows;
}

export const csvReporter: Reporter = (input, context) => whole(csvReportChunks(input, context));
