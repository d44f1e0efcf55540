import type { EcsApi, ServiceState } from '../../sources/aws/ecs-api.js';

export interface WaitSettings {
  timeoutMs: number;
  intervalMs: number;
  /** Injected in tests; resolves after `ms` or when the signal aborts. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Ctrl-C: stop polling (the services keep rolling out; nothing is left half-done by the waiter). */
  stopRequested?: () => boolean;
}

export interface ServiceToWatch {
  region: string;
  cluster: string;
  service: string;
  taskDefinition: string;
}

export interface WaitResult {
  stable: ServiceToWatch[];
  /** Not stable before the timeout, with the last state seen. */
  unstable: Array<ServiceToWatch & { reason: string }>;
  /** Rollouts ECS marked FAILED (deployment circuit breaker): reported as soon as seen, not after the timeout. */
  failed: Array<ServiceToWatch & { reason: string }>;
  /** Polling stopped because the user asked (Ctrl-C). */
  interrupted: boolean;
}

/** The FAILED rollout of the expected revision, if ECS reports one (even after its own rollback made another deployment PRIMARY). */
export function failedRollout(state: ServiceState | undefined, taskDefinition: string): string | undefined {
  const failed = state?.deployments.find((d) => d.taskDefinition === taskDefinition && d.rolloutState === 'FAILED');
  if (!failed) return undefined;
  const reason = `rollout FAILED${failed.rolloutStateReason ? `: ${failed.rolloutStateReason}` : ' (deployment circuit breaker)'}`;
  // With the circuit breaker's rollback on, ECS has already made the last completed revision desired again.
  const back =
    state && state.taskDefinition !== taskDefinition
      ? `; ECS is rolling the service back to ${state.taskDefinition.slice(state.taskDefinition.lastIndexOf('/') + 1)} itself`
      : '';
  return reason + back;
}

/**
 * Stable as ECS's services-stable waiter defines it, plus the revision: exactly
 * one deployment, PRIMARY, on the expected revision, with runningCount equal
 * to desiredCount (and a rollout not FAILED).
 */
export function stabilityProblem(state: ServiceState | undefined, taskDefinition: string): string | undefined {
  if (!state) return 'the service was not found';
  const primary = state.deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return 'no PRIMARY deployment';
  if (primary.rolloutState === 'FAILED') return 'the deployment FAILED (ECS may roll it back on its own)';
  if (primary.taskDefinition !== taskDefinition) return `the PRIMARY deployment runs ${primary.taskDefinition}`;
  if (state.deployments.length !== 1) return `${state.deployments.length} deployments still active`;
  if (primary.runningCount !== primary.desiredCount) return `${primary.runningCount} of ${primary.desiredCount} tasks running`;
  return undefined;
}

/** Polls DescribeServices (ten services per call, per cluster) until every service is stable or the time is up. */
export async function waitForServices(api: EcsApi, services: readonly ServiceToWatch[], settings: WaitSettings): Promise<WaitResult> {
  const now = settings.now ?? Date.now;
  const sleep = settings.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + settings.timeoutMs;
  let pending = [...services];
  const reasons = new Map<ServiceToWatch, string>();
  const stable: ServiceToWatch[] = [];
  const failed: WaitResult['failed'] = [];
  let interrupted = false;
  for (;;) {
    const groups = new Map<string, ServiceToWatch[]>();
    for (const s of pending) groups.set(`${s.region}\n${s.cluster}`, [...(groups.get(`${s.region}\n${s.cluster}`) ?? []), s]);
    const still: ServiceToWatch[] = [];
    for (const group of groups.values()) {
      const { region, cluster } = group[0] as ServiceToWatch;
      const states = await api.describeServices(
        region,
        cluster,
        group.map((s) => s.service),
      );
      for (const s of group) {
        const state = states.find((st) => st.service === s.service);
        const failure = failedRollout(state, s.taskDefinition);
        if (failure) {
          failed.push({ ...s, reason: failure });
          continue;
        }
        const problem = stabilityProblem(state, s.taskDefinition);
        if (problem === undefined) stable.push(s);
        else {
          reasons.set(s, problem);
          still.push(s);
        }
      }
    }
    pending = still;
    if (pending.length === 0 || failed.length > 0 || now() >= deadline) break;
    if (settings.stopRequested?.()) {
      interrupted = true;
      break;
    }
    await sleep(Math.min(settings.intervalMs, Math.max(0, deadline - now())));
    if (settings.stopRequested?.()) {
      interrupted = true;
      break;
    }
  }
  // A FAILED rollout ends the wait at once: the others are reported as not yet stable.
  const why = (s: ServiceToWatch) =>
    failed.length || interrupted
      ? `not stable yet (waiting stopped): ${reasons.get(s) ?? 'unknown'}`
      : `not stable after ${Math.round(settings.timeoutMs / 1000)}s: ${reasons.get(s) ?? 'unknown'}`;
  return { stable, unstable: pending.map((s) => ({ ...s, reason: why(s) })), failed, interrupted };
}
