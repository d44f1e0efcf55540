import type { PeerTool, PeerVerdict } from '../model/finding.js';
import type { ContainerDefinition, SourceKind, TaskDefinition } from '../model/task-definition.js';

export type { PeerTool, PeerVerdict };

/** One verdict of a peer rule, with the one-line reason in the peer's own terms. */
export interface PeerOutcome {
  verdict: PeerVerdict;
  why: string;
}

/**
 * Another tool's published rule, re-implemented as a pure function over the
 * normalized model so a finding can say what that tool concludes on the same
 * definition. `source` links the rule's public code or documentation; the
 * function follows it, including its quirks, and never "fixes" it.
 */
export interface PeerRule {
  tool: PeerTool;
  /** The peer's id: a check id, a managed-rule name, a CIS recommendation number. */
  id: string;
  /** The Security Hub control an AWS Config rule backs. */
  control?: string;
  title: string;
  /** Public rule source or documentation the function follows. */
  source: string;
  /** The ecsguard checks that ask the same question. */
  checks: readonly string[];
  /** Which inputs the peer reads at all; anything else is NOT_COVERED with this reason. */
  reads?: (source: SourceKind) => string | undefined;
  /** The verdict the peer reports for the task definition. */
  task(td: TaskDefinition): PeerOutcome;
  /** The container's part in that verdict, for rules that look at containers one by one. */
  container?(td: TaskDefinition, container: ContainerDefinition): PeerOutcome;
}

export const PASS = (why: string): PeerOutcome => ({ verdict: 'PASS', why });
export const FAIL = (why: string): PeerOutcome => ({ verdict: 'FAIL', why });
export const NOT_APPLICABLE = (why: string): PeerOutcome => ({ verdict: 'NOT_APPLICABLE', why });
export const NOT_EVALUATED = (why: string): PeerOutcome => ({ verdict: 'NOT_EVALUATED', why });
export const NOT_COVERED = (why: string): PeerOutcome => ({ verdict: 'NOT_COVERED', why });
