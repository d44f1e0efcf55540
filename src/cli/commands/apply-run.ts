import { access, readFile } from 'node:fs/promises';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { selectChecks } from '../../checks/catalogue.js';
import { EXIT } from '../exit-code.js';
import { UsageError } from '../../model/errors.js';
import { applyBatch, shortArn } from '../../remediate/account/apply-runner.js';
import { diffBatch, formatBatchDiff } from '../../remediate/account/batch-diff.js';
import { confirmChanges } from '../confirm.js';
import { connectEcs } from '../../remediate/account/connection.js';
import { connectionFrom } from '../connection-options.js';
import { createJournal, planDigest } from '../../remediate/account/create-journal.js';
import type { EcsApi } from '../../remediate/account/ecs-api.js';
import { JournalStore } from '../../remediate/account/journal-store.js';
import { formatChanges } from '../../remediate/account/outcome-report.js';
import { rollBack } from '../../remediate/account/rollback-runner.js';
import { sleepUnlessStopped } from '../stop-on-ctrl-c.js';
import { type RemediationPlan, parsePlan } from '../../remediate/account/plan-format.js';
import { verifyBatch } from '../../remediate/account/verify.js';
import { type WaitSettings, waitForServices } from '../../remediate/account/wait-stable.js';

export interface ApplyContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  /** Library use and tests: explicit credentials instead of the default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * Ctrl-C for apply: once aborted, the call in flight finishes, the journal is
   * written and no further step starts (exit 130). Unlike `signal`, it never cancels a call.
   */
  interrupt?: AbortSignal;
  /** Tests: a clock and a sleep that do not wait. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 900;
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;

/** `plan.json` → `plan.journal.json` (`plan.batch-2.journal.json` with --batch 2). */
export function defaultJournalPath(planFile: string, batch: number | undefined): string {
  const stem = planFile.replace(/\.json$/i, '');
  return `${stem}${batch === undefined ? '' : `.batch-${batch}`}.journal.json`;
}

export function waitSettingsFrom(options: Record<string, unknown>, context: Pick<ApplyContext, 'sleep' | 'now'>): WaitSettings {
  const seconds = (key: string, fallback: number) => {
    const value = options[key] === undefined ? fallback : Number(options[key]);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a number of seconds`);
    return value;
  };
  return {
    timeoutMs: seconds('waitTimeout', DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000,
    intervalMs: seconds('pollInterval', DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
    ...(context.sleep ? { sleep: context.sleep } : {}),
    ...(context.now ? { now: () => (context.now as () => Date)().getTime() } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * `ecsguard apply plan.json`: registers the plan's revisions and moves the
 * services to them, batch by batch, journaling every step before and after it,
 * then re-scans what changed. Exit code: 0 done and verified, 1 verification
 * still shows failures, 2 usage error or a failed step.
 */
export async function runApply(planFile: string, options: Record<string, unknown>, context: ApplyContext): Promise<number> {
  try {
    return await apply(planFile, options, context);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`ecsguard: ${error.message}\n`);
    return EXIT.incomplete;
  }
}

async function readPlan(planFile: string): Promise<{ plan: RemediationPlan; text: string }> {
  let text: string;
  try {
    text = await readFile(planFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan ${planFile}: ${(error as Error).message}`);
  }
  return { plan: parsePlan(text, planFile), text };
}

