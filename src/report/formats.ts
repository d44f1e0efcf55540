/**
 * The report formats by name, and what each needs findings to carry, without loading any reporter: the CLI parses
 * --format and tells the scan what to compute before a report is made (start-up cost, scan cost).
 */
import type { FindingDetails } from '../engine/evaluate.js';
import type { ChunkedReporter, Reporter } from './report.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'csv', 'ocsf', 'asff', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * What a format prints beyond the verdicts: JSON and SARIF carry fix text edits and peers; HTML prints the peers;
 * text prints them with --explain. CSV, JUnit, OCSF and ASFF print neither.
 */
export function findingDetailsFor(formats: readonly ReportFormat[], context: { explain?: boolean } = {}): FindingDetails {
  const has = (...names: ReportFormat[]) => formats.some((f) => names.includes(f));
  return {
    edits: has('json', 'sarif'),
    peers: has('json', 'sarif', 'html') || (context.explain === true && has('text')),
    // The fix itself (changes, warnings, manual steps): printed by the same two (ScanOptions.keepFixes).
    fixes: has('json', 'sarif'),
  };
}

/**
 * Whether a streamed report (src/report/spill-report.ts: memory flat in the number of findings) can write all of
 * these formats: JSON, SARIF, and CSV unless grouped by control (--framework).
 */
export function streamableFormats(formats: readonly ReportFormat[], context: { framework: boolean }): boolean {
  return formats.length > 0 && formats.every((f) => f === 'json' || f === 'sarif' || (f === 'csv' && !context.framework));
}

/** One format's reporter and its chunked form (what the CLI writes, a piece at a time), loaded alone. */
export async function loadReporter(format: ReportFormat): Promise<{ reporter: Reporter; chunked: ChunkedReporter }> {
  switch (format) {
    case 'text': {
      const { textReporter, textReportChunks } = await import('./text.js');
      return { reporter: textReporter, chunked: textReportChunks };
    }
    case 'json': {
      const { jsonReporter, jsonReportChunks } = await import('./json.js');
      return { reporter: jsonReporter, chunked: jsonReportChunks };
    }
    case 'sarif': {
      const { sarifReporter, sarifReportChunks } = await import('./sarif.js');
      return { reporter: sarifReporter, chunked: sarifReportChunks };
    }
    case 'junit': {
      const { junitReporter, junitReportChunks } = await import('./junit.js');
      return { reporter: junitReporter, chunked: junitReportChunks };
    }
    case 'csv': {
      const { csvReporter, csvReportChunks } = await import('./csv.js');
      return { reporter: csvReporter, chunked: csvReportChunks };
    }
    case 'ocsf': {
      const { ocsfReporter, ocsfReportChunks } = await import('./ocsf.js');
      return { reporter: ocsfReporter, chunked: ocsfReportChunks };
    }
    case 'asff': {
      const { asffReporter, asffReportChunks } = await import('./asff.js');
      return { reporter: asffReporter, chunked: asffReportChunks };
    }
    case 'html': {
      const { htmlReporter, htmlReportChunks } = await import('./html.js');
      return { reporter: htmlReporter, chunked: htmlReportChunks };
    }
  }
}
