import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeTaskDefinition } from '../../../src/model/task-definition.js';
import { field, toPlain } from '../../../src/model/value.js';
import { terraformPlan } from '../../../src/sources/terraform/index.js';
import { FIXTURES, allStatuses, at, finding, scanPaths, statuses } from './helpers.js';

const PLAN = `${FIXTURES}/plan/plan.json`;

/** A planned_values resource: the task definition aws_ecs_task_definition.x with these values. */
function plannedTaskDefinition(values: Record<string, unknown>) {
  return { address: 'aws_ecs_task_definition.x', mode: 'managed', type: 'aws_ecs_task_definition', name: 'x', values };
}

/** The resource_changes entry Terraform prints for creating aws_ecs_task_definition.x. */
function createdTaskDefinition(after: Record<string, unknown>, afterUnknown: Record<string, unknown>) {
  const change = { actions: ['create'], after, after_unknown: afterUnknown };
  return { address: 'aws_ecs_task_definition.x', mode: 'managed', type: 'aws_ecs_task_definition', name: 'x', change };
}

describe('Terraform plan JSON', () => {
  it('is detected by content', () => {
    const text = readFileSync(PLAN, 'utf8');
    assert.equal(terraformPlan.detect({ path: 'anything.json', text }), true);
    assert.equal(terraformPlan.detect({ path: 'plan.json', text: '{"format_version": "1.0", "values": {}}' }), false);
    assert.equal(terraformPlan.detect({ path: 'td.json', text: '{"containerDefinitions": []}' }), false);
    // Keys written with \\u escapes, as a JSON reader decodes them.
    assert.equal(terraformPlan.detect({ path: 'p.json', text: '{"format_version": "1.2", "resource\\u005fchanges": []}' }), true);
  });

  it('reads a plan cut down to resource_changes, without format_version, when it holds a task definition', async () => {
    // The shape of the inputs Conftest/OPA policy tests feed their rules (and of `jq '{resource_changes}' plan.json`).
    const fragment = `{
    "resource_changes": [{
        "address": "aws_ecs_task_definition.test",
        "type": "aws_ecs_task_definition",
        "change": {
            "actions": ["create"],
            "after": {
                "container_definitions": "[{\\"name\\":\\"app\\",\\"image\\":\\"nginx\\"}]",
                "cpu": "256",
                "memory": "512"
            }
        }
    }]
}
`;
    assert.equal(terraformPlan.detect({ path: 'input.json', text: fragment }), true);
    const other = '{"resource_changes": [{"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "change": {}}]}';
    assert.equal(terraformPlan.detect({ path: 'input.json', text: other }), false);
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-plan-fragment-'));
    try {
      const file = join(dir, 'input.json');
      writeFileSync(file, fragment);
      const result = await scanPaths([file]);
      const root = finding(result, 'aws_ecs_task_definition.test', 'no-root-user');
      assert.equal(root.status, 'FAIL');
      assert.equal(at(root), `${file}:8:44`);
      assert.equal(result.errors.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads planned_values, child modules and indexed addresses as Terraform prints them', async () => {
    const result = await scanPaths([PLAN]);
    const ids = [...new Set(result.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, [
      'aws_ecs_task_definition.batch[0]',
      'aws_ecs_task_definition.pending',
      'module.svc.aws_ecs_task_definition.this["api"]',
      'module.svc.aws_ecs_task_definition.this["worker"]',
    ]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.batch[0]'), {
      'no-privileged-containers': 'PASS',
      'no-root-user': 'FAIL',
      'host-network-nonroot-user': 'FAIL',
      'host-network-no-privilege': 'FAIL',
      'no-host-network': 'FAIL',
    });
    assert.deepEqual(statuses(result, 'module.svc.aws_ecs_task_definition.this["api"]'), {
      ...allStatuses('PASS'),
      'no-privileged-containers': 'FAIL',
    });
    assert.deepEqual(statuses(result, 'module.svc.aws_ecs_task_definition.this["worker"]'), allStatuses('PASS'));
    assert.deepEqual(result.errors, []);
  });

  it('points at the value inside the JSON string in the plan file', async () => {
    const result = await scanPaths([PLAN]);
    const text = readFileSync(PLAN, 'utf8');
    const user = finding(result, 'aws_ecs_task_definition.batch[0]', 'no-root-user');
    assert.equal(at(user), `${PLAN}:16:99`);
    assert.equal(text.slice(user.location?.start.offset, user.location?.end.offset), '\\"0\\"');
    const privileged = finding(result, 'module.svc.aws_ecs_task_definition.this["api"]', 'no-privileged-containers');
    assert.equal(at(privileged), `${PLAN}:101:105`);
    assert.equal(text.slice(privileged.location?.start.offset, privileged.location?.end.offset), 'true');
    assert.equal(at(finding(result, 'aws_ecs_task_definition.batch[0]', 'no-host-network')), `${PLAN}:24:29`);
  });

  it('names the .tf resource block the planned resource came from', async () => {
    const result = await scanPaths([PLAN]);
    const batch = finding(result, 'aws_ecs_task_definition.batch[0]', 'no-host-network').resource;
    assert.equal(batch.source, 'terraform-plan');
    assert.equal(batch.file, PLAN);
    assert.equal(batch.family, 'batch');
    assert.deepEqual(
      [batch.declaredAt?.file, batch.declaredAt?.start.line, batch.declaredAt?.start.column],
      [`${FIXTURES}/plan/main.tf`, 1, 1],
    );
    const api = finding(result, 'module.svc.aws_ecs_task_definition.this["api"]', 'no-privileged-containers').resource;
    assert.deepEqual([api.declaredAt?.file, api.declaredAt?.start.line], [`${FIXTURES}/plan/modules/svc/main.tf`, 1]);
  });

  it('unknown-after-apply container definitions are UNKNOWN with the address, not a pass', async () => {
    const result = await scanPaths([PLAN]);
    const s = statuses(result, 'aws_ecs_task_definition.pending');
    // networkMode is known and not host: the host-network checks need no containers to pass.
    assert.deepEqual(s, {
      ...allStatuses('UNKNOWN'),
      'host-network-nonroot-user': 'PASS',
      'host-network-no-privilege': 'PASS',
      'no-host-network': 'PASS',
    });
    assert.equal(
      finding(result, 'aws_ecs_task_definition.pending', 'no-root-user').message,
      'container definitions are aws_ecs_task_definition.pending.container_definitions, which cannot be resolved',
    );
  });

  it('a plan whose container_definitions is not JSON is an ERROR for that resource', async () => {
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [plannedTaskDefinition({ family: 'x', container_definitions: '[{"name": ' })],
        },
      },
    });
    const output = await terraformPlan.load([{ path: 'p.json', text }], {});
    assert.equal(output.definitions.length, 0);
    assert.deepEqual(
      output.failures.map((f) => [f.resource.id, f.error.message, f.error.line]),
      [['aws_ecs_task_definition.x', 'container_definitions: invalid JSON: value expected', 1]],
    );
  });
});

