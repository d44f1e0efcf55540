import type { EffectiveUser } from '../model/effective-user.js';
import type { Severity } from '../model/finding.js';
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
  /** Whether `ecsguard fix` can remediate it. */
  fixable: boolean;
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
  container?: ContainerDefinition;
  /** The offending value; absent when the problem is a missing field. */
  node?: ValueNode;
  /** The same verdict on other branches of a conditional container list, merged into this one. */
  sameAs?: Array<{ field: string; container: ContainerDefinition; node?: ValueNode }>;
  /** Whom the container runs as and where that came from (user checks, when image users were resolved). */
  effectiveUser?: EffectiveUser;
}

/** A check: metadata plus a pure function over the normalized model. */
export interface Check {
  meta: CheckMeta;
  evaluate(taskDefinition: TaskDefinition): Violation[];
  /** What a PASS (`--include-passed`) says: why nothing was found. */
  passMessage(taskDefinition: TaskDefinition): string;
}
