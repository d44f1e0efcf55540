import { UsageError } from '../../model/errors.js';
import { parseVersionedDocument } from './versioned-document.js';

export const JOURNAL_KIND = 'ecsguard-apply-journal';
export const JOURNAL_VERSION = 1;

export type StepStatus = 'pending' | 'in-progress' | 'done' | 'failed';

/** One step's state; `in-progress` with no `finishedAt` after a crash means "may or may not have happened". */
export interface StepState {
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  /** Why a step counted as done without a call (already registered, already on the revision). */
  note?: string;
  /** A failed step that was refused, not attempted: the account was not as planned (the service moved since). */
  refused?: boolean;
}

/** A family revision the plan replaces: its old and (once registered) new ARN. */
export interface JournalRevision {
  batch: number;
  region: string;
  family: string;
  oldArn: string;
  newArn?: string;
  register: StepState;
}

/** A service the plan moves to a new revision. */
export interface JournalService {
  batch: number;
  region: string;
  cluster: string;
  service: string;
  /** The plan's old revision (the service's revision when the plan was made). */
  plannedFrom: string;
  /** The revision the service used right before the update: rollback restores this one. */
  previousArn?: string;
  /** When the update was refused: the revision the service was found on instead of `plannedFrom`. */
  observedArn?: string;
  newArn?: string;
  update: StepState;
  /** Only with --wait: the service reached a steady state on the new revision (failed: not in time, or its rollout FAILED). */
  stable?: StepState;
  rollback?: StepState;
}

export interface BatchVerification {
  batch: number;
  at: string;
  ok: boolean;
  /** New revisions that still fail a check: `arn: checkId message`. */
  failing: string[];
  /** Services not on their new revision, and tag mismatches. */
  problems: string[];
  /** Failures the plan left to a person (e.g. host network mode kept): listed, not counted. */
  remaining: string[];
}

export type JournalStatus =
  | 'in-progress'
  | 'completed'
  | 'failed'
  | 'interrupted'
  | 'verification-failed'
  | 'rolling-back'
  | 'rolled-back'
  | 'rollback-failed';

export interface Journal {
  kind: typeof JOURNAL_KIND;
  version: typeof JOURNAL_VERSION;
  plan: { file: string; sha256: string; createdAt: string };
  /** The batches this apply covers, in order. */
  batches: number[];
  wait: boolean;
  status: JournalStatus;
  startedAt: string;
  updatedAt: string;
  revisions: JournalRevision[];
  services: JournalService[];
  verifications: BatchVerification[];
  rollback?: { startedAt: string; finishedAt?: string; status: 'in-progress' | 'done' | 'failed' };
  /** What happened, in order, for people reading the file. */
  events: Array<{ at: string; message: string }>;
}

export function parseJournal(text: string, file: string): Journal {
  const journal = parseVersionedDocument<Journal>(text, file, {
    kind: JOURNAL_KIND,
    version: JOURNAL_VERSION,
    noun: 'journal',
    notKind: 'is not an ecsguard apply journal',
  });
  if (!Array.isArray(journal.revisions) || !Array.isArray(journal.services))
    throw new UsageError(`${file}: "revisions" and "services" must be lists`);
  return journal as Journal;
}
