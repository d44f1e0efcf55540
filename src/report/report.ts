import type { ScanResult } from '../engine/scan.js';

/** What every reporter receives. */
export interface ReportInput {
  result: ScanResult;
  /** The exit code the run ends with, so reports can say it. */
  exitCode: number;
  /** When the report is made (OCSF and ASFF timestamps); now when absent. */
  generatedAt?: Date;
  /** ASFF: the account and region findings from files are filed under (`--asff-account-id`, `--asff-region`). */
  asff?: AsffTarget;
}

export interface AsffTarget {
  accountId?: string;
  region?: string;
}

export interface ReportContext {
  /** Colour escape codes on (a terminal) or off (files, pipes, NO_COLOR). */
  color: boolean;
  /**
   * Text format: start every finding row with `file:line:col` (editors and
   * terminals open it). Without it, rows carry `file:line:col` when more than
   * one file was scanned, and `line:col` under the file's heading otherwise.
   */
  fileLocations?: boolean;
  /** List the skipped files (--verbose). */
  verbose?: boolean;
  /** Text format: under each finding, what other tools conclude on the same definition (--explain). */
  explain?: boolean;
}

export type Reporter = (input: ReportInput, context: ReportContext) => string;

/** A reporter that yields its text in pieces, for formats that can grow with the number of findings. */
export type ChunkedReporter = (input: ReportInput, context: ReportContext) => Iterable<string>;
