import type { ValueNode } from '../model/value.js';
import { describeValue, field, toPlain } from '../model/value.js';
import type { ContainerDefinition, TaskDefinition } from '../model/task-definition.js';
import { NOT_EVALUATED, type PeerOutcome } from './types.js';

/**
 * A value a peer would read is not known here (a CloudFormation parameter
 * without a default, `var.user`, a condition): the peer's verdict cannot be
 * told, so the rule answers NOT_EVALUATED.
 */
export class Undecided extends Error {
  constructor(readonly expression: string) {
    super(`depends on ${expression}, which ecsguard cannot resolve`);
  }
}

/**
 * The value as plain JSON, which is what the peers read (the ECS API response,
 * Checkov's parsed HCL, Trivy's adapted state). Throws Undecided on an
 * unresolved or conditional part.
 */
export function plain(node: ValueNode | undefined): unknown {
  return toPlain(node, (unread) => {
    throw new Undecided(describeValue(unread));
  });
}

/** `plain(field(node, key))`. */
export const at = (node: ValueNode | undefined, key: string): unknown => plain(field(node, key));

/** Python truthiness, for peers written in Python that test `if container.get(...)`. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A bool field as the ECS API returns it (CloudFormation's "true"/"false" strings become booleans on registration). */
export function apiBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

export const quote = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));

/** Runs a rule body; an unresolved value it reads makes the verdict NOT_EVALUATED. */
export function decide(body: () => PeerOutcome): PeerOutcome {
  try {
    return body();
  } catch (error) {
    if (error instanceof Undecided) return NOT_EVALUATED(`the rule reads a value that ${error.message}`);
    throw error;
  }
}

/**
 * The task-level verdict of a rule that fails when any container fails: the
 * failing containers are named, as the peers list them.
 */
export function anyContainer(td: TaskDefinition, judge: (container: ContainerDefinition) => PeerOutcome, passWhy: string): PeerOutcome {
  if (td.unresolvedContainers)
    return NOT_EVALUATED(`the container list is ${describeValue(td.unresolvedContainers)}, which ecsguard cannot resolve`);
  const outcomes = td.containers.map((c) => ({ c, o: decide(() => judge(c)) }));
  const failing = outcomes.filter(({ o }) => o.verdict === 'FAIL');
  if (failing.length) return { verdict: 'FAIL', why: failing.map(({ c, o }) => `${c.name}: ${o.why}`).join('; ') };
  const undecided = outcomes.find(({ o }) => o.verdict === 'NOT_EVALUATED');
  if (undecided) return { verdict: 'NOT_EVALUATED', why: `${undecided.c.name}: ${undecided.o.why}` };
  return { verdict: 'PASS', why: passWhy };
}

export const osFamily = (td: TaskDefinition): unknown => plain(td.operatingSystemFamily);
export const isWindows = (os: unknown): boolean => typeof os === 'string' && os.toUpperCase().startsWith('WINDOWS');
