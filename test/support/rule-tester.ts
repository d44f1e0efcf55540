/**
 * ESLint's RuleTester for ecsguard checks. One plain task definition per case
 * (ECS API shape) is written in every shape a user has and run through the
 * real sources: the model itself, task-definition JSON and YAML, DescribeTaskDefinition
 * output as a file and through the live AWS source's normalizer, CloudFormation
 * YAML and JSON, Terraform HCL (jsonencode) and a Terraform plan. Every shape
 * must give exactly the expected findings; for a fixable check, `ecsguard fix`
 * on it must give the expected fixed definition (a Terraform plan is generated,
 * so there it must be a manual fix naming the resource block).
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { findCheck } from '../../src/checks/catalogue.js';
import type { Check } from '../../src/checks/types.js';
import { evaluateTaskDefinition } from '../../src/engine/evaluate.js';
import { type EvaluatedDefinition, scan } from '../../src/engine/scan.js';
import { remediateRevision } from '../../src/remediate/account/build-plan.js';
import { absolutePath } from '../../src/fix/field-path.js';
import { applyFieldChanges } from '../../src/remediate/account/field-changes.js';
import { fixFiles } from '../../src/fix/fix-files.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions, planFixes } from '../../src/fix/strategy.js';
import type { Finding } from '../../src/model/finding.js';
import type { TaskDefinition } from '../../src/model/task-definition.js';
import { type ValueNode, toPlain } from '../../src/model/value.js';
import { cloudFormationTemplate, terraformResource, toCloudFormation } from '../../src/report/check-pages.js';
import { describedDefinition } from '../../src/sources/aws/live-source.js';
import { taskDefinition, withContainerField } from './task-definitions.js';

export type Body = Record<string, unknown>;

export const SHAPES = [
  'model',
  'json',
  'describe',
  'live',
  'yaml',
  'cloudformation-yaml',
  'cloudformation-json',
  'terraform',
  'plan',
] as const;
export type Shape = (typeof SHAPES)[number];

/** One expected finding; `message` is a fragment of the finding's message. */
export interface Expected {
  status: 'FAIL' | 'UNKNOWN' | 'NOTE' | 'ERROR';
  field?: string;
  container?: string;
  message: string;
  severity?: string;
}

export interface ValidCase {
  name: string;
  body: Body;
}

export interface InvalidCase extends ValidCase {
  findings: Expected[];
  /** Fixable checks: the definition after `ecsguard fix` (ECS API shape). Required when a finding FAILs. */
  output?: Body;
  /** Fix options (--user, --network-mode) for this case. */
  options?: Partial<FixOptions>;
}

/**
 * A value no plain definition can hold in every shape (an unresolved
 * expression, a condition), built by hand on the model.
 */
export interface ModelCase extends ValidCase {
  nodes?: Array<{ container: number; key: string; node: ValueNode }>;
  patch?: (td: TaskDefinition) => void;
  findings: Expected[];
}

