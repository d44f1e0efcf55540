/**
 * Live-account remediation as a library: plan, apply, roll back. Typed settings, no commander, no process state;
 * the CLI (src/cli/commands/fix-account.ts, apply-run.ts, rollback-run.ts) maps flags to these settings.
 */
export { type AccountFixPlan, type AccountFixSettings, planAccountFix } from './plan-account-fix.js';
export {
  type AccountChangeSettings,
  type ApplyResult,
  type ApplySettings,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  OUTCOME,
  type Outcome,
  type PlanDocument,
  applyPlan,
  defaultJournalPath,
  readPlan,
} from './apply-plan.js';
export { type RollbackSettings, rollback } from './rollback.js';
export type { RemediationPlan, PlannedRevision, PlannedService, SkippedRevision } from './plan-format.js';
export type { Journal } from './journal-format.js';
export type { AwsConnection } from '../../sources/aws/clients.js';
export { DEFAULT_MAX_ATTEMPTS } from '../../sources/aws/clients.js';
