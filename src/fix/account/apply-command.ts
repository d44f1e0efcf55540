import { access, readFile } from 'node:fs/promises';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { selectChecks } from '../../checks/catalogue.js';
import { EXIT } from '../../cli/exit-code.js';
import { UsageError } from '../../model/errors.js';
import { applyBatch, shortArn } from './apply-runner.js';
import { confirmChanges } from './confirm.js';
import { connectEcs } from './connection.js';
import { connectionFrom } from './connection-options.js';
import { createJournal, planDigest } from './create-journal.js';
import type { EcsApi } from './ecs-api.js';
import { JournalStore } from './journal-store.js';
import { formatChanges } from './outcome-report.js';
import { type RemediationPlan, parsePlan } from './plan-format.js';
import { verifyBatch } from './verify.js';
import { type WaitSettings, waitForServices } from './wait-stable.js';

export interface ApplyContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  /** Library use and tests: explicit credentials instead of the default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
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
  const waitSettings = waitSettingsFrom(options, context);
  const connection = connectionFrom(options, context.credentials);
  const store = await openJournal(planFile, plan, text, options, now);
  const { journal } = store;
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
  try {
    for (const batch of journal.batches) {
      const code = await runBatch(batch, { api, store, plan, checks, waitSettings, out, now });
      if (code !== EXIT.ok) return finish(code, store, planFile, out);
    }
    journal.status = 'completed';
    await store.event('apply completed and verified');
    return finish(EXIT.ok, store, planFile, out);
  } finally {
    api.close();
  }
}

interface BatchContext {
  api: EcsApi;
  store: JournalStore;
  plan: RemediationPlan;
  checks: ReturnType<typeof selectChecks>;
  waitSettings: WaitSettings;
  out: (line: string) => void;
  now: () => Date;
}

async function runBatch(batch: number, ctx: BatchContext): Promise<number> {
  const { store, out } = ctx;
  const { journal } = store;
  out(`Batch ${batch}:`);
  const applied = await applyBatch(batch, { api: ctx.api, store, plan: ctx.plan, log: out });
  if (!applied.ok) {
    journal.status = 'failed';
    await store.event(`batch ${batch} stopped: ${applied.error}`);
    return EXIT.incomplete;
  }
  if (journal.wait) {
    const waited = await waitForStable(batch, ctx);
    if (!waited) return EXIT.incomplete;
  }
  const verification = await verifyBatch(ctx.api, ctx.plan, journal, batch, ctx.checks, store.timestamp());
  journal.verifications.push(verification);
  await store.event(`batch ${batch} verification: ${verification.ok ? 'passed' : 'failed'}`);
  out(`  re-scan of batch ${batch}: ${verification.ok ? 'no failing check on the new revisions; every service on its new revision' : 'problems remain'}`);
  for (const line of [...verification.failing, ...verification.problems]) out(`    ${line}`);
  for (const line of verification.remaining) out(`    still failing, left to a person by the plan: ${line}`);
  if (!verification.ok) {
    journal.status = 'verification-failed';
    await store.save();
    return EXIT.findings;
  }
  return EXIT.ok;
}

async function waitForStable(batch: number, ctx: BatchContext): Promise<boolean> {
  const { store, out } = ctx;
  const services = store.journal.services.filter((s) => s.batch === batch && s.update.status === 'done' && s.stable?.status !== 'done');
  if (services.length === 0) return true;
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
  for (const s of services) {
    const unstable = result.unstable.find((u) => u.region === s.region && u.cluster === s.cluster && u.service === s.service);
    if (unstable) {
      await store.fail(s.stable as NonNullable<typeof s.stable>, `${s.region} ${s.cluster}/${s.service}: ${unstable.reason}`);
      out(`  ${s.region} ${s.cluster}/${s.service}: ${unstable.reason}`);
    } else {
      await store.finish(s.stable as NonNullable<typeof s.stable>, `${s.region} ${s.cluster}/${s.service} is stable on ${shortArn(s.newArn)}`);
      out(`  ${s.region} ${s.cluster}/${s.service} is stable on ${shortArn(s.newArn)}`);
    }
  }
  if (result.unstable.length === 0) return true;
  store.journal.status = 'failed';
  await store.event(`batch ${batch}: ${result.unstable.length} service(s) not stable`);
  return false;
}

async function finish(code: number, store: JournalStore, planFile: string, out: (line: string) => void): Promise<number> {
  out('');
  out(formatChanges(store.journal, store.path));
  if (code === EXIT.incomplete) {
    out(`A step failed. To continue: ecsguard apply ${planFile} --resume ${store.path}`);
    out(`To undo what was changed: ecsguard rollback ${store.path}`);
  } else if (code === EXIT.findings) {
    out(`Verification found problems. To undo: ecsguard rollback ${store.path}`);
  }
  return code;
}
