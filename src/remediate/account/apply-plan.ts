import { access, readFile } from 'node:fs/promises';
import { selectChecks } from '../../checks/catalogue.js';
import { UsageError } from '../../model/errors.js';
import type { AwsConnection } from '../../sources/aws/clients.js';
import type { EcsApi } from '../../sources/aws/ecs-api.js';
import { applyBatch, shortArn } from './apply-runner.js';
import { diffBatch, formatBatchDiff } from './batch-diff.js';
import { connectEcs } from './connection.js';
import { createJournal, planDigest } from './create-journal.js';
import { JournalStore } from './journal-store.js';
import { formatChanges } from './outcome-report.js';
import { type RemediationPlan, parsePlan } from './plan-format.js';
import { rollBack } from './rollback-runner.js';
import { sleepUnlessStopped } from './sleep.js';
import { verifyBatch } from './verify.js';
import { type WaitSettings, waitForServices } from './wait-stable.js';

/**
 * How an apply (or a rollback) ended, worst first when batches disagree: `done` (applied and verified),
 * `findings` (the re-scan still finds failures), `incomplete` (a step failed or was refused, or nothing was
 * confirmed), `interrupted` (stopped after the call in flight; the journal allows --resume). The CLI maps them to
 * exit codes 0, 1, 2 and 130.
 */
export const OUTCOME = { done: 0, findings: 1, incomplete: 2, interrupted: 130 } as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 900;
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;

/** A plan file as read: the parsed plan, its text (the journal records its digest) and where it is. */
export interface PlanDocument {
  file: string;
  text: string;
  plan: RemediationPlan;
}

/** What apply and rollback share: how to reach the account, where to say what happens, how to ask and to stop. */
export interface AccountChangeSettings {
  connection: AwsConnection;
  /** Every line of the progress report (the CLI writes them to standard output). */
  log: (line: string) => void;
  /** Asked once before the account is changed; resolves false to change nothing. Default: proceed. */
  confirm?: (question: string) => Promise<boolean>;
  /** With `wait`: wait until the services are stable. */
  wait?: boolean;
  /** Waiting pace: seconds (defaults 900 and 15). */
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  /** Cancels calls in flight (library use). */
  signal?: AbortSignal;
  /**
   * Ctrl-C for apply: once aborted, the call in flight finishes, the journal is written and no further step starts
   * (`interrupted`). Unlike `signal`, it never cancels a call.
   */
  interrupt?: AbortSignal;
  /** Tests: a clock and a sleep that do not wait. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApplySettings extends AccountChangeSettings {
  /** Apply only this batch (default: every batch, re-scanning after each). */
  batch?: number;
  /** Where to write the journal (default: defaultJournalPath). */
  journal?: string;
  /** Continue the apply this journal recorded; completed steps are skipped. */
  resume?: string;
  /** Stop at the first failed or refused step (default: skip it, go on with independent steps). */
  stopOnError?: boolean;
  /** With `wait`: when a rollout FAILS, roll the whole batch back at once. */
  rollbackOnFailure?: boolean;
}

export interface ApplyResult {
  outcome: Outcome;
  /** The journal written (absent when there was nothing to apply). */
  journalPath?: string;
}

/** `plan.json` → `plan.journal.json` (`plan.batch-2.journal.json` with batch 2). */
export function defaultJournalPath(planFile: string, batch: number | undefined): string {
  const stem = planFile.replace(/\.json$/i, '');
  return `${stem}${batch === undefined ? '' : `.batch-${batch}`}.journal.json`;
}

