import { createHash } from 'node:crypto';
import type { Fix, Log, ReportingDescriptor, Result } from 'sarif';
import { ALL_CHECKS } from '../checks/catalogue.js';
import type { Finding, PeerConclusion, Severity } from '../model/finding.js';
import { absoluteChangePath } from '../model/proposed-fix.js';
import { formatFieldPath } from '../checks/support/per-container.js';
import type { ResourceRef } from '../model/task-definition.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Reporter, ReportInput } from './report.js';
import {
  RenderedArray,
  type ReportChunk,
  SharedText,
  jsonChunks,
  lazyArray,
  stringifyIndented,
  stringifyMembers,
  textChunks,
} from './stream-json.js';

// GitHub code scanning reads this property to rank security results (0.1–10).
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/** SARIF 2.1.0 §3.27.10: a result whose kind is not `fail` has level `none`. */
function level(finding: Finding): Result.level {
  if (kind(finding) !== 'fail') return 'none';
  return finding.severity === 'critical' || finding.severity === 'high' ? 'error' : 'warning';
}

function kind(finding: Finding): Result.kind {
  switch (finding.status) {
    case 'PASS':
      return 'pass';
    case 'UNKNOWN':
      return 'review';
    case 'NOTE':
      return 'informational';
    case 'ERROR':
      return 'notApplicable';
    default:
      return 'fail';
  }
}

/**
 * The resource a result belongs to, stable across revision bumps and line
 * shifts: the file and logical id / Terraform address / family for files, the
 * task-definition family ARN (without the revision) for live revisions.
 */
function resourceIdentity(r: ResourceRef): string[] {
  if (r.kind === 'aws') {
    const familyArn = r.arn?.replace(/:\d+$/, '');
    return ['aws', familyArn ?? [r.accountId ?? '', r.region ?? '', r.family ?? r.id].join(':')];
  }
  return ['file', r.file ?? '', r.id];
}

/**
 * Unique per resource, container, check and field; unchanged when lines move, containers are reordered or a revision
 * is registered. Only the container's index leaves the field (the container's name stands for it): any other index
 * (`volumes[1]`) is what tells two findings apart.
 */
