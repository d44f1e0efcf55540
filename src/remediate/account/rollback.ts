import { type AccountChangeSettings, type ApplyResult, OUTCOME, waitSettingsFrom } from './apply-plan.js';
import { shortArn } from './apply-runner.js';
import { connectEcs } from './connection.js';
import { JournalStore } from './journal-store.js';
import { formatChanges } from './outcome-report.js';
import { rollBack, servicesToRestore } from './rollback-runner.js';
import { waitForServices } from './wait-stable.js';

export type RollbackSettings = AccountChangeSettings;

/**
 * Puts every service an apply moved back on the revision it had before, from the apply's journal, and records it
 * there. A service someone moved since is left alone and reported. Nothing is deregistered. Outcome: `done` every
 * service restored, `incomplete` one could not be (or nothing was confirmed).
 */
export async function rollback(journalPath: string, settings: RollbackSettings): Promise<ApplyResult> {
  const now = settings.now ?? (() => new Date());
  const out = settings.log;
  const waitSettings = waitSettingsFrom(settings);
  const store = await JournalStore.load(journalPath, now);
  const { journal } = store;
  const targets = servicesToRestore(journal.services).filter((s) => s.rollback?.status !== 'done');
  if (targets.length === 0) {
    out(`${journalPath}: no service to roll back (apply moved none, or they were already rolled back).`);
    return { outcome: OUTCOME.done, journalPath };
  }
  out(`Rolling back ${targets.length} service(s) to the revisions they had before the apply:`);
  for (const s of targets) out(`  ${s.region} ${s.cluster}/${s.service}: ${shortArn(s.newArn)} → ${shortArn(s.previousArn)}`);
  out('New revisions stay registered; nothing is deregistered.');
  if (settings.confirm && !(await settings.confirm('Roll back these services?'))) {
    out('Not confirmed: nothing was changed.');
    return { outcome: OUTCOME.incomplete, journalPath };
  }
  journal.status = 'rolling-back';
  journal.rollback = { startedAt: store.timestamp(), status: 'in-progress' };
  await store.event('rollback started');
  const api = await connectEcs(settings.connection, targets[0]?.region ?? 'us-east-1', settings.signal);
  try {
    const result = await rollBack(api, store, out);
    let failed = result.failed.length;
    if (settings.wait === true && result.restored.length) {
      out(`  waiting for ${result.restored.length} service(s) to be stable…`);
      const waited = await waitForServices(
        api,
        result.restored.map((s) => ({ region: s.region, cluster: s.cluster, service: s.service, taskDefinition: s.previousArn as string })),
        waitSettings,
      );
      // A FAILED rollout back to the previous revision is a service not restored, as is one not yet stable.
      for (const u of [...waited.failed, ...waited.unstable]) {
        const label = `${u.region} ${u.cluster}/${u.service}`;
        out(`  ${label}: ${u.reason}`);
        const restored = result.restored.find((s) => s.region === u.region && s.cluster === u.cluster && s.service === u.service);
        if (restored?.rollback) await store.fail(restored.rollback, `${label}: ${u.reason}`);
      }
      failed += waited.failed.length + waited.unstable.length;
    }
    journal.rollback.status = failed ? 'failed' : 'done';
    journal.rollback.finishedAt = store.timestamp();
    journal.status = failed ? 'rollback-failed' : 'rolled-back';
    await store.event(failed ? `rollback finished with ${failed} problem(s)` : 'rollback completed');
    out('');
    out(formatChanges(journal, journalPath));
    if (failed) out(`Some services were not restored; fix the cause and run: ecsguard rollback ${journalPath}`);
    return { outcome: failed ? OUTCOME.incomplete : OUTCOME.done, journalPath };
  } finally {
    api.close();
  }
}