async function openJournal(planFile: string, plan: RemediationPlan, text: string, options: Record<string, unknown>, now: () => Date): Promise<JournalStore> {
  const resume = options['resume'] as string | undefined;
  if (resume !== undefined) {
    if (options['batch'] !== undefined) throw new UsageError('--resume continues the batches recorded in the journal: drop --batch');
    const store = await JournalStore.load(resume, now);
    if (store.journal.plan.sha256 !== planDigest(text)) {
      throw new UsageError(`${resume} was written for a different plan (or ${planFile} changed since): refusing to resume`);
    }
    return store;
  }
  const batch = options['batch'] === undefined ? undefined : Number(options['batch']);
  const known = [...new Set(plan.revisions.map((r) => r.batch))].sort((a, b) => a - b);
  if (batch !== undefined && !known.includes(batch)) {
    throw new UsageError(`--batch ${String(options['batch'])}: the plan has batches ${known.join(', ') || '(none)'}`);
  }
  const path = (options['journal'] as string | undefined) ?? defaultJournalPath(planFile, batch);
  if (await exists(path)) {
    throw new UsageError(`the journal ${path} already exists: continue with --resume ${path}, or pass --journal NEW-FILE`);
  }
  const journal = createJournal(plan, planFile, text, batch === undefined ? known : [batch], options['wait'] === true, now());
  return new JournalStore(path, journal, now);
}

async function apply(planFile: string, options: Record<string, unknown>, context: ApplyContext): Promise<number> {
  const now = context.now ?? (() => new Date());
  const out = (line: string) => context.stdout.write(`${line}\n`);
  const { plan, text } = await readPlan(planFile);
  const checks = selectChecks(plan.checks, undefined);
  const waitSettings = waitSettingsFrom(options, { ...context, sleep: context.sleep ?? sleepUnlessStopped(context.interrupt) });
  const connection = connectionFrom(options, context.credentials);
  const store = await openJournal(planFile, plan, text, options, now);
  const { journal } = store;
  if (options['rollbackOnFailure'] === true && !journal.wait) {
    throw new UsageError('--rollback-on-failure acts on rollouts apply waits for: add --wait');
  }
  if (journal.revisions.length === 0) {
    out('The plan has nothing to apply.');
    return EXIT.ok;
  }
  if (journal.status === 'completed') {
    out(`${store.path}: this apply already completed.`);
    return EXIT.ok;
  }
  const pendingRevisions = journal.revisions.filter((r) => r.register.status !== 'done').length;
  const pendingServices = journal.services.filter((s) => s.update.status !== 'done').length;
  out(
    `${options['resume'] ? 'Resuming' : 'Applying'} ${planFile}, batch${journal.batches.length > 1 ? 'es' : ''} ${journal.batches.join(', ')}: ` +
      `${pendingRevisions} revision(s) to register, ${pendingServices} service(s) to update. Old revisions are never deregistered.`,
  );
  const confirmed = await confirmChanges('Change the account?', options['yes'] === true, {
    stdin: context.stdin ?? process.stdin,
    stderr: context.stderr,
  });
  if (!confirmed) {
    out('Not confirmed: nothing was changed.');
    return EXIT.incomplete;
  }
  if (journal.status !== 'in-progress') journal.status = 'in-progress';
  await store.event(options['resume'] ? 'apply resumed' : 'apply started');
  out(`Journal: ${store.path}`);

  const api = await connectEcs(connection, journal.revisions[0]?.region ?? 'us-east-1', context.signal);
  const stopRequested = () => context.interrupt?.aborted === true;
  const settings = {
    stopOnError: options['stopOnError'] === true,
    rollbackOnFailure: options['rollbackOnFailure'] === true,
    stopRequested,
  };
  try {
    let worst: number = EXIT.ok;
    for (const batch of journal.batches) {
      const result = await runBatch(batch, { api, planFile, store, plan, checks, waitSettings: { ...waitSettings, stopRequested }, out, now, ...settings });
      worst = Math.max(worst, result.code);
      if (result.stop) return finish(result.code, store, planFile, out);
    }
    if (worst !== EXIT.ok) {
      journal.status = 'failed';
      await store.event('apply finished; some services were not updated');
      return finish(worst, store, planFile, out);
    }
    journal.status = 'completed';
    await store.event('apply completed and verified');
    return finish(EXIT.ok, store, planFile, out);
  } finally {
    api.close();
  }
}

/** Ctrl-C: the call in flight finished, the journal is written; `--resume` continues. */
export const EXIT_INTERRUPTED = 130;

