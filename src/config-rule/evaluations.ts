import type { Check } from '../checks/types.js';
import type { ScanResult } from '../engine/scan.js';
import type { Finding } from '../model/finding.js';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** One PutEvaluations entry (AWS Config's Evaluation shape). */
export interface Evaluation {
  ComplianceResourceType: 'AWS::ECS::TaskDefinition';
  ComplianceResourceId: string;
  ComplianceType: ComplianceType;
  Annotation?: string;
  OrderingTimestamp: Date;
}

/** AWS Config rejects annotations longer than 256 characters. */
export const MAX_ANNOTATION = 256;

/**
 * The verdict of one task definition for one rule. AWS Config keeps one
 * compliance per rule and resource, so a rule answers once per task
 * definition: NON_COMPLIANT when any of its checks fails, or when the
 * definition could not be evaluated (never COMPLIANT for something unread);
 * the annotation names the check, the container and the reason.
 */
export function verdictFor(findings: readonly Finding[], errors: readonly string[]): { type: ComplianceType; annotation?: string } {
  const failing = findings.filter((f) => f.status === 'FAIL');
  if (failing.length) {
    const first = failing[0]!;
    const more = failing.length > 1 ? ` (+${failing.length - 1} more)` : '';
    const container = first.container ? ` container "${first.container}":` : '';
    return { type: 'NON_COMPLIANT', annotation: clip(`${first.checkId}:${container} ${first.message}`, more) };
  }
  const unread = findings.find((f) => f.status === 'ERROR' || f.status === 'UNKNOWN');
  if (unread || errors.length) {
    const reason = unread ? `${unread.checkId}: ${unread.message}` : errors[0]!;
    return { type: 'NON_COMPLIANT', annotation: clip(`not evaluated, so not compliant: ${reason}`, '') };
  }
  return { type: 'COMPLIANT' };
}

/** Evaluations for every task definition of a scan result (scheduled runs). */
export function evaluationsFor(result: ScanResult, checks: readonly Check[], orderingTimestamp: Date): Evaluation[] {
  const byArn = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const arn = finding.resource.arn;
    if (!arn) continue;
    const list = byArn.get(arn) ?? [];
    list.push(finding);
    byArn.set(arn, list);
  }
  checks;
  return [...byArn.entries()].map(([arn, findings]) => {
    const verdict = verdictFor(findings, []);
    return {
      ComplianceResourceType: 'AWS::ECS::TaskDefinition',
      ComplianceResourceId: arn,
      ComplianceType: verdict.type,
      ...(verdict.annotation ? { Annotation: verdict.annotation } : {}),
      OrderingTimestamp: orderingTimestamp,
    };
  });
}

function clip(text: string, suffix: string): string {
  const room = MAX_ANNOTATION - suffix.length;
  const single = text.replace(/\s+/g, ' ').trim();
  return (single.length > room ? `${single.slice(0, room - 1)}…` : single) + suffix;
}
