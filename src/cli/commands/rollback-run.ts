import { EXIT } from '../exit-code.js';
import { UsageError } from '../../model/errors.js';
import { type ApplyContext, waitSettingsFrom } from './apply-run.js';
import { shortArn } from '../../remediate/account/apply-runner.js';
import { confirmChanges } from '../confirm.js';
import { connectEcs } from '../../remediate/account/connection.js';
import { connectionFrom } from '../connection-options.js';
import { JournalStore } from '../../remediate/account/journal-store.js';
import { formatChanges } from '../../remediate/account/outcome-report.js';
import { rollBack, servicesToRestore } from '../../remediate/account/rollback-runner.js';
import { waitForServices } from '../../remediate/account/wait-stable.js';

/**
 * `ecsguard rollback journal.json`: every service apply moved goes back to the
 * revision it had, and the journal records it. Exit code: 0 every service
 * restored, 2 usage error or a service that could not be restored.
 */
export async function runRollback(journalPath: string, options: Record<string, unknown>, context: ApplyContext): Promise<number> {
  try {
    return await rollback(journalPath, options, context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}

async function rollback(journalPath: string, options: Record<string, unknown>, context: ApplyContext): Promise<number> {
  const now = context.now ?? (() => new Date());
  const out = (line: string) => context.stdout.write(`${line}\n`);
  const waitSettings = waitSettingsFrom(options, context);
  const connection = connectionFrom(options, context.credentials);
  const store = await JournalStore.load(journalPath, now);
  const { journal } = store;
  const targets = servicesToRestore(journal.services).filter((s) => s.rollback?.status !== 'done');
  if (targets.length === 0) {
    out(`${journalPath}: no service to roll back (apply moved none, or they were already rolled back).`);
    return EXIT.ok;
  }
  out(`Rolling back ${targets.length} service(s) to the revisions they had before the apply:`);
  for (const s of targets) out(`  ${s.region} ${s.cluster}/${s.service}: ${shortArn(s.newArn)} → ${shortArn(s.previousArn)}`);
  out('New revisions stay registered; nothing is deregistered.');
  const confirmed = await confirmChanges('Roll back these services?', options['yes'] === true, {
    stdin: context.stdin ?? process.stdin,
    stderr: context.stderr,
  });
  if (!confirmed) {
    out('Not confirmed: nothing was changed.');
    return EXIT.incomplete;
  }
  journal.status = 'rolling-back';
  journal.rollback = { startedAt: store.timestamp(), status: 'in-progress' };
  await store.event('rollback started');
  const api = await connectEcs(connection, targets[0]?.region ?? 'us-east-1', context.signal);
  try {
    const result = await rollBack(api, store, out);
    let failed = result.failed.length;
    if (options['wait'] === true && result.restored.length) {
      out(`  waiting for ${result.restored.length} service(s) to be stable…`);
      const waited = await waitForServices(
        api,
        result.restored.map((s) => ({ region: s.region, cluster: s.cluster, service: s.service, taskDefinition: s.previousArn as string })),
        waitSettings,
      );
      for (const u of waited.unstable) out(`  ${u.region} ${u.cluster}/${u.service}: ${u.reason}`);
      failed += waited.unstable.length;
    }
    journal.rollback.status = failed ? 'failed' : 'done';
    journal.rollback.finishedAt = store.timestamp();
    journal.status = failed ? 'rollback-failed' : 'rolled-back';
    await store.event(failed ? `rollback finished with ${failed} problem(s)` : 'rollback completed');
    out('');
    out(formatChanges(journal, journalPath));
    if (failed) out(`Some services were not restored; fix the cause and run: ecsguard rollback ${journalPath}`);
    return failed ? EXIT.incomplete : EXIT.ok;
  } finally {
    api.close();
  }
}