interface BatchContext {
  api: EcsApi;
  planFile: string;
  store: JournalStore;
  plan: RemediationPlan;
  checks: ReturnType<typeof selectChecks>;
  waitSettings: WaitSettings;
  out: (line: string) => void;
  now: () => Date;
  stopOnError: boolean;
  rollbackOnFailure: boolean;
  stopRequested: () => boolean;
}

/** A batch's exit code, and whether the next batch may run. */
interface BatchResult {
  code: number;
  stop: boolean;
}

async function interrupted(store: JournalStore, batch: number): Promise<BatchResult> {
  store.journal.status = 'interrupted';
  await store.event(`interrupted during batch ${batch}: the call in flight finished; no further step was started`);
  return { code: EXIT_INTERRUPTED, stop: true };
}

async function runBatch(batch: number, ctx: BatchContext): Promise<BatchResult> {
  const { store, out } = ctx;
  const { journal } = store;
  out(`Batch ${batch}:`);
  const applied = await applyBatch(batch, { api: ctx.api, store, plan: ctx.plan, log: out }, { stopOnError: ctx.stopOnError, stopRequested: ctx.stopRequested });
  if (applied.interrupted) return interrupted(store, batch);
  const problems = applied.failures.length + applied.refused.length;
  if (problems && ctx.stopOnError) {
    journal.status = 'failed';
    await store.event(`batch ${batch} stopped (--stop-on-error): ${[...applied.failures, ...applied.refused][0]}`);
    return { code: EXIT.incomplete, stop: true };
  }
  if (journal.wait) {
    const waited = await waitForStable(batch, ctx);
    if (waited) return waited;
  }
  const { verification, findings } = await verifyBatch(ctx.api, ctx.plan, journal, batch, ctx.checks, store.timestamp());
  journal.verifications.push(verification);
  await store.event(`batch ${batch} verification: ${verification.ok ? 'passed' : 'failed'}`);
  out(`  re-scan of batch ${batch}: ${verification.ok ? 'no failing check on the new revisions; every updated service on its new revision' : 'problems remain'}`);
  for (const line of [...verification.failing, ...verification.problems]) out(`    ${line}`);
  for (const line of verification.remaining) out(`    still failing, left to a person by the plan: ${line}`);
  // The same new/fixed/unchanged summary `ecsguard diff` prints, for this batch.
  for (const line of formatBatchDiff(diffBatch(ctx.plan, journal, batch, findings, ctx.checks), ctx.planFile, batch)) out(line);
  if (!verification.ok) {
    journal.status = 'verification-failed';
    await store.save();
    return { code: EXIT.findings, stop: true };
  }
  if (applied.failures.length) {
    // A call that failed (denied, throttled, refused by ECS) may concern the whole account: do not start the next batch.
    journal.status = 'failed';
    await store.event(`batch ${batch}: ${applied.failures.length} step(s) failed; the next batch is not started`);
    return { code: EXIT.incomplete, stop: true };
  }
  if (applied.refused.length) {
    // Services someone else moved are theirs now: report them and go on with the rest of the plan.
    await store.event(`batch ${batch}: ${applied.refused.length} service(s) moved since the plan were not updated`);
    return { code: EXIT.incomplete, stop: false };
  }
  return { code: EXIT.ok, stop: false };
}

