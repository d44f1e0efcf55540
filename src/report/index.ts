import { asffReporter } from './asff.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { ocsfReporter } from './ocsf.js';
import type { Reporter } from './report.js';
import { sarifReporter } from './sarif.js';
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
} satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];