export function fingerprint(finding: Finding): string {
  const key = [
    ...resourceIdentity(finding.resource),
    finding.container ?? '',
    finding.checkId,
    finding.field?.replace(CONTAINER_INDEX, 'containerDefinitions') ?? '',
  ].join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** `containerDefinitions[3]` at the start of a field path. */
const CONTAINER_INDEX = /^containerDefinitions\[\d+\]/;

/** A relative URI reference for a file path (SARIF §3.4.3): each segment percent-encoded, `#` and `?` included. */
const uri = (file: string) =>
  file
    .replace(/\\/g, '/')
    .split('/')
    .map((segment, i) => (i === 0 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/');

/**
 * SARIF 2.1.0 §3.55: the text edits `ecsguard fix` makes for this finding, so
 * an editor or a bot can apply them; one artifactChange per file.
 */
function sarifFixes(finding: Finding): Fix[] | undefined {
  const fix = finding.fix;
  if (finding.status !== 'FAIL' || !fix?.edits?.length) return undefined;
  const files = [...new Set(fix.edits.map((e) => e.file))];
  const what = fix.changes
    .map((c) => {
      const at = formatFieldPath(absoluteChangePath(c));
      return c.operation === 'remove'
        ? `remove ${at}`
        : c.operation === 'insert'
          ? `add ${JSON.stringify(c.value)} to ${at}`
          : `set ${at} to ${JSON.stringify(c.value)}`;
    })
    .join('; ');
  return [
    {
      description: { text: what },
      artifactChanges: files.map((file) => ({
        artifactLocation: { uri: uri(file) },
        replacements: (fix.edits ?? [])
          .filter((e) => e.file === file)
          .map((e) => ({
            deletedRegion: {
              charOffset: e.start,
              charLength: e.end - e.start,
              startLine: e.startLine,
              startColumn: e.startColumn,
              endLine: e.endLine,
              endColumn: e.endColumn,
            },
            insertedContent: { text: e.text },
          })),
      })),
    },
  ];
}

function rule(index: number): ReportingDescriptor {
  const { meta } = ALL_CHECKS[index] as (typeof ALL_CHECKS)[number];
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: {
      text: `${meta.semantics}\n\nFix: ${meta.remediation.summary}`,
      markdown: `${meta.semantics}\n\n**Fix.** ${meta.remediation.summary}`,
    },
    helpUri: meta.references[0],
    defaultConfiguration: { level: meta.severity === 'high' || meta.severity === 'critical' ? 'error' : 'warning' },
    properties: { tags: ['security', 'ecs'], 'security-severity': SECURITY_SEVERITY[meta.severity], precision: 'very-high' },
  };
}

const RULE_INDEX = new Map(ALL_CHECKS.map((c, i) => [c.meta.id, i]));

/**
 * A SARIF result in parts, in the log's key order: the members before `properties`; the properties without `peers`
 * and those after it; the members after `properties`.
 */
interface ResultParts {
  head: Record<string, unknown>;
  properties: Record<string, unknown>;
  peers: Finding['peers'];
  afterPeers: Record<string, unknown>;
  tail: Record<string, unknown>;
}

/** One finding (not ERROR: those are notifications) as the parts of a SARIF result. */
function sarifResultParts(f: Finding): ResultParts {
  const r = f.resource;
  // Built key by key in the order the log has always had (a literal of conditional spreads costs microseconds per
  // finding in V8 11, this a fraction of that).
  const head: Record<string, unknown> = { ruleId: f.checkId };
  const ruleIndex = RULE_INDEX.get(f.checkId);
  if (ruleIndex !== undefined) head['ruleIndex'] = ruleIndex;
  head['level'] = level(f);
  head['kind'] = kind(f);
  head['message'] = { text: f.message };
  head['partialFingerprints'] = { 'ecsguard/v2': fingerprint(f) };
  const properties: Record<string, unknown> = { status: f.status };
  if (f.usage) properties['usage'] = f.usage;
  if (f.effectiveUser) properties['effectiveUser'] = f.effectiveUser;
  if (f.controls) properties['controls'] = f.controls;
  const afterPeers: Record<string, unknown> = {};
  const tail: Record<string, unknown> = {};
  if (f.location) {
    tail['locations'] = [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.location.file) },
          region: {
            startLine: f.location.start.line,
            startColumn: f.location.start.column,
            endLine: f.location.end.line,
            endColumn: Math.max(f.location.end.column, f.location.start.column),
          },
        },
        logicalLocations: [{ fullyQualifiedName: r.id, kind: 'resource' }],
      },
    ];
  } else {
    tail['locations'] = [{ logicalLocations: [{ fullyQualifiedName: r.arn ?? r.id, kind: 'resource' }] }];
  }
  const fixes = sarifFixes(f);
  if (fixes) tail['fixes'] = fixes;
  if (f.status === 'MUTED') {
    const s = f.suppression;
    const suppression: Record<string, unknown> = { kind: s?.kind === 'inline' ? 'inSource' : 'external', status: 'accepted' };
    if (s) {
      suppression['justification'] = s.reason;
      const about: Record<string, unknown> = { source: s.source };
      if (s.owner) about['owner'] = s.owner;
      if (s.expires) about['expires'] = s.expires;
      if (s.ticket) about['ticket'] = s.ticket;
      suppression['properties'] = about;
    }
    tail['suppressions'] = [suppression];
  } else if (f.suppression?.expired) {
    afterPeers['expiredSuppression'] = f.suppression;
  }
  return { head, properties, peers: f.peers, afterPeers, tail };
}

/** One finding (not ERROR: those are notifications) as a SARIF result. */
function sarifResult(f: Finding): Result {
  const { head, properties, peers, afterPeers, tail } = sarifResultParts(f);
  if (peers) properties['peers'] = peers;
  for (const key in afterPeers) properties[key] = afterPeers[key];
  head['properties'] = properties;
  for (const key in tail) head[key] = tail[key];
  return head as unknown as Result;
}

