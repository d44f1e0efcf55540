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
  };
}

/** One format's reporter (and its chunked form, for formats written in pieces), loaded alone. */
export async function loadReporter(format: ReportFormat): Promise<{ reporter: Reporter; chunked?: ChunkedReporter }> {
  switch (format) {
    case 'text':
      return { reporter: (await import('./text.js')).textReporter };
    case 'json': {
      const { jsonReporter, jsonReportChunks } = await import('./json.js');
      return { reporter: jsonReporter, chunked: jsonReportChunks };
    }
    case 'sarif': {
      const { sarifReporter, sarifReportChunks } = await import('./sarif.js');
      return { reporter: sarifReporter, chunked: sarifReportChunks };
    }
    case 'junit':
      return { reporter: (await import('./junit.js')).junitReporter };
    case 'csv':
      return { reporter: (await import('./csv.js')).csvReporter };
    case 'ocsf':
      return { reporter: (await import('./ocsf.js')).ocsfReporter };
    case 'asff':
      return { reporter: (await import('./asff.js')).asffReporter };
    case 'html':
      return { reporter: (await import('./html.js')).htmlReporter };
  }
}
