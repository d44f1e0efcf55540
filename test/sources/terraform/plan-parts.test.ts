import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { FileSource, SourceOutput } from '../../../src/sources/source.js';
import { terraformPlan } from '../../../src/sources/terraform/index.js';
import { statuses } from './helpers.js';

/**
 * A plan of 130 task definitions, more than one part: every seventh has container_definitions that are not JSON
 * (a failure), every fifth a misspelt judged field (an error that stops no check), the others alternate root and
 * non-root users.
 */
function bigPlan(): string {
  const resources = [];
  for (let i = 0; i < 130; i++) {
    const containers =
      i % 7 === 3
        ? '[{"name": 1,'
        : i % 5 === 1
          ? JSON.stringify([{ name: 'app', user: '1000', priviliged: true }])
          : JSON.stringify([{ name: 'app', image: 'nginx', user: i % 2 === 0 ? '1000' : '0' }]);
    resources.push({
      address: `aws_ecs_task_definition.svc[${i}]`,
      mode: 'managed',
      type: 'aws_ecs_task_definition',
      name: 'svc',
      index: i,
      values: { family: `svc-${i}`, network_mode: 'awsvpc', container_definitions: containers },
    });
  }
  return JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources } } }, null, 2);
}

describe('Terraform plan read in parts', () => {
  it('the parts joined are what load() returns, each part at most 10 resources', async () => {
    const file = { path: 'plan.json', text: bigPlan() };
    const whole = await terraformPlan.load([file], {});
    const parts: SourceOutput[] = [];
    await terraformPlan.loadInParts?.([file], {}, (part) => {
      parts.push(part);
      return Promise.resolve();
    });
    assert.deepEqual(
      parts.map((p) => p.definitions.length + p.failures.length),
      Array.from({ length: 13 }, () => 10),
    );
    assert.deepEqual(
      parts.flatMap((p) => p.definitions),
      whole.definitions,
    );
    assert.deepEqual(
      parts.flatMap((p) => p.failures),
      whole.failures,
    );
    assert.deepEqual(
      parts.flatMap((p) => p.errors),
      whole.errors,
    );
    assert.equal(whole.failures.length, 19);
    assert.equal(whole.errors.length, 23);
  });

  it('the engine checks the parts as it checks the whole output: same findings, errors and order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-plan-parts-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, bigPlan());
    const whole: FileSource = { ...terraformPlan, loadInParts: undefined };
    const inParts = await scan({ paths: [path], checks: CHECKS, includePassed: true, fileSources: [terraformPlan] });
    const atOnce = await scan({ paths: [path], checks: CHECKS, includePassed: true, fileSources: [whole] });
    assert.deepEqual(inParts, atOnce);
    assert.equal(inParts.summary.taskDefinitions, 111);
    // Source errors (a misspelt field, resource by resource) come before the failures' errors, as from one output.
    assert.deepEqual(
      inParts.errors.slice(0, 2).map((e) => [e.resource, e.message.slice(0, 40)]),
      [
        ['aws_ecs_task_definition.svc[1]', 'unknown field "priviliged" in container_'],
        ['aws_ecs_task_definition.svc[6]', 'unknown field "priviliged" in container_'],
      ],
    );
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[0]')['no-root-user'], 'PASS');
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[127]')['no-root-user'], 'FAIL');
    assert.equal(statuses(inParts, 'aws_ecs_task_definition.svc[3]')['no-root-user'], 'ERROR');
  });
});
