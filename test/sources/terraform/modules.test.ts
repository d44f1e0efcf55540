import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES, allStatuses, at, finding, loadModule, scanPaths, statuses } from './helpers.js';

describe('Terraform local modules', () => {
  const root = `${FIXTURES}/modules-root`;

  it('a module called twice is evaluated per call with the variables each call binds', async () => {
    const result = await scanPaths([root]);
    assert.deepEqual(statuses(result, 'module.api.aws_ecs_task_definition.this'), {
      ...allStatuses('PASS'),
      'no-privileged-containers': 'FAIL',
      'no-root-user': 'FAIL',
    });
    assert.deepEqual(statuses(result, 'module.worker.aws_ecs_task_definition.this'), allStatuses('PASS'));
    // The failing values are the call's arguments: that is where they are fixed.
    assert.equal(at(finding(result, 'module.api.aws_ecs_task_definition.this', 'no-privileged-containers')), `${root}/main.tf:4:16`);
    assert.equal(at(finding(result, 'module.api.aws_ecs_task_definition.this', 'no-root-user')), `${root}/main.tf:5:16`);
    const api = finding(result, 'module.api.aws_ecs_task_definition.this', 'no-root-user');
    assert.equal(api.resource.file, `${root}/modules/task/main.tf`);
    assert.equal(api.resource.family, 'api');
    assert.deepEqual(result.errors, []);
  });

  it('a directory only used as a called module is not also reported on its own', async () => {
    const result = await scanPaths([root]);
    const ids = [...new Set(result.findings.map((f) => f.resource.id))].sort();
    assert.deepEqual(ids, ['module.api.aws_ecs_task_definition.this', 'module.worker.aws_ecs_task_definition.this']);
    assert.equal(result.summary.taskDefinitions, 2);
  });

  it('scanning the module directory alone evaluates it as a root with its defaults', async () => {
    const result = await scanPaths([`${root}/modules/task`]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.this'), allStatuses('PASS'));
    // var.name has no value: the container is there, its name unknown, and that is not an error.
    assert.deepEqual(result.errors, []);
  });

  it('a missing local module is an error at the module block', async () => {
    const { output, dir } = await loadModule({ 'main.tf': 'module "gone" {\n  source = "./nowhere"\n}\n' });
    assert.deepEqual(output.errors, [{ file: `${dir}/main.tf`, line: 2, column: 3, message: `module "gone": cannot read ${dir}/nowhere` }]);
  });

  it('a registry module given containers (container_definitions, containers) is an error: its definitions got no verdict', async () => {
    const { output } = await loadModule({
      'main.tf':
        'module "svc" {\n  source = "terraform-aws-modules/ecs/aws//modules/service"\n  container_definitions = {\n' +
        '    agent = { image = "x", privileged = true }\n  }\n}\nmodule "batch" {\n  source = "git::https://example.com/ecs.git"\n' +
        '  containers = []\n}\n',
    });
    assert.deepEqual(output.warnings ?? [], []);
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.resource, e.message]),
      [
        [
          1,
          1,
          'module.svc',
          'module.svc (terraform-aws-modules/ecs/aws//modules/service) not followed, and it is given container_definitions: the ' +
            'task definitions it makes were not checked; run terraform init, or scan a plan',
        ],
        [
          7,
          1,
          'module.batch',
          'module.batch (git::https://example.com/ecs.git) not followed, and it is given containers: the task definitions it ' +
            'makes were not checked; run terraform init, or scan a plan',
        ],
      ],
    );
  });

  it('registry modules are not fetched: each call is a notice saying so, not a silent "0 task definitions"', async () => {
    const { output, dir } = await loadModule({
      'main.tf': 'module "ecs" {\n  source  = "terraform-aws-modules/ecs/aws//modules/service"\n  version = "5.0.0"\n}\n',
    });
    assert.deepEqual(output, {
      definitions: [],
      failures: [],
      errors: [],
      warnings: [
        {
          file: `${dir}/main.tf`,
          line: 1,
          column: 1,
          resource: 'module.ecs',
          message: 'module.ecs (terraform-aws-modules/ecs/aws//modules/service) not followed: run terraform init, or scan a plan',
        },
      ],
    });
  });
});

describe('Terraform module directories', () => {
  it('naming one file still reads the variables declared in its sibling files', async () => {
    const result = await scanPaths([`${FIXTURES}/modules-root/modules/task/main.tf`]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.this'), allStatuses('PASS'));
    assert.equal(result.summary.filesScanned, 1);
    assert.deepEqual(result.errors, []);
  });

  it('resources of sibling files that were not named are not reported', async () => {
    const { dir } = await loadModule({
      'main.tf': 'resource "aws_ecs_task_definition" "a" {\n  container_definitions = jsonencode([{ name = "a", user = var.user }])\n}\n',
      'other.tf':
        'variable "user" {\n  default = "0"\n}\nresource "aws_ecs_task_definition" "b" {\n  container_definitions = jsonencode([{ name = ' +
        '"b" }])\n}\n',
    });
    const result = await scanPaths([`${dir}/main.tf`]);
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.id))], ['aws_ecs_task_definition.a']);
    assert.equal(at(finding(result, 'aws_ecs_task_definition.a', 'no-root-user')), `${dir}/other.tf:2:13`);
  });
});

describe('Terraform registry modules through the CLI', () => {
  it('a registry module given container definitions: an input error at the call (exit 2), in text and JSON', async () => {
    const { runCli } = await import('../../support/cli.js');
    const dir = `${FIXTURES}/registry-only`;
    const message =
      'module.ecs_service (terraform-aws-modules/ecs/aws//modules/service) not followed, and it is given ' +
      'container_definitions: the task definitions it makes were not checked; run terraform init, or scan a plan';
    const text = await runCli(['scan', dir]);
    assert.equal(text.code, 2);
    assert.equal(text.stderr, '');
    assert.equal(
      text.stdout,
      [
        'Input errors (1): what these name was not read, or not fully checked',
        `  ${dir}/main.tf:1:1: ${message}`,
        '',
        '0 task definitions checked from 1 file: 0 failed, 0 unknown, 0 not evaluated, 1 input error (incomplete, exit 2)',
        '',
      ].join('\n'),
    );
    const report = JSON.parse((await runCli(['scan', dir, '--format', 'json'])).stdout);
    assert.deepEqual(report.errors, [
      { file: `${dir}/main.tf`, line: 1, column: 1, region: null, operation: null, resource: 'module.ecs_service', message },
    ]);
    assert.deepEqual([report.summary.errors, report.summary.warnings, report.summary.exitCode], [1, 0, 2]);
  });
});
