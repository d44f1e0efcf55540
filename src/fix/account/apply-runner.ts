import { describedMatchesInput } from './described-matches.js';
import { EcsCallError, type EcsApi } from './ecs-api.js';
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

/** The ARN's `family:revision`, for messages. */
export function shortArn(arn: string | undefined): string {
  if (!arn) return '(unknown)';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/**
 * Registers each revision of the batch and moves its services to it, in plan
 * order, stopping at the first failure. Steps already done in the journal are
 * skipped, so running it again resumes.
 */
export async function applyBatch(batch: number, ctx: StepContext): Promise<StepOutcome> {
  for (const revision of ctx.store.journal.revisions.filter((r) => r.batch === batch)) {
    const planned = ctx.plan.revisions.find((p) => p.oldArn === revision.oldArn && p.batch === batch);
    if (!planned) return { ok: false, error: `the plan has no revision ${revision.oldArn} in batch ${batch} (was the plan edited?)` };
    const registered = await guarded(ctx, revision.register, () => register(revision, planned, ctx));
    if (!registered.ok) return registered;
    for (const service of ctx.store.journal.services.filter((s) => s.batch === batch && s.plannedFrom === revision.oldArn)) {
      const updated = await guarded(ctx, service.update, () => updateService(service, revision.newArn as string, ctx));
      if (!updated.ok) return updated;
    }
  }
  return { ok: true };
}

/** Runs one step; an ECS error fails the step in the journal instead of escaping. */
async function guarded(ctx: StepContext, step: StepState, run: () => Promise<void>): Promise<StepOutcome> {
  if (step.status === 'done') return { ok: true };
  try {
    await run();
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.store.fail(step, message);
    ctx.log(`  failed: ${message}`);
    if (error instanceof EcsCallError || error instanceof StepRefused) return { ok: false, error: message };
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
      await ctx.store.finish(revision.register, `registered ${shortArn(existing)} for ${label} (found after an interruption)`, 'found registered after an interruption');
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
    await ctx.store.finish(service.update, `${label} already uses ${shortArn(newArn)}`, 'already on the new revision');
    ctx.log(`  ${label} already uses ${shortArn(newArn)}`);
    return;
  }
  const expected = service.previousArn ?? service.plannedFrom;
  if (state.taskDefinition !== expected) {
    throw new StepRefused(
      `${label} now uses ${shortArn(state.taskDefinition)}, not ${shortArn(expected)} as planned; not updated (make a new plan)`,
    );
  }
  service.previousArn = state.taskDefinition;
  await ctx.store.start(service.update, `updating ${label} from ${shortArn(state.taskDefinition)} to ${shortArn(newArn)}`);
  await ctx.api.updateService(service.region, service.cluster, service.service, newArn);
  await ctx.store.finish(service.update, `${label} updated to ${shortArn(newArn)} (rolling deployment started)`);
  ctx.log(`  ${label}: ${shortArn(state.taskDefinition)} → ${shortArn(newArn)}`);
}
