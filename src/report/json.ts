import type { Finding, ScanError } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Reporter } from './report.js';

/** Bumped only on a breaking change to the shape below (documented in README). */
export const JSON_REPORT_VERSION = 1;

function jsonFinding(f: Finding) {
  const r = f.resource;
  return {
    checkId: f.checkId,
    status: f.status,
    severity: f.severity,
    title: f.title,
    message: f.message,
    container: f.container ?? null,
    field: f.field ?? null,
    resource: {
      kind: r.kind,
      source: r.source,
      file: r.file ?? null,
      id: r.id,
      family: r.family ?? null,
      revision: r.revision ?? null,
      arn: r.arn ?? null,
      region: r.region ?? null,
      accountId: r.accountId ?? null,
    },
    location: f.location
      ? {
          file: f.location.file,
          startLine: f.location.start.line,
          startColumn: f.location.start.column,
          endLine: f.location.end.line,
          endColumn: f.location.end.column,
        }
      : null,
    usage: f.usage ? { runningTasks: f.usage.runningTasks, services: f.usage.services } : null,
    remediation: f.remediation,
  };
}

function jsonError(e: ScanError) {
  return {
    file: e.file ?? null,
    line: e.line ?? null,
    column: e.column ?? null,
    region: e.region ?? null,
    operation: e.operation ?? null,
    resource: e.resource ?? null,
    message: e.message,
  };
}

export const jsonReporter: Reporter = ({ result, exitCode }) =>
  JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      findings: result.findings.map(jsonFinding),
      errors: result.errors.map(jsonError),
      summary: {
        filesScanned: result.summary.filesScanned,
        filesSkipped: result.summary.filesSkipped,
        taskDefinitions: result.summary.taskDefinitions,
        findings: result.summary.findings,
        errors: result.summary.errors,
        exitCode,
      },
    },
    null,
    2,
  );
