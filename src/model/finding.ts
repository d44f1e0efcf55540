import type { EffectiveUser } from './effective-user.js';
import type { SourceRange } from './location.js';
import type { FindingFix } from './proposed-fix.js';
import type { ResourceRef, Usage } from './task-definition.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * FAIL: the check failed. UNKNOWN: the verdict depends on a value that could not
 * be resolved. ERROR: the resource could not be read, so it was not evaluated.
 * MUTED: a failure suppressed by the user. PASS: only with --include-passed.
 * NOTE: worth knowing, never a failure (e.g. a root group with a non-root uid).
 */
export const STATUSES = ['FAIL', 'UNKNOWN', 'ERROR', 'MUTED', 'NOTE', 'PASS'] as const;
export type Status = (typeof STATUSES)[number];

/** How many findings have each status (every status present, zero when none). */
export function countStatuses(findings: readonly Finding[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  for (const f of findings) counts[f.status]++;
  return counts;
}

export interface Finding {
  checkId: string;
  status: Status;
  severity: Severity;
  title: string;
  message: string;
  /** The container the finding is about; absent for task-level findings. */
  container?: string;
  /** The ECS field, e.g. `containerDefinitions[1].user` or `networkMode`. */
  field?: string;
  /** The same field as a path from the task definition: `['containerDefinitions', '1', 'user']`. */
  fieldPath?: string[];
  /** The container's position in `containerDefinitions` as written; absent for task-level findings. */
  containerIndex?: number;
  resource: ResourceRef;
  location?: SourceRange;
  remediation: string;
  usage?: Usage;
  /** Framework controls the check answers (`aws-fsbp:ECS.4`), when frameworks were selected with --framework. */
  controls?: string[];
  /** Whom the container runs as and where that came from; set when image users were resolved. */
  effectiveUser?: EffectiveUser;
  /** What other tools' published rules conclude on the same definition (src/peers/). */
  peers?: PeerConclusion[];
  /** Set by the muting stage: why this finding is MUTED, or which exception expired (status unchanged). */
  suppression?: Suppression;
  /**
   * The same verdict on the other branches of a conditional container list,
   * reported once with this finding: where each one is, so a fixer fixes them
   * all. Not part of the report formats.
   */
  sameAs?: FindingPlace[];
  /**
   * What would fix a FAIL (changes the check proposes, their warnings, what must
   * be done by hand) or an UNKNOWN (where to make the value literal).
   */
  fix?: FindingFix;
}

/** The tools whose published ECS rules ecsguard re-implements to compare verdicts (docs/peers.md). */
export const PEER_TOOLS = ['aws-config', 'prowler', 'cis', 'checkov', 'trivy'] as const;
export type PeerTool = (typeof PEER_TOOLS)[number];

/**
 * PASS/FAIL: what the peer reports. NOT_APPLICABLE: the peer skips this definition (a Windows
 * task for a Linux-only control). NOT_COVERED: the peer has no rule for it, or does not read this
 * kind of input. NOT_EVALUATED: the peer has a rule, but its verdict cannot be told here (an
 * unresolved value, a detector ecsguard does not reproduce, a revision that could not be read).
 */
export type PeerVerdict = 'PASS' | 'FAIL' | 'NOT_APPLICABLE' | 'NOT_COVERED' | 'NOT_EVALUATED';

/** One peer's verdict on a finding's container (or task definition) and the reason in the peer's terms. */
export interface PeerConclusion {
  tool: PeerTool;
  /** The peer's rule id; absent when the tool has no rule for the check (NOT_COVERED). */
  rule?: string;
  /** The Security Hub control an AWS Config rule backs. */
  control?: string;
  verdict: PeerVerdict;
  why: string;
}

/** An exception-file entry or an inline comment that mutes a finding (see docs/exceptions.md). */
export interface Suppression {
  kind: 'exception' | 'inline';
  /** Where it is declared: `exceptions.yaml entry legacy-batch (line 4)`, `infra/main.tf:12`. */
  source: string;
  reason: string;
  owner?: string;
  /** ISO date (YYYY-MM-DD); from this day on (UTC) it no longer mutes. */
  expires?: string;
  ticket?: string;
  /** True when `expires` has passed: the finding keeps its FAIL/UNKNOWN status and says so. */
  expired?: boolean;
}

export interface FindingPlace {
  field?: string;
  container?: string;
  location?: SourceRange;
}

/** The finding and one copy per merged branch, each at its own place: what a fixer must change. */
export function findingPlaces(finding: Finding): Finding[] {
  const { sameAs, ...own } = finding;
  return [
    own,
    ...(sameAs ?? []).map((place) => {
      const copy: Finding = { ...own };
      delete copy.field;
      delete copy.container;
      delete copy.location;
      return { ...copy, ...place };
    }),
  ];
}

/** Something that could not be read; never reported as compliant. */
export interface ScanError {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  region?: string;
  /** The AWS API operation, e.g. `DescribeTaskDefinition`. */
  operation?: string;
  /** The resource it concerns, when known (logical id, address, ARN). */
  resource?: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}