/** With --wait: undefined when every updated service is stable; otherwise how the batch ends. */
async function waitForStable(batch: number, ctx: BatchContext): Promise<BatchResult | undefined> {
  const { store, out } = ctx;
  const services = store.journal.services.filter((s) => s.batch === batch && s.update.status === 'done' && s.stable?.status !== 'done');
  if (services.length === 0) return undefined;
  for (const s of services) {
    s.stable = { status: 'pending' };
    await store.start(s.stable, `waiting for ${s.region} ${s.cluster}/${s.service} to be stable on ${shortArn(s.newArn)}`);
  }
  out(`  waiting for ${services.length} service(s) to be stable…`);
  const result = await waitForServices(
    ctx.api,
    services.map((s) => ({ region: s.region, cluster: s.cluster, service: s.service, taskDefinition: s.newArn as string })),
    ctx.waitSettings,
  );
  const same = (a: { region: string; cluster: string; service: string }, b: typeof a) => a.region === b.region && a.cluster === b.cluster && a.service === b.service;
  for (const s of services) {
    const step = s.stable as NonNullable<typeof s.stable>;
    const problem = result.failed.find((u) => same(u, s)) ?? result.unstable.find((u) => same(u, s));
    if (problem) {
      await store.fail(step, `${s.region} ${s.cluster}/${s.service}: ${problem.reason}`);
      out(`  ${s.region} ${s.cluster}/${s.service}: ${problem.reason}`);
    } else if (result.stable.some((u) => same(u, s))) {
      await store.finish(step, `${s.region} ${s.cluster}/${s.service} is stable on ${shortArn(s.newArn)}`);
      out(`  ${s.region} ${s.cluster}/${s.service} is stable on ${shortArn(s.newArn)}`);
    }
  }
  if (result.interrupted) return interrupted(store, batch);
  if (result.failed.length) {
    await store.event(`batch ${batch}: ${result.failed.length} rollout(s) FAILED`);
    if (!ctx.rollbackOnFailure) {
      store.journal.status = 'failed';
      await store.save();
      out(`  a rollout FAILED: batch ${batch} stopped (add --rollback-on-failure to roll the batch back at once)`);
      return { code: EXIT.incomplete, stop: true };
    }
    out(`  a rollout FAILED: rolling batch ${batch} back (--rollback-on-failure)`);
    store.journal.status = 'rolling-back';
    store.journal.rollback = { startedAt: store.timestamp(), status: 'in-progress' };
    const rolled = await rollBack(ctx.api, store, out, (s) => s.batch === batch);
    store.journal.rollback.status = rolled.failed.length ? 'failed' : 'done';
    store.journal.rollback.finishedAt = store.timestamp();
    store.journal.status = rolled.failed.length ? 'rollback-failed' : 'rolled-back';
    await store.event(`batch ${batch} rolled back after a FAILED rollout${rolled.failed.length ? `; ${rolled.failed.length} service(s) not restored` : ''}`);
    return { code: EXIT.incomplete, stop: true };
  }
  if (result.unstable.length === 0) return undefined;
  store.journal.status = 'failed';
  await store.event(`batch ${batch}: ${result.unstable.length} service(s) not stable`);
  return { code: EXIT.incomplete, stop: true };
}

async function finish(code: number, store: JournalStore, planFile: string, out: (line: string) => void): Promise<number> {
  out('');
  out(formatChanges(store.journal, store.path));
  const resume = `ecsguard apply ${planFile} --resume ${store.path}`;
  if (code === EXIT_INTERRUPTED) {
    out(`Interrupted: the call in flight finished and the journal is written. To continue: ${resume}`);
    out(`To undo what was changed: ecsguard rollback ${store.path}`);
  } else if (store.journal.status === 'rolled-back' || store.journal.status === 'rollback-failed') {
    out(`A rollout FAILED and the batch was rolled back${store.journal.status === 'rollback-failed' ? ' in part (see "Not restored")' : ''}. Fix the cause, then make a new plan.`);
  } else if (code === EXIT.incomplete) {
    const refused = store.journal.services.filter((s) => s.update.refused);
    if (refused.length) out(`${refused.length} service(s) moved since the plan was made and were left alone: make a new plan for them.`);
    out(`Not every step completed. To continue: ${resume}`);
    out(`To undo what was changed: ecsguard rollback ${store.path}`);
  } else if (code === EXIT.findings) {
    out(`Verification found problems. To undo: ecsguard rollback ${store.path}`);
  }
  return code;
}
