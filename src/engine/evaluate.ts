import type { Check, Violation } from '../checks/types.js';
import type { Finding, ScanError } from '../model/finding.js';
import { RangeDetacher, type SourceRange, detachRanges, plainRange } from '../model/location.js';
import {
  type CheckContext,
  DEFAULT_CHECK_CONTEXT,
  type FindingChange,
  type FindingFix,
  type FixWarning,
  type ManualFix,
  findingChange,
} from '../model/proposed-fix.js';
import type { attachEdits } from '../fix/finding-edits.js';
import type { ResourceRef, TaskDefinition, Usage } from '../model/task-definition.js';
import type { PeerMemo, peersFor, peersForUnread } from '../peers/index.js';

/** The peers' code (src/peers/), passed in so that a scan whose reports print no peers never loads it. */
export interface PeerCode {
  peersFor: typeof peersFor;
  peersForUnread: typeof peersForUnread;
}

/** What findings carry beyond their verdict, as code: `peers` for cross-tool verdicts, `edits` (with the texts) for fix text edits. */
export interface DetailCode {
  peers?: PeerCode;
  edits?: { attachEdits: typeof attachEdits; readText: (file: string) => string | undefined };
  /** Findings carry no fix (FindingDetails.fixes false): checks build none. */
  withoutFixes?: boolean;
}

function violationLocation(violation: Pick<Violation, 'node' | 'container'>, taskDefinition: TaskDefinition): SourceRange | undefined {
  if (violation.node?.range) return violation.node.range;
  // A missing property is reported at the first line of its container (or task definition).
  const owner = violation.container?.node.range ?? taskDefinition.range;
  return owner ? { file: owner.file, start: owner.start, end: owner.start } : undefined;
}

/**
 * The finding's fix: the check's proposal with its check id, and where each
 * manual step is (the finding's place unless the check named another). A FAIL
 * the check cannot fix is one manual step with its remediation; an UNKNOWN says
 * which expression to make literal, and where. Ranges are detached (`detach`) as they are placed.
 */
function findingFix(
  check: Check,
  violation: Violation,
  context: CheckContext,
  location: SourceRange | undefined,
  detach: RangeDetacher,
): FindingFix | undefined {
  const checkId = check.meta.id;
  const container = violation.container?.name;
  // Records built key by key, in the order of their types (a record spread first and then given keys is slow in V8 11).
  const manualStep = (reason: string, where: SourceRange | undefined): ManualFix => {
    const step: ManualFix = container !== undefined ? { checkId, container, reason } : { checkId, reason };
    if (where) step.where = detach.range(where);
    return step;
  };
  if (violation.status === 'FAIL') {
    const proposed = violation.fix;
    if (!proposed) {
      return {
        options: context.fix,
        changes: [],
        warnings: [],
        manual: [manualStep(`ecsguard has no automatic fix for ${checkId}: ${check.meta.remediation.summary}`, location)],
      };
    }
    const changes: FindingChange[] = [];
    for (const change of proposed.changes) {
      const copy = findingChange(change);
      // The node it replaces (fixers and the text edits read its range): detached with what it holds.
      if (copy.current) detach.below(copy.current);
      changes.push(copy);
    }
    const warnings: FixWarning[] = [];
    for (const w of proposed.warnings) warnings.push(withCheckId(checkId, w));
    const manual: ManualFix[] = [];
    for (const m of proposed.manual) {
      const step = withCheckId(checkId, m);
      const where = m.where ?? location;
      if (where) step.where = detach.range(where);
      manual.push(step);
    }
    return { options: context.fix, changes, warnings, manual };
  }
  if (violation.status !== 'UNKNOWN') return undefined;
  const node = violation.node;
  const head = node?.kind === 'unresolved' ? `${node.expression} cannot be resolved` : 'the value cannot be resolved';
  const reason = `${head} (${violation.message}); ${violation.advice ?? 'make it a literal value'} where it is defined`;
  return {
    options: context.fix,
    changes: [],
    warnings: [],
    manual: [manualStep(reason, node?.origin?.range ?? node?.range ?? location)],
  };
}

/** `{ checkId, ...record }`: the check id first, then the record's own keys in their order. */
function withCheckId<T extends object>(checkId: string, record: T): T & { checkId: string } {
  const out: Record<string, unknown> = { checkId };
  for (const key in record) if (Object.hasOwn(record, key)) out[key] = record[key];
  return out as T & { checkId: string };
}

/**
 * Runs the checks on one task definition; pure. `context` holds the fix options
 * the checks' proposed fixes follow (defaults: a plain scan). With `code.peers`,
 * findings carry the cross-tool verdicts; with `code.edits` (and the texts of
 * the files), findings of files also carry their fix as text edits.
 */
