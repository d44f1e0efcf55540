import { UsageError } from '../../model/errors.js';
import { parseVersionedDocument } from './versioned-document.js';

/** Identifies a plan file; bumped when the shape changes incompatibly. */
export const PLAN_KIND = 'ecsguard-remediation-plan';
export const PLAN_VERSION = 1;

export interface PlannedService {
  cluster: string;
  service: string;
  /** Why the move is in its batch: internet-exposed, production, or other (with the reasons). */
  priority?: 'internet-exposed' | 'production' | 'other';
  reasons?: string[];
  /** Set when the service is mid-rollout: "rollout in progress (2 tasks still on web:1)". */
  rollout?: string;
}

/** A revision's place in the batch order. */
export type RevisionPriority = 'internet-exposed' | 'production' | 'in-use' | 'not-in-use';

/** One change the fixes make, as a reviewer reads it. */
export interface PlannedChange {
  /** The container name; absent for task-level fields such as networkMode. */
  container?: string;
  /** The ECS path, e.g. `containerDefinitions[0].user`. */
  field: string;
  /** The value before; absent when the field was not set. */
  from?: unknown;
  /** The value after; absent when the fix removes the field. */
  to?: unknown;
  checkIds: string[];
}

export interface PlannedFinding {
  checkId: string;
  container?: string;
  field?: string;
  message: string;
}

/** One failing revision and what to do about it. */
export interface PlannedRevision {
  /** 1-based batch number (`apply --batch K`). */
  batch: number;
  region: string;
  family: string;
  oldRevision: number;
  oldArn: string;
  inUse: boolean;
  runningTasks: number;
  /**
   * The services to move: those whose `taskDefinition` (the desired, PRIMARY
   * revision) is this one. A service still draining this revision in a rollout
   * to another one is in `rollouts`, not here.
   */
  services: PlannedService[];
  /** In use by rollouts in progress: "prod/web: rollout to web:3 in progress, 2 task(s) still on web:2". */
  rollouts?: string[];
  /** `fix` (default) or `keep-latest`: a fixed copy of the family's newest revision, registered last so the family's latest stays the
   * newest content. */
  purpose?: 'fix' | 'keep-latest';
  priority?: RevisionPriority;
  /** Why the revision is in its batch. */
  why?: string;
  findings: PlannedFinding[];
  changes: PlannedChange[];
  warnings: string[];
  /** Fixes the tool cannot make: a person must. */
  manual: string[];
  /** RegisterTaskDefinition input: the described definition with the fixes, tags, no read-only fields. */
  registerInput: Record<string, unknown>;
  /** The same steps for a person with the aws CLI. */
  commands: string[];
  /** How to undo the service updates by hand. */
  rollbackCommands: string[];
}

/** A failing revision the plan does not remediate, and why. */
export interface SkippedRevision {
  arn: string;
  region?: string;
  reason: string;
}

export interface RemediationPlan {
  kind: typeof PLAN_KIND;
  version: typeof PLAN_VERSION;
  createdAt: string;
  tool: { name: 'ecsguard'; version: string };
  checks: string[];
  fixOptions: Record<string, unknown>;
  batchSize: number | null;
  summary: { revisions: number; inUse: number; services: number; batches: number; skipped: number; keepLatest?: number };
  /** Ranking settings: `--prod-tags` and whether keep-latest copies were planned. */
  ordering?: { prodTags: string; keepLatest: boolean };
  /** Plan-wide warnings (e.g. --no-keep-latest leaves a family's latest revision on older content). */
  warnings?: string[];
  batches: Array<{ batch: number; revisions: string[] }>;
  revisions: PlannedRevision[];
  skipped: SkippedRevision[];
  /** Problems the scan reported (regions or revisions it could not read). */
  scanErrors: string[];
}

/** Reads a plan file's text; a file that is not a plan of this version is a usage error. */
export function parsePlan(text: string, file: string): RemediationPlan {
  const plan = parseVersionedDocument<RemediationPlan>(text, file, {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    noun: 'plan',
    notKind: 'is not an ecsguard remediation plan (write one with "ecsguard fix --aws --plan FILE")',
  });
  if (!Array.isArray(plan.revisions)) throw new UsageError(`${file}: "revisions" must be a list`);
  plan.revisions.forEach((r, i) => {
    const ok =
      typeof r?.oldArn === 'string' &&
      typeof r.region === 'string' &&
      typeof r.family === 'string' &&
      Number.isInteger(r.batch) &&
      Array.isArray(r.services) &&
      typeof r.registerInput === 'object' &&
      r.registerInput !== null;
    if (!ok) throw new UsageError(`${file}: revisions[${i}] lacks oldArn, region, family, batch, services or registerInput`);
  });
  return plan as RemediationPlan;
}
