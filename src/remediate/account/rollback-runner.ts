import { EcsCallError, type EcsApi } from '../../sources/aws/ecs-api.js';
import { shortArn } from './apply-runner.js';
import type { JournalService } from './journal-format.js';
import type { JournalStore } from './journal-store.js';

export interface RollbackResult {
  restored: JournalService[];
  failed: Array<{ service: JournalService; error: string }>;
}

/** Services apply may have moved: updated, or interrupted during the update call. */
export function servicesToRestore(services: readonly JournalService[]): JournalService[] {
  return services.filter(
    (s) => s.previousArn !== undefined && (s.update.status === 'done' || s.update.status === 'in-progress' || s.update.status === 'failed'),
  );
}

/**
 * Puts every service apply moved (or, with `only`, some of them: one batch)
 * back on the revision it had before, newest change first. A service someone
 * has moved since is left alone and reported. Revisions are never deregistered.
 */
export async function rollBack(
  api: EcsApi,
  store: JournalStore,
  log: (line: string) => void,
  only: (service: JournalService) => boolean = () => true,
): Promise<RollbackResult> {
  const result: RollbackResult = { restored: [], failed: [] };
  for (const s of servicesToRestore(store.journal.services).filter(only).reverse()) {
    s.rollback ??= { status: 'pending' };
    if (s.rollback.status === 'done') {
      result.restored.push(s);
      continue;
    }
    const label = `${s.region} ${s.cluster}/${s.service}`;
    const previous = s.previousArn as string;
    try {
      const [state] = await api.describeServices(s.region, s.cluster, [s.service]);
      if (!state || state.status === 'INACTIVE') throw new Error(`${label}: the service no longer exists`);
      if (state.taskDefinition === previous) {
        await store.finish(s.rollback, `${label} already uses ${shortArn(previous)}`, 'already on the previous revision');
        log(`  ${label} already uses ${shortArn(previous)}`);
        result.restored.push(s);
        continue;
      }
      if (s.newArn === undefined || state.taskDefinition !== s.newArn) {
        throw new Error(`${label} now uses ${shortArn(state.taskDefinition)}, which apply did not set; not rolled back`);
      }
      await store.start(s.rollback, `rolling back ${label} from ${shortArn(s.newArn)} to ${shortArn(previous)}`);
      await api.updateService(s.region, s.cluster, s.service, previous);
      await store.finish(s.rollback, `${label} rolled back to ${shortArn(previous)}`);
      log(`  ${label}: ${shortArn(s.newArn)} → ${shortArn(previous)}`);
      result.restored.push(s);
    } catch (error) {
      if (!(error instanceof EcsCallError) && !(error instanceof Error && error.message.startsWith(label))) throw error;
      await store.fail(s.rollback, error.message);
      log(`  failed: ${error.message}`);
      result.failed.push({ service: s, error: error.message });
    }
  }
  return result;
}