describe('Terraform plan: container_definitions nested past 1,000 levels', () => {
  it('is an ERROR for its resource at the bracket that opens level 1,001, and the next resource is still checked', async () => {
    // The plan's own nesting check skips strings; the JSON in this one would make the parser recurse 20,000 levels.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const root = JSON.stringify([{ name: 'app', image: 'nginx', privileged: true }]);
    const resource = (name: string, containers: string) => ({
      ...plannedTaskDefinition({ family: name, container_definitions: containers }),
      address: `aws_ecs_task_definition.${name}`,
      name,
    });
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: { root_module: { resources: [resource('deep', deep), resource('next', root)] } },
    });
    const output = await terraformPlan.load([{ path: 'p.json', text }], {});
    assert.deepEqual(
      output.failures.map((f) => [f.resource.id, f.error.message, f.error.line, f.error.column]),
      [
        [
          'aws_ecs_task_definition.deep',
          'container_definitions: nested more than 1000 levels deep ([ and {); not read',
          1,
          text.indexOf(deep) + 1001,
        ],
      ],
    );
    assert.deepEqual(
      output.definitions.map((d) => d.resource.id),
      ['aws_ecs_task_definition.next'],
    );
  });
});

describe('Terraform plan: task-level values stay known when the containers are not', () => {
  it('container_definitions known only after apply, network_mode known: networkMode is a value, the containers unresolved', async () => {
    const text = JSON.stringify(
      {
        format_version: '1.2',
        planned_values: {
          root_module: {
            resources: [plannedTaskDefinition({ family: 'x', network_mode: 'awsvpc' })],
          },
        },
        resource_changes: [createdTaskDefinition({ family: 'x', network_mode: 'awsvpc' }, { container_definitions: true })],
      },
      null,
      2,
    );
    const output = await terraformPlan.load([{ path: 'p.json', text }], {});
    assert.deepEqual(output.failures, []);
    const body = output.definitions[0]?.body;
    const mode = field(body, 'networkMode');
    assert.deepEqual(mode?.kind === 'string' && [mode.value, mode.range?.start.line], ['awsvpc', 13]);
    const list = field(body, 'containerDefinitions');
    assert.deepEqual(list?.kind === 'unresolved' && [list.expression, list.reason], [
      'aws_ecs_task_definition.x.container_definitions',
      'known only after apply',
    ]);
    const normalized = normalizeTaskDefinition(output.definitions[0]!.resource, body!);
    assert.deepEqual(normalized.problems, []);
    assert.deepEqual(
      [
        normalized.taskDefinition?.containers.length,
        normalized.taskDefinition?.unresolvedContainers?.kind,
        toPlain(normalized.taskDefinition?.networkMode),
      ],
      [0, 'unresolved', 'awsvpc'],
    );
  });
});