const ARN = (family: unknown) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${String(family)}:3`;
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A Terraform volume/runtime_platform object in plan form: nested blocks are lists. */
function planBlock(value: Body): Body {
  const out: Body = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'host') out['host_path'] = (v as Body)['sourcePath'];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out[snake(key)] = [planBlock(v as Body)];
    else out[snake(key)] = v;
  }
  return out;
}

/** The file a shape is written as (the model and live shapes have none). */
export function render(body: Body, shape: Exclude<Shape, 'model' | 'live'>): { name: string; text: string } {
  const { containerDefinitions, volumes, runtimePlatform, ...task } = body;
  switch (shape) {
    case 'json':
      return { name: 'task-definition.json', text: `${JSON.stringify(body, null, 2)}\n` };
    case 'describe':
      return {
        name: 'describe.json',
        text:
          JSON.stringify({ taskDefinition: { taskDefinitionArn: ARN(body['family']), revision: 3, status: 'ACTIVE', ...body } }, null, 2) +
          '\n',
      };
    case 'yaml':
      // register-task-definition --cli-input-yaml; YAML 1.1 quoting, so no string reads as a boolean (`"yes"`).
      return { name: 'task-definition.yaml', text: stringify(body, { version: '1.1' }) };
    case 'cloudformation-yaml':
      return { name: 'template.yaml', text: cloudFormationTemplate(body) };
    case 'cloudformation-json': {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: { TaskDefinition: { Type: 'AWS::ECS::TaskDefinition', Properties: toCloudFormation(body) } },
      };
      return { name: 'template.json', text: `${JSON.stringify(template, null, 2)}\n` };
    }
    case 'terraform':
      return { name: 'main.tf', text: terraformResource(body) };
    case 'plan': {
      const values: Body = { pid_mode: null, ipc_mode: null, network_mode: null, volume: [], runtime_platform: [] };
      for (const [key, v] of Object.entries(task)) values[snake(key)] = v;
      values['container_definitions'] = JSON.stringify(containerDefinitions);
      values['volume'] = ((volumes as Body[] | undefined) ?? []).map(planBlock);
      if (runtimePlatform) values['runtime_platform'] = [planBlock(runtimePlatform as Body)];
      const resource = {
        address: 'aws_ecs_task_definition.this',
        mode: 'managed',
        type: 'aws_ecs_task_definition',
        name: 'this',
        provider_name: 'registry.terraform.io/hashicorp/aws',
        schema_version: 1,
        values,
      };
      return {
        name: 'plan.json',
        text:
          JSON.stringify(
            { format_version: '1.2', terraform_version: '1.9.8', planned_values: { root_module: { resources: [resource] } } },
            null,
            2,
          ) + '\n',
      };
    }
  }
}

/** The definition as compared: no read-only or null fields; a Terraform host volume in the ECS API's form. */
function canonical(plain: unknown): Body {
  const out: Body = {};
  for (const [key, value] of Object.entries(plain as Body)) {
    if (value === null || ['taskDefinitionArn', 'revision', 'status', 'tags'].includes(key)) continue;
    out[key] = value;
  }
  if (Array.isArray(out['volumes'])) {
    out['volumes'] = (out['volumes'] as Body[]).map(({ hostPath, ...rest }) =>
      hostPath === undefined ? rest : { ...rest, host: { sourcePath: hostPath } },
    );
  }
  return out;
}

interface Outcome {
  findings: Finding[];
  /** The fixed definition; undefined where the fixer must not edit (a generated plan). */
  fixed?: Body;
  manual: string[];
}

async function scanDir(dir: string, check: Check): Promise<{ findings: Finding[]; evaluated: EvaluatedDefinition[] }> {
  const evaluated: EvaluatedDefinition[] = [];
  const result = await scan({ paths: [dir], checks: [check], onEvaluated: (e) => evaluated.push(e) });
  if (result.errors.length) throw new Error(result.errors.map((e) => `${e.file ?? ''}: ${e.message}`).join('; '));
  if (evaluated.length !== 1) throw new Error(`${evaluated.length} task definitions read`);
  return { findings: result.findings, evaluated };
}

async function runShape(check: Check, body: Body, shape: Shape, options: FixOptions): Promise<Outcome> {
  if (shape === 'model') {
    const td = taskDefinition(body);
    const findings = evaluateTaskDefinition(td, [check], false);
    const plan = planFixes(td, findings, options);
    const fixed = applyFieldChanges(
      body,
      plan.changes.map((c) => ({ path: absolutePath(td, c), value: c.value })),
    );
    return { findings, fixed: canonical(fixed), manual: plan.manual.map((m) => m.reason) };
  }
  if (shape === 'live') {
    const described = { taskDefinition: { taskDefinitionArn: ARN(body['family']), revision: 3, status: 'ACTIVE', ...body }, tags: [] };
    const definition = describedDefinition(described, 'eu-west-1', '123456789012');
    let seen: EvaluatedDefinition | undefined;
    const result = await scan({
      paths: [],
      checks: [check],
      liveSources: [{ load: () => Promise.resolve({ definitions: [definition], failures: [], errors: [] }) }],
      onEvaluated: (e) => (seen = e),
    });
    if (!seen) throw new Error('live: not evaluated');
    const remediation = remediateRevision(
      { taskDefinition: seen.taskDefinition, findings: seen.findings, described: described.taskDefinition },
      options,
    );
    return {
      findings: result.findings,
      fixed: canonical(remediation.registerInput ?? described.taskDefinition),
      manual: remediation.manual,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `ecsguard-${shape}-`));
  try {
    const { name, text } = render(body, shape);
    writeFileSync(join(dir, name), text);
    const { findings } = await scanDir(dir, check);
    const fix = await fixFiles({ paths: [dir], checks: [check], fix: options });
    const manual = fix.definitions.flatMap((d) => d.manual.map((m) => m.reason));
    if (shape === 'plan') {
      assert.deepEqual(fix.changes, [], 'a Terraform plan is never edited');
      return { findings, manual };
    }
    for (const change of fix.changes) writeFileSync(change.file, change.after);
    const { evaluated } = await scanDir(dir, check);
    return { findings, fixed: canonical(toPlain((evaluated[0] as EvaluatedDefinition).taskDefinition.body)), manual };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertFindings(actual: Finding[], expected: Expected[], where: string): void {
  const seen = actual.map((f) => ({
    status: f.status,
    ...(f.field !== undefined ? { field: f.field } : {}),
    ...(f.container !== undefined ? { container: f.container } : {}),
    message: f.message,
    severity: f.severity,
  }));
  assert.equal(seen.length, expected.length, `${where}: ${JSON.stringify(seen, null, 2)}`);
  expected.forEach((e, i) => {
    const s = seen[i] as (typeof seen)[number];
    assert.equal(s.status, e.status, where);
    assert.equal(s.field, e.field, where);
    assert.equal(s.container, e.container, where);
    assert.ok(s.message.includes(e.message), `${where}: message ${JSON.stringify(s.message)} lacks ${JSON.stringify(e.message)}`);
    if (e.severity !== undefined) assert.equal(s.severity, e.severity, where);
  });
}

/** Valid bodies give no finding on any shape; invalid ones exactly these, and fix to `output`. */
export function ruleTester(checkId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[]; model?: ModelCase[] }): void {
  const check = findCheck(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  describe(`${checkId}: valid`, () => {
    for (const c of cases.valid) {
      it(c.name, async () => {
        for (const shape of SHAPES) {
          const outcome = await runShape(check, c.body, shape, DEFAULT_FIX_OPTIONS);
          assertFindings(outcome.findings, [], shape);
          if (outcome.fixed) assert.deepEqual(outcome.fixed, canonical(c.body), `${shape}: nothing to fix`);
        }
      });
    }
  });
  describe(`${checkId}: invalid`, () => {
    for (const c of cases.invalid) {
      it(c.name, async () => {
        const fails = c.findings.some((f) => f.status === 'FAIL');
        // A fixable check states what its fix writes; any other check changes nothing.
        if (check.meta.fixable && fails) assert.ok(c.output, `${checkId} is fixable: the case needs its fixed output`);
        if (!check.meta.fixable) assert.equal(c.output, undefined, `${checkId} has no automatic fix`);
        const options = { ...DEFAULT_FIX_OPTIONS, ...c.options };
        const expected = canonical(c.output ?? c.body);
        const changes = !isDeepStrictEqual(expected, canonical(c.body));
        for (const shape of SHAPES) {
          const outcome = await runShape(check, c.body, shape, options);
          assertFindings(outcome.findings, c.findings, shape);
          if (outcome.fixed) assert.deepEqual(outcome.fixed, expected, `${shape}: fixed definition`);
          else if (changes)
            assert.ok(
              outcome.manual.some((m) => m.startsWith('the Terraform plan is generated')),
              `${shape}: ${outcome.manual.join('; ')}`,
            );
        }
      });
    }
  });
  describe(`${checkId}: values only a hand-built model holds`, () => {
    for (const c of cases.model ?? []) {
      it(c.name, () => {
        let td = taskDefinition(c.body);
        for (const n of c.nodes ?? []) td = withContainerField(td, n.container, n.key, n.node);
        c.patch?.(td);
        assertFindings(evaluateTaskDefinition(td, [check], false), c.findings, 'model');
      });
    }
  });
}

/** The check's findings for `body` written in one shape (`cloudformation` is the YAML template). */
export async function findingsIn(
  checkId: string,
  body: Body,
  shape: Shape | 'cloudformation',
): Promise<Array<Pick<Finding, 'status' | 'field' | 'container' | 'message' | 'severity'>>> {
  const check = findCheck(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const { findings } = await runShape(check, body, shape === 'cloudformation' ? 'cloudformation-yaml' : shape, DEFAULT_FIX_OPTIONS);
  return findings.map((f) => ({
    status: f.status,
    ...(f.field !== undefined ? { field: f.field } : {}),
    ...(f.container !== undefined ? { container: f.container } : {}),
    message: f.message,
    severity: f.severity,
  }));
}
