import type { Finding, PeerConclusion, ScanError } from '../model/finding.js';
import type { ResourceRef } from '../model/task-definition.js';
import type { SourceRange } from '../model/location.js';
import { type FindingFix, absoluteChangePath } from '../model/proposed-fix.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Reporter, ReportInput } from './report.js';
import { RenderedArray, type ReportChunk, SharedText, jsonChunks, lazyArray, stringifyMembers, textChunks } from './stream-json.js';

/**
 * Bumped on any change to the shape below (documented in README). 2: `warnings`
 * (validation problems that left every verdict intact, formerly in `errors`),
 * `skipped`, and `summary.warnings`.
 */
export const JSON_REPORT_VERSION = 2;

function jsonRange(range: SourceRange) {
  return {
    file: range.file,
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: range.end.line,
    endColumn: range.end.column,
  };
}

/**
 * The fix a finding proposes (additive to version 2): the changes as ECS field
 * paths, their warnings, what must be done by hand, and for files the exact
 * text edits `ecsguard fix` makes for this finding alone.
 */
export function jsonFix(fix: FindingFix) {
  return {
    changes: fix.changes.map((c) => ({
      container: c.containerName ?? null,
      containerIndex: c.containerIndex ?? null,
      path: absoluteChangePath(c),
      operation: c.operation,
      ...(c.operation === 'remove' ? {} : { value: c.value }),
    })),
    warnings: fix.warnings.map((w) => w.message),
    manual: fix.manual.map((m) => ({ reason: m.reason, location: m.where ? jsonRange(m.where) : null })),
    edits: (fix.edits ?? []).map((e) => ({
      file: e.file,
      startLine: e.startLine,
      startColumn: e.startColumn,
      endLine: e.endLine,
      endColumn: e.endColumn,
      offset: e.start,
      length: e.end - e.start,
      text: e.text,
    })),
  };
}

function jsonResource(r: ResourceRef) {
  return {
    kind: r.kind,
    source: r.source,
    file: r.file ?? null,
    id: r.id,
    family: r.family ?? null,
    revision: r.revision ?? null,
    arn: r.arn ?? null,
    region: r.region ?? null,
    accountId: r.accountId ?? null,
    declaredAt: r.declaredAt ? jsonRange(r.declaredAt) : null,
  };
}

/** A finding's members before `resource`. */
function jsonFindingHead(f: Finding) {
  return {
    checkId: f.checkId,
    status: f.status,
    severity: f.severity,
    title: f.title,
    message: f.message,
    container: f.container ?? null,
    field: f.field ?? null,
    containerIndex: f.containerIndex ?? null,
    fieldPath: f.fieldPath ?? null,
    ...(f.controls ? { controls: f.controls } : {}),
  };
}

/** A finding's members between `resource` and `peers`. */
function jsonFindingBody(f: Finding) {
  return {
    location: f.location ? jsonRange(f.location) : null,
    usage: f.usage ? { runningTasks: f.usage.runningTasks, services: f.usage.services } : null,
    remediation: f.remediation,
    // Set with --resolve-image-users on user findings: whom the container runs as and where that came from.
    effectiveUser: f.effectiveUser
      ? { value: f.effectiveUser.value, source: f.effectiveUser.source, reason: f.effectiveUser.reason }
      : null,
    suppression: f.suppression ?? null,
    fix: f.fix && (f.status === 'FAIL' || f.status === 'UNKNOWN' || f.status === 'MUTED') ? jsonFix(f.fix) : null,
  };
}

/** A finding as the report holds it (built key by key: spreads cost microseconds per finding in V8 11). */
function jsonFinding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = jsonFindingHead(f);
  out['resource'] = jsonResource(f.resource);
  const body: Record<string, unknown> = jsonFindingBody(f);
  for (const key in body) out[key] = body[key];
  // What other tools' published rules conclude on the same definition (docs/peers.md).
  out['peers'] = f.peers ?? [];
  return out;
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

/** The JSON report in pieces (findings mapped one at a time); jsonReporter joins them. */
export const jsonReportChunks = (input: ReportInput): Iterable<string> =>
  textChunks(
    jsonDocumentChunks(
      input,
      lazyArray(input.result.findings, (f) => jsonFinding(f)),
    ),
  );

/** The indent of a finding in the report (findings is a member of the top-level object). */
const FINDING_INDENT = '    ';

/** The indent of a finding's members. */
const MEMBER_INDENT = `${FINDING_INDENT}  `;

/**
 * Resources and peers lists are shared by the findings of a definition (peers lists across definitions too, and a
 * batch from a worker keeps that sharing): a streamed report renders each once. Peers were a third of the bytes of a
 * CloudFormation corpus's report.
 */
const resourceTexts = new SharedText<ResourceRef>(MEMBER_INDENT, jsonResource);
const peersTexts = new SharedText<PeerConclusion[]>(MEMBER_INDENT);

/**
 * One finding as the report writes it in its array, after a comma (a streamed report renders it as it arrives): the
 * same text as the held report's, its shared parts rendered once.
 */
export const jsonFindingPiece = (f: Finding): string => {
  const text = stringifyMembers(
    [
      jsonFindingHead(f),
      ['resource', resourceTexts.of(f.resource)],
      jsonFindingBody(f),
      ['peers', f.peers?.length ? peersTexts.of(f.peers) : '[]'],
    ],
    FINDING_INDENT,
  );
  return `,\n${FINDING_INDENT}${text}`;
};

/** The report's findings already rendered (jsonFindingPiece), in order. */
export const renderedJsonFindings = (count: number, pieces: (first: boolean) => Iterable<ReportChunk>): unknown =>
  new RenderedArray([], count, FINDING_INDENT, pieces);

/** The report around its findings: a lazy array of them, or their rendered pieces (renderedJsonFindings). */
export const jsonDocumentChunks = ({ result, exitCode }: ReportInput, findings: unknown): Iterable<ReportChunk> =>
  jsonChunks(
    {
      version: JSON_REPORT_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      // What was looked at (additive to version 2): `ecsguard diff` calls nothing outside it fixed.
      ...(result.scope
        ? {
            scope: {
              folder: result.scope.folder,
              paths: result.scope.paths,
              live: result.scope.live.map((l) => ({
                accounts: l.accounts ?? null,
                regions: l.regions ?? null,
                revisions: l.revisions ?? null,
              })),
            },
          }
        : {}),
      findings,
      errors: result.errors.map(jsonError),
      warnings: result.warnings.map(jsonError),
      skipped: result.skipped.map((s) => ({ file: s.file, reason: s.reason })),
      summary: {
        filesScanned: result.summary.filesScanned,
        filesSkipped: result.summary.filesSkipped,
        taskDefinitions: result.summary.taskDefinitions,
        liveRevisions: result.summary.liveRevisions,
        findings: result.summary.findings,
        errors: result.summary.errors,
        warnings: result.summary.warnings,
        exitCode,
      },
    },
    2,
  );

export const jsonReporter: Reporter = (input) => [...jsonReportChunks(input)].join('');