describe('Terraform plan: after_unknown below the top level', () => {
  it('a nested unknown value is unresolved at its own place; a key only after_unknown has points at that key', async () => {
    const values = {
      family: 'x',
      container_definitions: '[{"name":"app","image":"nginx","user":"1000"}]',
      volume: [
        { name: 'data', host_path: '/srv/data' },
        { name: 'efs', host_path: null },
      ],
      runtime_platform: [{ cpu_architecture: 'X86_64', operating_system_family: 'LINUX' }],
    };
    const text = JSON.stringify(
      {
        format_version: '1.2',
        planned_values: { root_module: { resources: [plannedTaskDefinition(values)] } },
        resource_changes: [
          createdTaskDefinition(values, {
            volume: [{}, { host_path: true }],
            runtime_platform: [{ cpu_architecture: true }],
            arn: true,
          }),
        ],
      },
      null,
      2,
    );
    const output = await terraformPlan.load([{ path: 'p.json', text }], {});
    assert.deepEqual(output.failures, []);
    const body = output.definitions[0]?.body;
    const volumes = field(body, 'volumes');
    const hostPaths = volumes?.kind === 'array' ? volumes.items.map((v) => field(field(v, 'host'), 'sourcePath')) : [];
    assert.deepEqual(
      hostPaths.map((v) => (v?.kind === 'unresolved' ? [v.expression, v.reason] : toPlain(v))),
      ['/srv/data', ['aws_ecs_task_definition.x.volume[1].host_path', 'known only after apply']],
    );
    const platform = field(body, 'runtimePlatform');
    const architecture = field(platform, 'cpuArchitecture');
    assert.deepEqual(
      architecture?.kind === 'unresolved' && architecture.expression,
      'aws_ecs_task_definition.x.runtime_platform[0].cpu_architecture',
    );
    assert.deepEqual(toPlain(field(platform, 'operatingSystemFamily')), 'LINUX');
    // The unresolved value keeps the place of the planned value it stands for (planned_values comes first).
    const planned = text.indexOf('"X86_64"');
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    assert.deepEqual(architecture?.range && [architecture.range.start.line, architecture.range.start.offset], [lineOf(planned), planned]);
    // arn is not among the planned values: it is added where after_unknown names it.
    const arnLine = text.split('\n').findIndex((line) => line.includes('"arn": true')) + 1;
    const arn = body?.entries.find((e) => e.key === 'arn');
    assert.deepEqual(arn && [arn.sourceKey, arn.keyRange?.start.line, arn.value.kind], ['arn', arnLine, 'unresolved']);
  });
});
