import { asffReporter } from './asff.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReportChunks, jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { ocsfReporter } from './ocsf.js';
import type { ReportFormat } from './formats.js';
import type { ChunkedReporter, Reporter } from './report.js';
import { sarifReportChunks, sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

/** Scan report formats; a new format is one file here plus one entry. */
export const REPORTERS = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  csv: csvReporter,
  ocsf: ocsfReporter,
  asff: asffReporter,
  html: htmlReporter,
} satisfies Record<ReportFormat, Reporter>;

export { REPORT_FORMATS, type ReportFormat, findingDetailsFor } from './formats.js';

/** Formats that can be written in pieces, so a large report is never whole in memory (same bytes as REPORTERS). */
export const CHUNKED_REPORTERS: Partial<Record<ReportFormat, ChunkedReporter>> = {
  json: jsonReportChunks,
  sarif: sarifReportChunks,
};
