import type { Check, Violation } from '../checks/types.js';
import type { Finding, ScanError } from '../model/finding.js';
import { type SourceRange, detachRanges, plainRange } from '../model/location.js';
import { type CheckContext, DEFAULT_CHECK_CONTEXT, type FindingFix, findingChange } from '../model/proposed-fix.js';
import type { attachEdits } from '../fix/finding-edits.js';
import type { ResourceRef, TaskDefinition, Usage } from '../model/task-definition.js';
import type { peersFor, peersForUnread } from '../peers/index.js';

/** The peers' code (src/peers/), passed in so that a scan whose reports print no peers never loads it. */
export interface PeerCode {
  peersFor: typeof peersFor;
  peersForUnread: typeof peersForUnread;
}

/** What findings carry beyond their verdict, as code: `peers` for cross-tool verdicts, `edits` (with the texts) for fix text edits. */
export interface DetailCode {
  peers?: PeerCode;
  edits?: { attachEdits: typeof attachEdits; readText: (file: string) => string | undefined };
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
 * which expression to make literal, and where.
 */
function findingFix(check: Check, violation: Violation, context: CheckContext, location: SourceRange | undefined): FindingFix | undefined {
  const checkId = check.meta.id;
  const container = violation.container?.name;
  const at = (where: SourceRange | undefined) => (where ? { where } : {});
  if (violation.status === 'FAIL') {
    const proposed = violation.fix;
    if (!proposed) {
      return {
        options: context.fix,
        changes: [],
        warnings: [],
        manual: [
          {
            checkId,
            ...(container !== undefined ? { container } : {}),
            reason: `ecsguard has no automatic fix for ${checkId}: ${check.meta.remediation.summary}`,
            ...at(location),
          },
        ],
      };
    }
    return {
      options: context.fix,
      changes: proposed.changes.map(findingChange),
      warnings: proposed.warnings.map((w) => ({ checkId, ...w })),
      manual: proposed.manual.map((m) => ({ checkId, ...m, ...at(m.where ?? location) })),
    };
  }
  if (violation.status !== 'UNKNOWN') return undefined;
  const node = violation.node;
  const head = node?.kind === 'unresolved' ? `${node.expression} cannot be resolved` : 'the value cannot be resolved';
  const reason = `${head} (${violation.message}); ${violation.advice ?? 'make it a literal value'} where it is defined`;
  return {
    options: context.fix,
    changes: [],
    warnings: [],
    manual: [{ checkId, ...(container !== undefined ? { container } : {}), reason, ...at(node?.origin?.range ?? node?.range ?? location) }],
  };
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
  const findings: Finding[] = [];
  for (const check of checks) {
    const violations = check.evaluate(taskDefinition, context);
    for (const violation of violations) {
      const location = violationLocation(violation, taskDefinition);
      const fix = findingFix(check, violation, context, location);
      findings.push({
        checkId: check.meta.id,
        status: violation.status,
        severity: violation.status === 'NOTE' ? 'low' : (violation.severity ?? check.meta.severity),
        title: check.meta.title,
        message: violation.message,
        ...(violation.container ? { container: violation.container.name, containerIndex: violation.container.sourceIndex } : {}),
        field: violation.field,
        fieldPath: violation.fieldPath,
        resource: taskDefinition.resource,
        ...(location ? { location } : {}),
        remediation: check.meta.remediation.summary,
        ...(taskDefinition.usage ? { usage: taskDefinition.usage } : {}),
        ...(violation.sameAs?.length
          ? {
              sameAs: violation.sameAs.map((other) => {
                const at = violationLocation(other, taskDefinition);
                return { field: other.field, container: other.container.name, ...(at ? { location: at } : {}) };
              }),
            }
          : {}),
        ...(violation.effectiveUser ? { effectiveUser: violation.effectiveUser } : {}),
        ...(fix ? { fix } : {}),
        ...(peers ? { peers: peers.peersFor(check.meta.id, taskDefinition, violation.container) } : {}),
      });
    }
    if (includePassed && !violations.some((v) => v.status === 'FAIL' || v.status === 'UNKNOWN' || v.status === 'ERROR')) {
      findings.push({
        checkId: check.meta.id,
        status: 'PASS',
        severity: check.meta.severity,
        title: check.meta.title,
        message: check.passMessage(taskDefinition),
        resource: taskDefinition.resource,
        ...(taskDefinition.range ? { location: taskDefinition.range } : {}),
        remediation: check.meta.remediation.summary,
        ...(taskDefinition.usage ? { usage: taskDefinition.usage } : {}),
        ...(peers ? { peers: peers.peersFor(check.meta.id, taskDefinition) } : {}),
      });
    }
  }
  if (code.edits) code.edits.attachEdits(taskDefinition, findings, code.edits.readText);
  // Findings outlive the file's tree and cross threads: their ranges become plain records.
  return detachRanges(findings);
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
}

export const ALL_FINDING_DETAILS: FindingDetails = { edits: true, peers: true };

let peerCode: Promise<PeerCode> | undefined;
let editCode: Promise<typeof attachEdits> | undefined;

/** Loads (once) the code the details need: nothing for a scan whose reports print neither. */
export async function loadDetailCode(details: FindingDetails): Promise<{ peers?: PeerCode; attachEdits?: typeof attachEdits }> {
  const [peers, edits] = await Promise.all([
    details.peers ? (peerCode ??= import('../peers/index.js')) : undefined,
    details.edits ? (editCode ??= import('../fix/finding-edits.js').then((m) => m.attachEdits)) : undefined,
  ]);
  return { ...(peers ? { peers } : {}), ...(edits ? { attachEdits: edits } : {}) };
}
