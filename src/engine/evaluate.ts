import type { Check, Violation } from '../checks/types.js';
import type { Finding, ScanError } from '../model/finding.js';
import type { SourceRange } from '../model/location.js';
import type { ResourceRef, TaskDefinition, Usage } from '../model/task-definition.js';
import { peersFor, peersForUnread } from '../peers/index.js';

function violationLocation(
  violation: Pick<Violation, 'node' | 'container'>,
  taskDefinition: TaskDefinition,
): SourceRange | undefined {
  if (violation.node?.range) return violation.node.range;
  // A missing property is reported at the first line of its container (or task definition).
  const owner = violation.container?.node.range ?? taskDefinition.range;
  return owner ? { file: owner.file, start: owner.start, end: owner.start } : undefined;
}

/** Runs the checks on one task definition; pure. */
export function evaluateTaskDefinition(
  taskDefinition: TaskDefinition,
  checks: readonly Check[],
  includePassed: boolean,
): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    const violations = check.evaluate(taskDefinition);
    for (const violation of violations) {
      const location = violationLocation(violation, taskDefinition);
      findings.push({
        checkId: check.meta.id,
        status: violation.status,
        severity: violation.status === 'NOTE' ? 'low' : (violation.severity ?? check.meta.severity),
        title: check.meta.title,
        message: violation.message,
        ...(violation.container ? { container: violation.container.name } : {}),
        field: violation.field,
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
        peers: peersFor(check.meta.id, taskDefinition, violation.container),
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
        peers: peersFor(check.meta.id, taskDefinition),
      });
    }
  }
  return findings;
}

/** A resource that could not be read is never compliant: one ERROR per check. */
export function errorFindings(
  resource: ResourceRef,
  error: ScanError,
  checks: readonly Check[],
  usage?: Usage,
  location?: SourceRange,
): Finding[] {
  return checks.map((check) => ({
    checkId: check.meta.id,
    status: 'ERROR' as const,
    severity: check.meta.severity,
    title: check.meta.title,
    message: `not evaluated: ${error.message}`,
    resource,
    ...(location ? { location } : {}),
    remediation: check.meta.remediation.summary,
    ...(usage ? { usage } : {}),
    peers: peersForUnread(check.meta.id, resource),
  }));
}