export function evaluateTaskDefinition(
  taskDefinition: TaskDefinition,
  checks: readonly Check[],
  includePassed: boolean,
  context: CheckContext = DEFAULT_CHECK_CONTEXT,
  code: DetailCode = {},
): Finding[] {
  const peers = code.peers;
  const fixes = code.withoutFixes !== true;
  const checkContext: CheckContext = fixes ? context : { fix: context.fix, proposeFixes: false };
  // The checks of one definition often ask the same peer rule about the same container: each is answered once.
  const memo: PeerMemo | undefined = peers ? new Map() : undefined;
  const findings: Finding[] = [];
  // Findings outlive the file's tree and cross threads: the ranges they hold become plain records (a range met twice,
  // one copy). The resource is detached once, for all of its findings.
  const detach = new RangeDetacher();
  const { resource, usage } = taskDefinition;
  detach.below(resource);
  for (const check of checks) {
    const violations = check.evaluate(taskDefinition, checkContext);
    const { id: checkId, title, severity } = check.meta;
    const remediation = check.meta.remediation.summary;
    for (const violation of violations) {
      const location = violationLocation(violation, taskDefinition);
      const fix = fixes ? findingFix(check, violation, context, location, detach) : undefined;
      // The keys in the order reports and library users have always seen them, set one by one (faster in V8 11 than
      // a literal of conditional spreads, and this runs for every finding).
      const finding = {
        checkId,
        status: violation.status,
        severity: violation.status === 'NOTE' ? 'low' : (violation.severity ?? severity),
        title,
        message: violation.message,
      } as Finding;
      if (violation.container) {
        finding.container = violation.container.name;
        finding.containerIndex = violation.container.sourceIndex;
      }
      finding.field = violation.field;
      finding.fieldPath = violation.fieldPath;
      finding.resource = resource;
      if (location) finding.location = detach.range(location);
      finding.remediation = remediation;
      if (usage) finding.usage = usage;
      if (violation.sameAs?.length) {
        finding.sameAs = violation.sameAs.map((other) => {
          const at = violationLocation(other, taskDefinition);
          return at
            ? { field: other.field, container: other.container.name, location: detach.range(at) }
            : { field: other.field, container: other.container.name };
        });
      }
      if (violation.effectiveUser) finding.effectiveUser = violation.effectiveUser;
      if (fix) finding.fix = fix;
      if (peers) finding.peers = peers.peersFor(checkId, taskDefinition, violation.container, memo);
      findings.push(finding);
    }
    if (includePassed && !violations.some((v) => v.status === 'FAIL' || v.status === 'UNKNOWN' || v.status === 'ERROR')) {
      const finding = { checkId, status: 'PASS', severity, title, message: check.passMessage(taskDefinition), resource } as Finding;
      if (taskDefinition.range) finding.location = detach.range(taskDefinition.range);
      finding.remediation = remediation;
      if (usage) finding.usage = usage;
      if (peers) finding.peers = peers.peersFor(checkId, taskDefinition, undefined, memo);
      findings.push(finding);
    }
  }
  if (code.edits) code.edits.attachEdits(taskDefinition, findings, code.edits.readText);
  return findings;
}

/** A resource that could not be read is never compliant: one ERROR per check. */
export function errorFindings(
  resource: ResourceRef,
  error: ScanError,
  checks: readonly Check[],
  usage?: Usage,
  location?: SourceRange,
  peers?: PeerCode,
): Finding[] {
  const plainLocation = location && plainRange(location);
  const plainResource = detachRanges(resource);
  return checks.map((check) => ({
    checkId: check.meta.id,
    status: 'ERROR' as const,
    severity: check.meta.severity,
    title: check.meta.title,
    message: `not evaluated: ${error.message}`,
    resource: plainResource,
    ...(plainLocation ? { location: plainLocation } : {}),
    remediation: check.meta.remediation.summary,
    ...(usage ? { usage } : {}),
    ...(peers ? { peers: peers.peersForUnread(check.meta.id, resource) } : {}),
  }));
}

/**
 * What findings carry beyond their verdict, each costly to compute and to hold: `edits`, the text edits of a file
 * finding's fix (JSON `fix.edits`, SARIF `fixes`), and `peers`, the cross-tool verdicts (JSON, SARIF, HTML, text with
 * --explain). A scan computes both unless told otherwise; the CLI asks only for what its reports print.
 */
export interface FindingDetails {
  edits: boolean;
  peers: boolean;
  /**
   * The fix a finding carries (`fix`: changes, warnings, manual steps; JSON and SARIF print it): false when nothing
   * will read it, so checks build none. Absent: true.
   */
  fixes?: boolean;
}

export const ALL_FINDING_DETAILS: FindingDetails = { edits: true, peers: true };

let peerCode: Promise<PeerCode> | undefined;
let editCode: Promise<typeof attachEdits> | undefined;

type LoadedDetailCode = { peers?: PeerCode; attachEdits?: typeof attachEdits };

/** What loadDetailCode gave, by the details asked for (index: peers + 2 × edits). */
const loadedDetailCode: Array<LoadedDetailCode | undefined> = [];

/**
 * Loads (once) the code the details need: nothing for a scan whose reports print neither. Asked for every file a scan
 * checks: once loaded, the answer is the same object, given without waiting.
 */
export function loadDetailCode(details: FindingDetails): LoadedDetailCode | Promise<LoadedDetailCode> {
  const slot = (details.peers ? 1 : 0) + (details.edits ? 2 : 0);
  return loadedDetailCode[slot] ?? loadDetailCodeOnce(details, slot);
}

async function loadDetailCodeOnce(details: FindingDetails, slot: number): Promise<LoadedDetailCode> {
  const [peers, edits] = await Promise.all([
    details.peers ? (peerCode ??= import('../peers/index.js')) : undefined,
    details.edits ? (editCode ??= import('../fix/finding-edits.js').then((m) => m.attachEdits)) : undefined,
  ]);
  const loaded = { ...(peers ? { peers } : {}), ...(edits ? { attachEdits: edits } : {}) };
  loadedDetailCode[slot] = loaded;
  return loaded;
}