/** An ERROR finding (not evaluated) as a tool execution notification. */
function errorNotification(f: Finding) {
  return {
    level: 'error' as const,
    message: { text: `${f.resource.arn ?? f.resource.id}: ${f.checkId} ${f.message}` },
  };
}

/** Where results and notifications sit in the log (checked when written). */
const RESULT_INDENT = ' '.repeat(8);
const NOTIFICATION_INDENT = ' '.repeat(12);
/** Where a result's properties and their members sit. */
const PROPERTIES_INDENT = ' '.repeat(10);
const PROPERTY_INDENT = ' '.repeat(12);

/** Peers lists are shared by many findings: a streamed log renders each once (see json.ts). */
const peersTexts = new SharedText<PeerConclusion[]>(PROPERTY_INDENT);

/** A result's JSON text at RESULT_INDENT, its peers list rendered once: the same text as the held log's. */
function sarifResultText(f: Finding): string {
  const { head, properties, peers, afterPeers, tail } = sarifResultParts(f);
  const propertiesText = peers
    ? stringifyMembers([properties, ['peers', peers.length ? peersTexts.of(peers) : '[]'], afterPeers], PROPERTIES_INDENT)
    : stringifyMembers([properties, afterPeers], PROPERTIES_INDENT);
  return stringifyMembers([head, ['properties', propertiesText], tail], RESULT_INDENT);
}

/** A finding as the log writes it, after a comma: a result, or for ERROR a notification (a streamed report). */
export function sarifFindingPiece(f: Finding): { result?: string; notification?: string } {
  if (f.status === 'ERROR') {
    return { notification: `,\n${NOTIFICATION_INDENT}${stringifyIndented(errorNotification(f), NOTIFICATION_INDENT)}` };
  }
  return { result: `,\n${RESULT_INDENT}${sarifResultText(f)}` };
}

/** Rendered pieces (sarifFindingPiece) of results and of ERROR notifications, in order. */
export interface RenderedSarifFindings {
  results: { count: number; pieces: (first: boolean) => Iterable<ReportChunk> };
  notifications: { count: number; pieces: (first: boolean) => Iterable<ReportChunk> };
}

/** SARIF 2.1.0 for code-scanning tools; input errors become tool execution notifications. */
/** The SARIF log in pieces (results mapped one at a time); sarifReporter joins them. */
export const sarifReportChunks = (input: ReportInput): Iterable<string> => textChunks(sarifDocumentChunks(input));

/** The log, with its findings mapped from the result, or already rendered. */
export const sarifDocumentChunks = ({ result, exitCode }: ReportInput, rendered?: RenderedSarifFindings): Iterable<ReportChunk> => {
  const results: Result[] = rendered
    ? (new RenderedArray([], rendered.results.count, RESULT_INDENT, rendered.results.pieces) as unknown as Result[])
    : lazyArray(
        result.findings.filter((f) => f.status !== 'ERROR'),
        sarifResult,
      );
  const notes = [
    ...result.errors.map((e) => ({ e, level: 'error' as const })),
    ...result.warnings.map((e) => ({ e, level: 'warning' as const })),
  ].map(({ e, level }) => ({
    level,
    message: { text: [e.region, e.operation, e.resource, e.message].filter(Boolean).join(': ') },
    ...(e.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(e.file) },
                ...(e.line ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}),
              },
            },
          ],
        }
      : {}),
  }));
  const toolExecutionNotifications: unknown[] = rendered
    ? (new RenderedArray(notes, rendered.notifications.count, NOTIFICATION_INDENT, rendered.notifications.pieces) as unknown as unknown[])
    : [...notes, ...result.findings.filter((f) => f.status === 'ERROR').map(errorNotification)];
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, rules: ALL_CHECKS.map((_, i) => rule(i)) } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            executionSuccessful: exitCode !== 2,
            exitCode,
            toolExecutionNotifications: toolExecutionNotifications as NonNullable<
              NonNullable<Log['runs'][number]['invocations']>[number]['toolExecutionNotifications']
            >,
          },
        ],
      },
    ],
  };
  return jsonChunks(log, 2);
};

export const sarifReporter: Reporter = (input) => [...sarifReportChunks(input)].join('');
