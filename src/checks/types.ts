import type { EffectiveUser } from '../model/effective-user.js';
import type { Severity } from '../model/finding.js';
import type { CheckContext, ProposedFix } from '../model/proposed-fix.js';
import type { ContainerDefinition, TaskDefinition } from '../model/task-definition.js';
import type { ValueNode } from '../model/value.js';

export interface Remediation {
  /** One sentence: what to change. */
  summary: string;
  console: string[];
  cli: string;
  cloudformation: string;
  terraform: string;
}

/** Where the same control lives in the tools users already run. */
export interface Mappings {
  prowler: string[];
  securityHub: string[];
  awsConfig: string[];
  /** CIS AWS Compute Services Benchmark v1.1.0 recommendation numbers. */
  cis: string[];
  checkov: string[];
}

export interface CheckMeta {
  /** Public, stable id. */
  id: string;
  title: string;
  severity: Severity;
  description: string;
  risk: string;
  /** Exactly which values pass and which fail, including absent fields. */
  semantics: string;
  remediation: Remediation;
  references: string[];
  mappings: Mappings;
  /** Whether `ecsguard fix` can remediate it: its violations carry a `fix`. */
  fixable: boolean;
  /**
   * The fix option that asks for this check's fix even when the check is not
   * selected (`--drop-capabilities` → `dropCapabilities`).
   */
  fixOption?: 'dropCapabilities' | 'readonlyRoot';
  /**
   * Whether a plain `ecsguard scan` runs it. Hardening checks that most real
   * task definitions fail are opt-in (`--checks hardening`, `--checks all`, or by id)
   * so that upgrading never breaks a pipeline that gated on the host-breach checks.
   * Absent means true.
   */
  default?: boolean;
  /** A failing and a passing task definition (ECS API shape) for the check's page; tests hold both to their verdicts. */
  examples?: { failing: Record<string, unknown>; passing: Record<string, unknown> };
}

/**
 * One reason a task definition does not pass a check. ERROR: a part the check
 * needs could not be read (a container that is not an object), so no verdict.
 */
export interface Violation {
  status: 'FAIL' | 'UNKNOWN' | 'NOTE' | 'ERROR';
  message: string;
  /** The ECS field path, e.g. `containerDefinitions[0].user`. */
  field: string;
  /** The same path as keys from the task definition: `['containerDefinitions', '0', 'user']`. */
  fieldPath: string[];
  container?: ContainerDefinition;
  /** The offending value; absent when the problem is a missing field. */
  node?: ValueNode;
  /** Overrides the check's severity for this finding (a read-only host mount is less severe than a writable one). */
  severity?: Severity;
  /** The same verdict on other branches of a conditional container list, merged into this one. */
  sameAs?: Array<{ field: string; container: ContainerDefinition; node?: ValueNode }>;
  /** Whom the container runs as and where that came from (user checks, when image users were resolved). */
  effectiveUser?: EffectiveUser;
  /**
   * FAIL: the changes that fix it (in every place of `sameAs` too), built by the
   * check while it holds the nodes, with their warnings and what it cannot change.
   * Absent: the check has no automatic fix.
   */
  fix?: ProposedFix;
  /** UNKNOWN: what the unresolved value should be made, e.g. `make it false`. */
  advice?: string;
}

/**
 * A check: metadata plus a pure function over the normalized model. The context
 * carries the fix options (the user to write, the network mode to switch to);
 * without it the defaults apply.
 */
export interface Check {
  meta: CheckMeta;
  evaluate(taskDefinition: TaskDefinition, context?: CheckContext): Violation[];
  /** What a PASS (`--include-passed`) says: why nothing was found. */
  passMessage(taskDefinition: TaskDefinition): string;
}
