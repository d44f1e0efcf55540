import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../model/errors.js';
import { type Finding, STATUSES } from '../model/finding.js';

/** The fields of a `--format json` finding that identity, diffs and `exceptions check` read. */
const ReportFinding = z.looseObject({
  checkId: z.string(),
  status: z.enum(STATUSES),
  severity: z.string(),
  message: z.string(),
  container: z.string().nullable().optional(),
  field: z.string().nullable().optional(),
  resource: z.looseObject({
    kind: z.enum(['file', 'aws']),
    source: z.string(),
    id: z.string(),
    file: z.string().nullable().optional(),
    family: z.string().nullable().optional(),
    arn: z.string().nullable().optional(),
    region: z.string().nullable().optional(),
    accountId: z.string().nullable().optional(),
  }),
  location: z.looseObject({ file: z.string(), startLine: z.number() }).nullable().optional(),
  suppression: z.looseObject({ source: z.string() }).nullable().optional(),
});

/** An entry of the report's `errors`: what could not be read (a file, a region's API call, the whole account). */
const ReportError = z.looseObject({ file: z.string().nullable().optional(), region: z.string().nullable().optional() });

const names = z.array(z.string()).nullable().optional();
/** What the scan looked at (reports since `scope` was added; older ones say nothing). */
const ReportScope = z.looseObject({
  folder: z.string().nullable().optional(),
  paths: z.array(z.string()),
  live: z.array(z.looseObject({ accounts: names, regions: names, revisions: z.string().nullable().optional() })),
});

/** Versions 1 and 2 of the JSON contract have the same findings. */
const Report = z.looseObject({
  version: z.literal([1, 2]),
  scope: ReportScope.optional(),
  findings: z.array(ReportFinding),
  errors: z.array(ReportError).optional(),
  skipped: z.array(z.looseObject({ file: z.string() })).optional(),
});

/** Where a report says something could not be read: a file, a region, or (neither) everything live. */
export interface UnreadScope {
  file?: string;
  region?: string;
  /**
   * The file was skipped (not recognized, too large): it declares nothing the scan read. Only findings of resources
   * it declares are unread; another file's resource may still read it (a Terraform `file()`).
   */
  skipped?: true;
}

/** What a report's scan looked at: paths as its findings name files, and each live source's accounts and regions. */
export interface ReportScope {
  /** Where the scan ran: its relative paths and file names are relative to it. */
  folder?: string;
  paths: string[];
  live: Array<{ accounts?: string[]; regions?: string[]; revisions?: string }>;
}

/** What a report holds for diffs: its findings, where its errors say it could not read, and what it looked at. */
export interface ReadReport {
  findings: ReportedFinding[];
  unread: UnreadScope[];
  /** Undefined for reports written before the JSON report had it: then anything may have been looked at. */
  scope?: ReportScope;
}

/** A finding as read back from a JSON report; optional fields are undefined, not null. */
export interface ReportedFinding {
  checkId: string;
  status: (typeof STATUSES)[number];
  severity: string;
  message: string;
  container?: string;
  field?: string;
  resource: {
    kind: 'file' | 'aws';
    source: string;
    id: string;
    file?: string;
    family?: string;
    arn?: string;
    region?: string;
    accountId?: string;
  };
  location?: { file: string; line: number };
  /** Where the exception or inline comment that muted it (or, expired, no longer does) is declared. */
  suppressionSource?: string;
}

const opt = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function parseReport(text: string, file: string): ReportedFinding[] {
  return parseReportWithErrors(text, file).findings;
}

/** The report's findings, where its errors say it could not read, and what it looked at. */
export function parseReportWithErrors(text: string, file: string): ReadReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not a JSON report (ecsguard scan --format json): ${(error as Error).message}`);
  }
  const parsed = Report.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `${file} is not an ecsguard JSON report (version 1 or 2, from "ecsguard scan --format ` +
        `json"): ${issue?.path.join('.') || 'root'}: ${issue?.message}`,
    );
  }
  const unread = (parsed.data.errors ?? []).map(
    (e): UnreadScope => ({ ...(opt(e.file) ? { file: e.file as string } : {}), ...(opt(e.region) ? { region: e.region as string } : {}) }),
  );
  for (const s of parsed.data.skipped ?? []) unread.push({ file: s.file, skipped: true });
  const findings = parsed.data.findings.map((f) => {
    const r = f.resource;
    return {
      checkId: f.checkId,
      status: f.status,
      severity: f.severity,
      message: f.message,
      ...(opt(f.container) !== undefined ? { container: f.container as string } : {}),
      ...(opt(f.field) !== undefined ? { field: f.field as string } : {}),
      resource: {
        kind: r.kind,
        source: r.source,
        id: r.id,
        ...(opt(r.file) !== undefined ? { file: r.file as string } : {}),
        ...(opt(r.family) !== undefined ? { family: r.family as string } : {}),
        ...(opt(r.arn) !== undefined ? { arn: r.arn as string } : {}),
        ...(opt(r.region) !== undefined ? { region: r.region as string } : {}),
        ...(opt(r.accountId) !== undefined ? { accountId: r.accountId as string } : {}),
      },
      ...(f.location ? { location: { file: f.location.file, line: f.location.startLine } } : {}),
      ...(f.suppression ? { suppressionSource: f.suppression.source } : {}),
    };
  });
  const scope = parsed.data.scope;
  if (!scope) return { findings, unread };
  const live = scope.live.map((l) => ({
    ...(opt(l.accounts) ? { accounts: l.accounts as string[] } : {}),
    ...(opt(l.regions) ? { regions: l.regions as string[] } : {}),
    ...(opt(l.revisions) ? { revisions: l.revisions as string } : {}),
  }));
  return { findings, unread, scope: { ...(opt(scope.folder) ? { folder: scope.folder as string } : {}), paths: scope.paths, live } };
}

export async function readReport(file: string): Promise<ReportedFinding[]> {
  return (await readReportWithErrors(file)).findings;
}

/** `-` names standard input: the report a pipe gives (`ecsguard scan --format json | ecsguard diff before.json -`). */
export const STDIN_REPORT = '-';

/** The report in `file`, or in `stdin` when the file is `-`. */
export async function readReportWithErrors(file: string, stdin?: NodeJS.ReadableStream): Promise<ReadReport> {
  let text: string;
  try {
    text = file === STDIN_REPORT && stdin ? await readAll(stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the report ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseReportWithErrors(text, file === STDIN_REPORT && stdin ? 'the report on standard input' : file);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A finding of this run in the shape read back from a report, so diffs compare live scans with the same rules. */
export function reportedFrom(f: Finding): ReportedFinding {
  const r = f.resource;
  return {
    checkId: f.checkId,
    status: f.status,
    severity: f.severity,
    message: f.message,
    ...(f.container !== undefined ? { container: f.container } : {}),
    ...(f.field !== undefined ? { field: f.field } : {}),
    resource: {
      kind: r.kind,
      source: r.source,
      id: r.id,
      ...(r.file !== undefined ? { file: r.file } : {}),
      ...(r.family !== undefined ? { family: r.family } : {}),
      ...(r.arn !== undefined ? { arn: r.arn } : {}),
      ...(r.region !== undefined ? { region: r.region } : {}),
      ...(r.accountId !== undefined ? { accountId: r.accountId } : {}),
    },
    ...(f.location ? { location: { file: f.location.file, line: f.location.start.line } } : {}),
  };
}
