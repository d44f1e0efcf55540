import { jsonReporter } from './json.js';
import type { Reporter } from './report.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { ReportFormat } from './formats.js';

/** Scan report formats; a new format is one file here plus one entry. */
export const REPORTERS = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
} satisfies Record<ReportFormat, Reporter>;

// formats.ts lists the names for the CLI; a new format goes in both (the `satisfies` above fails if one is missing).
export { REPORT_FORMATS, type ReportFormat } from './formats.js';
