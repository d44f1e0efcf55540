import { createHash } from 'node:crypto';
import { JOURNAL_KIND, JOURNAL_VERSION, type Journal } from './journal-format.js';
import type { RemediationPlan } from './plan-format.js';

export function planDigest(planText: string): string {
  return createHash('sha256').update(planText).digest('hex');
}

/** A fresh journal for the chosen batches: every step pending, nothing changed yet. */
export function createJournal(
  plan: RemediationPlan,
  planFile: string,
  planText: string,
  batches: number[],
  wait: boolean,
  now: Date,
): Journal {
  const at = now.toISOString();
  const selected = plan.revisions.filter((r) => batches.includes(r.batch));
  return {
    kind: JOURNAL_KIND,
    version: JOURNAL_VERSION,
    plan: { file: planFile, sha256: planDigest(planText), createdAt: plan.createdAt },
    batches,
    wait,
    status: 'in-progress',
    startedAt: at,
    updatedAt: at,
    revisions: selected.map((r) => ({
      batch: r.batch,
      region: r.region,
      family: r.family,
      oldArn: r.oldArn,
      register: { status: 'pending' },
    })),
    services: selected.flatMap((r) =>
      r.services.map((s) => ({
        batch: r.batch,
        region: r.region,
        cluster: s.cluster,
        service: s.service,
        plannedFrom: r.oldArn,
        update: { status: 'pending' as const },
      })),
    ),
    verifications: [],
    events: [],
  };
}
