import { describedMatchesInput } from './described-matches.js';
import { EcsCallError, type EcsApi } from '../../sources/aws/ecs-api.js';
import type { JournalRevision, JournalService, StepState } from './journal-format.js';
import type { JournalStore } from './journal-store.js';
import type { PlannedRevision, RemediationPlan } from './plan-format.js';

export interface StepContext {
  api: EcsApi;
  store: JournalStore;
  plan: RemediationPlan;
  log: (line: string) => void;
}

export type StepOutcome = { ok: true } | { ok: false; error: string };

/** `…/web:2` next to `…/web:3` → `:2`; another family → `api:1`. */
export function relativeTo(arn: string, other: string): string {
  const a = shortArn(arn);
  const b = shortArn(other);
  const family = (x: string) => x.slice(0, x.lastIndexOf(':'));
  return family(a) === family(b) && a.includes(':') ? a.slice(a.lastIndexOf(':')) : a;
}

/** The ARN's `family:revision`, for messages. */
export function shortArn(arn: string | undefined): string {
  if (!arn) return '(unknown)';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** What a batch's steps came to: failed calls, refused services (moved by someone else), or a stop. */
export interface BatchOutcome {
  /** API calls that failed (the step is `failed` in the journal). */
  failures: string[];
  /** Services not touched because they no longer run the planned revision. */
  refused: string[];
  /** Ctrl-C: the step in flight finished, no further step was started. */
  interrupted: boolean;
}

export interface ApplyBatchOptions {
  /** Stop at the first failed or refused step (the behaviour before independent steps continued). */
  stopOnError?: boolean;
  /** True once the user asked to stop (Ctrl-C): checked between steps, never during a call. */
  stopRequested?: () => boolean;
}

/**
 * Registers each revision of the batch and moves its services to it, in plan
 * order. A failed registration skips that revision's services; a failed or
 * refused service update skips only that service: independent steps go on
 * (unless `stopOnError`). Steps already done in the journal are skipped, so
 * running it again resumes.
 */
export async function applyBatch(batch: number, ctx: StepContext, options: ApplyBatchOptions = {}): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { failures: [], refused: [], interrupted: false };
  const stop = () => {
    outcome.interrupted = options.stopRequested?.() === true;
    return outcome.interrupted || (options.stopOnError === true && outcome.failures.length + outcome.refused.length > 0);
  };
  for (const revision of ctx.store.journal.revisions.filter((r) => r.batch === batch)) {
    if (stop()) return outcome;
    const planned = ctx.plan.revisions.find((p) => p.oldArn === revision.oldArn && p.batch === batch);
    if (!planned) {
      outcome.failures.push(`the plan has no revision ${revision.oldArn} in batch ${batch} (was the plan edited?)`);
      continue;
    }
    const registered = await guarded(ctx, revision.register, () => register(revision, planned, ctx));
    if (!registered.ok) {
      outcome.failures.push(registered.error);
      const waiting = ctx.store.journal.services.filter(
        (s) => s.batch === batch && s.plannedFrom === revision.oldArn && s.update.status !== 'done',
      );
      if (waiting.length)
        ctx.log(
          `  not moving ${waiting.map((s) => `${s.cluster}/${s.service}`).join(', ')}: the fixed revision ` +
            `of ${shortArn(revision.oldArn)} is not registered`,
        );
      continue;
    }
    for (const service of ctx.store.journal.services.filter((s) => s.batch === batch && s.plannedFrom === revision.oldArn)) {
      if (stop()) return outcome;
      const updated = await guarded(ctx, service.update, () => updateService(service, revision.newArn as string, ctx));
      if (!updated.ok) (updated.refused ? outcome.refused : outcome.failures).push(updated.error);
    }
  }
  stop();
  return outcome;
}

/** Runs one step; an ECS error fails the step in the journal instead of escaping. */
async function guarded(ctx: StepContext, step: StepState, run: () => Promise<void>): Promise<StepOutcome & { refused?: boolean }> {
  if (step.status === 'done') return { ok: true };
  try {
    await run();
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.store.fail(step, message);
    if (error instanceof StepRefused) {
      step.refused = true;
      await ctx.store.save();
      ctx.log(`  skipped: ${message}`);
      return { ok: false, error: message, refused: true };
    }
    ctx.log(`  failed: ${message}`);
    if (error instanceof EcsCallError) return { ok: false, error: message };
    throw error;
  }
}

