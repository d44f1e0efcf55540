/** The scan report formats, without loading the reporters (the CLI lists them in --help before any scan runs). */
export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