export function waitSettingsFrom(settings: AccountChangeSettings): WaitSettings {
  const seconds = (value: number | undefined, fallback: number, flag: string) => {
    const s = value ?? fallback;
    if (!Number.isFinite(s) || s < 0) throw new UsageError(`${flag} must be a number of seconds`);
    return s;
  };
  const now = settings.now;
  return {
    timeoutMs: seconds(settings.waitTimeoutSeconds, DEFAULT_WAIT_TIMEOUT_SECONDS, '--wait-timeout') * 1000,
    intervalMs: seconds(settings.pollIntervalSeconds, DEFAULT_POLL_INTERVAL_SECONDS, '--poll-interval') * 1000,
    sleep: settings.sleep ?? sleepUnlessStopped(settings.interrupt),
    ...(now ? { now: () => now().getTime() } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Reads and validates a plan file (UsageError naming the file when it cannot). */
export async function readPlan(planFile: string): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(planFile, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan ${planFile}: ${(error as Error).message}`);
  }
  return { file: planFile, text, plan: parsePlan(text, planFile) };
}

async function openJournal(document: PlanDocument, settings: ApplySettings, now: () => Date): Promise<JournalStore> {
  const { file: planFile, plan, text } = document;
  const { resume, batch } = settings;
  if (resume !== undefined) {
    if (batch !== undefined) throw new UsageError('--resume continues the batches recorded in the journal: drop --batch');
    const store = await JournalStore.load(resume, now);
    if (store.journal.plan.sha256 !== planDigest(text)) {
      throw new UsageError(`${resume} was written for a different plan (or ${planFile} changed since): refusing to resume`);
    }
    return store;
  }
  const known = [...new Set(plan.revisions.map((r) => r.batch))].sort((a, b) => a - b);
  if (batch !== undefined && !known.includes(batch)) {
    throw new UsageError(`--batch ${batch}: the plan has batches ${known.join(', ') || '(none)'}`);
  }
  const path = settings.journal ?? defaultJournalPath(planFile, batch);
  if (await exists(path)) {
    throw new UsageError(`the journal ${path} already exists: continue with --resume ${path}, or pass --journal NEW-FILE`);
  }
  // The same batches applied again would register their revisions twice: a journal of this plan that covers any of
  // them (the whole plan's, or a batch's) means they were, at least in part.
  if (settings.journal === undefined) {
    const covering = batch === undefined ? known : [batch];
    for (const other of [undefined, ...known]) {
      const otherPath = defaultJournalPath(planFile, other);
      if (otherPath === path || (other !== undefined && !covering.includes(other)) || !(await exists(otherPath))) continue;
      throw new UsageError(
        `${otherPath} already exists: ${other === undefined ? 'the whole plan' : `batch ${other}`} was applied from this plan ` +
          `(at least in part); continue it with --resume ${otherPath}, apply the other batches with --batch N, or pass ` +
          `--journal NEW-FILE to apply again`,
      );
    }
  }
  const journal = createJournal(plan, planFile, text, batch === undefined ? known : [batch], settings.wait === true, now());
  return new JournalStore(path, journal, now);
}

/**
 * Applies a remediation plan: registers the plan's revisions and moves the services to them, batch by batch,
 * journaling every step before and after it, then re-scans what changed. Bad input (an unreadable journal, a batch
 * the plan does not have, a journal that exists) is a UsageError before anything changes.
 */
export async function applyPlan(document: PlanDocument, settings: ApplySettings): Promise<ApplyResult> {
  const now = settings.now ?? (() => new Date());
  const out = settings.log;
  const { file: planFile, plan } = document;
  const checks = selectChecks(plan.checks, undefined);
  const waitSettings = waitSettingsFrom(settings);
  const store = await openJournal(document, settings, now);
  const { journal } = store;
  if (settings.rollbackOnFailure === true && !journal.wait) {
    throw new UsageError('--rollback-on-failure acts on rollouts apply waits for: add --wait');
  }
  if (journal.revisions.length === 0) {
    out('The plan has nothing to apply.');
    return { outcome: OUTCOME.done };
  }
  if (journal.status === 'completed') {
    out(`${store.path}: this apply already completed.`);
    return { outcome: OUTCOME.done, journalPath: store.path };
  }
  const pendingRevisions = journal.revisions.filter((r) => r.register.status !== 'done').length;
  const pendingServices = journal.services.filter((s) => s.update.status !== 'done').length;
  out(
    `${settings.resume ? 'Resuming' : 'Applying'} ${planFile}, ` +
      `batch${journal.batches.length > 1 ? 'es' : ''} ${journal.batches.join(', ')}: ` +
      `${pendingRevisions} revision(s) to register, ${pendingServices} service(s) to update. Old revisions are never deregistered.`,
  );
  if (settings.confirm && !(await settings.confirm('Change the account?'))) {
    out('Not confirmed: nothing was changed.');
    return { outcome: OUTCOME.incomplete };
  }
  if (journal.status !== 'in-progress') journal.status = 'in-progress';
  await store.event(settings.resume ? 'apply resumed' : 'apply started');
  out(`Journal: ${store.path}`);

  const api = await connectEcs(settings.connection, journal.revisions[0]?.region ?? 'us-east-1', settings.signal);
  const stopRequested = () => settings.interrupt?.aborted === true;
  const flags = {
    stopOnError: settings.stopOnError === true,
    rollbackOnFailure: settings.rollbackOnFailure === true,
    stopRequested,
  };
  const ended = async (code: Outcome): Promise<ApplyResult> => ({
    outcome: await finish(code, store, planFile, out),
    journalPath: store.path,
  });
  try {
    let worst: Outcome = OUTCOME.done;
    for (const batch of journal.batches) {
      const result = await runBatch(batch, {
        api,
        planFile,
        store,
        plan,
        checks,
        waitSettings: { ...waitSettings, stopRequested },
        out,
        now,
        ...flags,
      });
      worst = Math.max(worst, result.code) as Outcome;
      if (result.stop) return ended(result.code);
    }
    if (worst !== OUTCOME.done) {
      journal.status = 'failed';
      await store.event('apply finished; some services were not updated');
      return ended(worst);
    }
    journal.status = 'completed';
    await store.event('apply completed and verified');
    return ended(OUTCOME.done);
  } finally {
    api.close();
  }
}

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
  code: Outcome;
  stop: boolean;
}

async function interrupted(store: JournalStore, batch: number): Promise<BatchResult> {
  store.journal.status = 'interrupted';
  await store.event(`interrupted during batch ${batch}: the call in flight finished; no further step was started`);
  return { code: OUTCOME.interrupted, stop: true };
}

async function runBatch(batch: number, ctx: BatchContext): Promise<BatchResult> {
  const { store, out } = ctx;
  const { journal } = store;
  out(`Batch ${batch}:`);
  const applied = await applyBatch(
    batch,
    { api: ctx.api, store, plan: ctx.plan, log: out },
    { stopOnError: ctx.stopOnError, stopRequested: ctx.stopRequested },
  );
  if (applied.interrupted) return interrupted(store, batch);
  const problems = applied.failures.length + applied.refused.length;
  if (problems && ctx.stopOnError) {
    journal.status = 'failed';
    await store.event(`batch ${batch} stopped (--stop-on-error): ${[...applied.failures, ...applied.refused][0]}`);
    return { code: OUTCOME.incomplete, stop: true };
  }
  if (journal.wait) {
    const waited = await waitForStable(batch, ctx);
    if (waited) return waited;
  }
  const { verification, findings } = await verifyBatch(ctx.api, ctx.plan, journal, batch, ctx.checks, store.timestamp());
  journal.verifications.push(verification);
  await store.event(`batch ${batch} verification: ${verification.ok ? 'passed' : 'failed'}`);
  out(
    `  re-scan of batch ${batch}: ${
      verification.ok ? 'no failing check on the new revisions; every updated service on its new ' + 'revision' : 'problems remain'
    }`,
  );
  for (const line of [...verification.failing, ...verification.problems]) out(`    ${line}`);
  for (const line of verification.remaining) out(`    still failing, left to a person by the plan: ${line}`);
  // The same new/fixed/unchanged summary `ecsguard diff` prints, for this batch.
  for (const line of formatBatchDiff(diffBatch(ctx.plan, journal, batch, findings, ctx.checks), ctx.planFile, batch)) out(line);
  if (!verification.ok) {
    journal.status = 'verification-failed';
    await store.save();
    // Exit 1 means the re-scan still finds failures; anything it could not read or confirm is exit 2.
    return { code: verification.problems.length ? OUTCOME.incomplete : OUTCOME.findings, stop: true };
  }
  if (applied.failures.length) {
    // A call that failed (denied, throttled, refused by ECS) may concern the whole account: do not start the next batch.
    journal.status = 'failed';
    await store.event(`batch ${batch}: ${applied.failures.length} step(s) failed; the next batch is not started`);
    return { code: OUTCOME.incomplete, stop: true };
  }
  if (applied.refused.length) {
    // Services someone else moved are theirs now: report them and go on with the rest of the plan.
    await store.event(`batch ${batch}: ${applied.refused.length} service(s) moved since the plan were not updated`);
    return { code: OUTCOME.incomplete, stop: false };
  }
  return { code: OUTCOME.done, stop: false };
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
  const same = (a: { region: string; cluster: string; service: string }, b: typeof a) =>
    a.region === b.region && a.cluster === b.cluster && a.service === b.service;
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
      return { code: OUTCOME.incomplete, stop: true };
    }
    out(`  a rollout FAILED: rolling batch ${batch} back (--rollback-on-failure)`);
    store.journal.status = 'rolling-back';
    store.journal.rollback = { startedAt: store.timestamp(), status: 'in-progress' };
    const rolled = await rollBack(ctx.api, store, out, (s) => s.batch === batch);
    store.journal.rollback.status = rolled.failed.length ? 'failed' : 'done';
    store.journal.rollback.finishedAt = store.timestamp();
    store.journal.status = rolled.failed.length ? 'rollback-failed' : 'rolled-back';
    await store.event(
      `batch ${batch} rolled back after a FAILED rollout${rolled.failed.length ? `; ${rolled.failed.length} service(s) not restored` : ''}`,
    );
    return { code: OUTCOME.incomplete, stop: true };
  }
  if (result.unstable.length === 0) return undefined;
  store.journal.status = 'failed';
  await store.event(`batch ${batch}: ${result.unstable.length} service(s) not stable`);
  return { code: OUTCOME.incomplete, stop: true };
}

async function finish(code: Outcome, store: JournalStore, planFile: string, out: (line: string) => void): Promise<Outcome> {
  out('');
  out(formatChanges(store.journal, store.path));
  const resume = `ecsguard apply ${planFile} --resume ${store.path}`;
  if (code === OUTCOME.interrupted) {
    out(`Interrupted: the call in flight finished and the journal is written. To continue: ${resume}`);
    out(`To undo what was changed: ecsguard rollback ${store.path}`);
  } else if (store.journal.status === 'rolled-back' || store.journal.status === 'rollback-failed') {
    out(
      `A rollout FAILED and the batch was rolled ` +
        `back${store.journal.status === 'rollback-failed' ? ' in part (see "Not restored")' : ''}. Fix the cause, then make a new plan.`,
    );
  } else if (code === OUTCOME.incomplete) {
    const refused = store.journal.services.filter((s) => s.update.refused);
    if (refused.length) out(`${refused.length} service(s) moved since the plan was made and were left alone: make a new plan for them.`);
    out(`Not every step completed. To continue: ${resume}`);
    out(`To undo what was changed: ecsguard rollback ${store.path}`);
  } else if (code === OUTCOME.findings) {
    out(`Verification found problems. To undo: ecsguard rollback ${store.path}`);
  }
  return code;
}
