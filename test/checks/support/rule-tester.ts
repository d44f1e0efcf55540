import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCheck } from '../../../src/checks/catalogue.js';
import { evaluateTaskDefinition } from '../../../src/engine/evaluate.js';
import type { TaskDefinition } from '../../../src/model/task-definition.js';
import type { ValueNode } from '../../../src/model/value.js';
import { taskDefinition, withContainerField } from '../../support/task-definitions.js';
import { SHAPES, type Seen, type Shape, findingsIn } from './shapes.js';

type Body = Record<string, unknown>;

export interface Case {
  name: string;
  body: Body;
  /** Replaces container fields with hand-built nodes (unresolved, conditional). */
  nodes?: Array<{ container: number; key: string; node: ValueNode }>;
  /** Edits the model after normalizing (a task-level field made unresolved…). */
  patch?: (td: TaskDefinition) => void;
  /** Also scan the body through every real source and expect the same findings. */
  everyShape?: boolean;
}

export interface InvalidCase extends Case {
  /** Every finding, exactly (PASS excluded). */
  findings: Array<Omit<Seen, 'severity'> & { severity?: string }>;
}

const seen = (checkId: string, c: Case): Seen[] => {
  const check = findCheck(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  let td = taskDefinition(c.body);
  for (const n of c.nodes ?? []) td = withContainerField(td, n.container, n.key, n.node);
  c.patch?.(td);
  return evaluateTaskDefinition(td, [check], false).map((f) => ({
    status: f.status,
    ...(f.field ? { field: f.field } : {}),
    ...(f.container ? { container: f.container } : {}),
    message: f.message,
    severity: f.severity,
  }));
};

const withoutSeverity = (findings: Seen[], expected: InvalidCase['findings']) =>
  findings.map((f, i) => (expected[i]?.severity === undefined ? { ...f, severity: undefined } : f)).map((f) => JSON.parse(JSON.stringify(f)));

/** ESLint's RuleTester, for ecsguard checks: valid bodies give no finding, invalid ones exactly these. */
export function ruleTester(checkId: string, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  describe(`${checkId}: valid`, () => {
    for (const c of cases.valid) {
      it(c.name, async () => {
        assert.deepEqual(seen(checkId, c), []);
        if (c.everyShape) for (const shape of SHAPES) assert.deepEqual(await findingsIn(checkId, c.body, shape), [], shape);
      });
    }
  });
  describe(`${checkId}: invalid`, () => {
    for (const c of cases.invalid) {
      it(c.name, async () => {
        assert.deepEqual(withoutSeverity(seen(checkId, c), c.findings), c.findings);
        if (!c.everyShape) return;
        for (const shape of SHAPES as Shape[]) {
          assert.deepEqual(withoutSeverity(await findingsIn(checkId, c.body, shape), c.findings), c.findings, shape);
        }
      });
    }
  });
}
