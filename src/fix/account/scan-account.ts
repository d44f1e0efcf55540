import type { Check } from '../../checks/types.js';
import { type ScanResult, scan } from '../../engine/scan.js';
import type { Finding } from '../../model/finding.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../../model/task-definition.js';
import type { LiveSource, SourceOutput } from '../../sources/source.js';

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
  const outputs: SourceOutput[] = [];
  const capturing: LiveSource = {
    async load(s) {
      const output = await live.load(s ?? signal);
      outputs.push(output);
      return output;
    },
  };
  const result = await scan({ paths: [], checks, liveSources: [capturing], ...(signal ? { signal } : {}) });
  const byArn = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const arn = finding.resource.arn ?? finding.resource.id;
    byArn.set(arn, [...(byArn.get(arn) ?? []), finding]);
  }
  const failing: FailingRevision[] = [];
  const unreadable = new Map<string, string>();
  for (const output of outputs) {
    for (const definition of output.definitions) {
      const arn = definition.resource.arn ?? definition.resource.id;
      const findings = byArn.get(arn) ?? [];
      if (!findings.some((f) => f.status === 'FAIL')) continue;
      const { taskDefinition } = normalizeTaskDefinition(definition.resource, definition.body, definition.range);
      if (!taskDefinition) continue;
      if (definition.usage) taskDefinition.usage = definition.usage;
      failing.push({ taskDefinition, findings });
    }
    for (const failure of output.failures) {
      unreadable.set(failure.resource.arn ?? failure.resource.id, failure.error.message);
    }
  }
  return { result, failing, unreadable };
}
