import { asffReportChunks, asffReporter } from './asff.js';
import { csvReportChunks, csvReporter } from './csv.js';
import { htmlReportChunks, htmlReporter } from './html.js';
import { jsonReportChunks, jsonReporter } from './json.js';
import { junitReportChunks, junitReporter } from './junit.js';
import { ocsfReportChunks, ocsfReporter } from './ocsf.js';
import type { ReportFormat } from './formats.js';
import type { ChunkedReporter, Reporter } from './report.js';
import { sarifReportChunks, sarifReporter } from './sarif.js';
import { textReportChunks, textReporter } from './text.js';

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

/** Every format written in pieces, so a large report is never whole in memory (same bytes as REPORTERS). */
export const CHUNKED_REPORTERS = {
  text: textReportChunks,
  json: jsonReportChunks,
  sarif: sarifReportChunks,
  junit: junitReportChunks,
  csv: csvReportChunks,
  ocsf: ocsfReportChunks,
  asff: asffReportChunks,
  html: htmlReportChunks,
} satisfies Record<ReportFormat, ChunkedReporter>;
