import type { Check } from '../../checks/types.js';
import { type ScanResult, scan } from '../../engine/scan.js';
import type { Finding } from '../../model/finding.js';
import type { TaskDefinition } from '../../model/task-definition.js';
import type { LiveSource } from '../../sources/source.js';

export interface FailingRevision {
  taskDefinition: TaskDefinition;
  findings: Finding[];
}

export interface AccountScan {
  result: ScanResult;
  /** Revisions with at least one FAIL finding, with the model the checks saw. */
  failing: FailingRevision[];
  /** Failing revisions that could not be read (ERROR findings): `arn → reason`. */
  unreadable: Map<string, string>;
}

/**
 * Runs the engine over the live source and keeps the source's output, so the
 * plan is built from exactly the definitions the checks judged.
 */
export async function scanAccount(live: LiveSource, checks: readonly Check[], signal?: AbortSignal): Promise<AccountScan> {
  const failing: FailingRevision[] = [];
  const result = await scan({
    paths: [],
    checks,
    liveSources: [live],
    ...(signal ? { signal } : {}),
    onEvaluated: ({ taskDefinition, findings }) => {
      if (findings.some((f) => f.status === 'FAIL')) failing.push({ taskDefinition, findings });
    },
  });
  const unreadable = new Map<string, string>();
  for (const finding of result.findings) {
    if (finding.status === 'ERROR')
      unreadable.set(finding.resource.arn ?? finding.resource.id, finding.message.replace(/^not evaluated: /, ''));
  }
  return { result, failing, unreadable };
}