/** A step the runner will not take because the account is not as the plan expected. */
export class StepRefused extends Error {
  override name = 'StepRefused';
}

async function register(revision: JournalRevision, planned: PlannedRevision, ctx: StepContext): Promise<void> {
  const label = `${revision.region} ${shortArn(revision.oldArn)}`;
  if (revision.register.status === 'in-progress' || revision.register.status === 'failed') {
    // Interrupted or failed during the call: ECS may have registered it anyway. Adopt that revision instead of registering twice.
    const existing = await findRegistered(revision, planned, ctx);
    if (existing) {
      revision.newArn = existing;
      await ctx.store.finish(
        revision.register,
        `registered ${shortArn(existing)} for ${label} (found after an interruption)`,
        'found registered after an interruption',
      );
      ctx.log(`  found ${shortArn(existing)} already registered for ${label}`);
      return;
    }
  }
  await ctx.store.start(revision.register, `registering the fixed revision of ${label}`);
  const { arn } = await ctx.api.registerTaskDefinition(revision.region, planned.registerInput);
  revision.newArn = arn;
  await ctx.store.finish(revision.register, `registered ${shortArn(arn)} (fixes ${label})`);
  ctx.log(`  registered ${shortArn(arn)} (fixes ${label})`);
}

async function findRegistered(revision: JournalRevision, planned: PlannedRevision, ctx: StepContext): Promise<string | undefined> {
  const latest = await ctx.api.describeTaskDefinition(revision.region, revision.family);
  const arn = latest.taskDefinition['taskDefinitionArn'];
  if (typeof arn !== 'string' || arn === revision.oldArn) return undefined;
  const { tags: wantedTags = [], ...wanted } = planned.registerInput as { tags?: unknown[] };
  const sameTags = describedMatchesInput(latest.tags, wantedTags);
  return sameTags && describedMatchesInput(latest.taskDefinition, wanted) ? arn : undefined;
}

async function updateService(service: JournalService, newArn: string, ctx: StepContext): Promise<void> {
  const label = `${service.region} ${service.cluster}/${service.service}`;
  const [state] = await ctx.api.describeServices(service.region, service.cluster, [service.service]);
  if (!state || state.status === 'INACTIVE') throw new StepRefused(`${label}: the service no longer exists; not updated`);
  service.newArn = newArn;
  if (state.taskDefinition === newArn) {
    service.previousArn ??= service.plannedFrom;
    delete service.observedArn;
    delete service.update.refused;
    await ctx.store.finish(service.update, `${label} already uses ${shortArn(newArn)}`, 'already on the new revision');
    ctx.log(`  ${label} already uses ${shortArn(newArn)}`);
    return;
  }
  // Only the desired revision counts: during a rollout the old revision is still in deployments[], and that is fine.
  const expected = service.previousArn ?? service.plannedFrom;
  if (state.taskDefinition !== expected) {
    service.observedArn = state.taskDefinition;
    throw new StepRefused(
      `${label}: now on ${shortArn(state.taskDefinition)}, planned from ${relativeTo(expected, state.taskDefinition)}; not updated (make ` +
        `a new plan for it)`,
    );
  }
  service.previousArn = state.taskDefinition;
  delete service.observedArn;
  await ctx.store.start(service.update, `updating ${label} from ${shortArn(state.taskDefinition)} to ${shortArn(newArn)}`);
  await ctx.api.updateService(service.region, service.cluster, service.service, newArn);
  await ctx.store.finish(service.update, `${label} updated to ${shortArn(newArn)} (rolling deployment started)`);
  const draining = state.deployments.filter((d) => d.status === 'ACTIVE' && d.taskDefinition !== state.taskDefinition);
  const note = draining.length
    ? ` (it was mid-rollout: ${draining.reduce((n, d) => n + d.runningCount, 0)} task(s) still ` +
      `on ${[...new Set(draining.map((d) => shortArn(d.taskDefinition)))].join(', ')})`
    : '';
  ctx.log(`  ${label}: ${shortArn(state.taskDefinition)} → ${shortArn(newArn)}${note}`);
}
