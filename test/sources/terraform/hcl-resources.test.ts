import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathGet, toPlain } from '../../../src/model/value.js';
import { FIXTURES, allStatuses, at, definition, finding, loadModule, scanPaths, statuses } from './helpers.js';

describe('Terraform HCL: seeds', () => {
  it('seed 000: host mode with a non-root user passes the host checks but fails no-host-network', async () => {
    const result = await scanPaths([`${FIXTURES}/seed-000`]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.secure_host_mode'), {
      ...allStatuses('PASS'),
      'no-host-network': 'FAIL',
    });
    assert.equal(at(finding(result, 'aws_ecs_task_definition.secure_host_mode', 'no-host-network')), `${FIXTURES}/seed-000/main.tf:4:30`);
    // No user in the awsvpc variant: root by default, but not in host mode.
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.secure_awsvpc_mode'), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    assert.equal(at(finding(result, 'aws_ecs_task_definition.secure_awsvpc_mode', 'no-root-user')), `${FIXTURES}/seed-000/main.tf:37:5`);
    assert.deepEqual(result.errors, []);
  });

  it('seed 004: the hardened definition passes everything although its image and family are variables without values', async () => {
    const result = await scanPaths([`${FIXTURES}/seed-004`]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.this'), allStatuses('PASS'));
    assert.equal(result.summary.taskDefinitions, 1);
    assert.deepEqual(result.errors, []);
  });

  it('resource refs carry the address, the file and a literal family', async () => {
    const result = await scanPaths([`${FIXTURES}/seed-000`]);
    assert.deepEqual(finding(result, 'aws_ecs_task_definition.secure_host_mode', 'no-host-network').resource, {
      kind: 'file',
      source: 'terraform',
      id: 'aws_ecs_task_definition.secure_host_mode',
      file: `${FIXTURES}/seed-000/main.tf`,
      family: 'my-secure-task',
    });
  });
});

describe('Terraform HCL: container_definitions forms and positions', () => {
  const file = `${FIXTURES}/forms/main.tf`;

  it("privileged = true inside jsonencode fails at the value (not Checkov's `privilege` key)", async () => {
    const { output } = await loadModule({
      'main.tf':
        'resource "aws_ecs_task_definition" "x" {\n  container_definitions = jsonencode([{\n    name       = "app"\n    privileged = ' +
        'true\n  }])\n}\n',
    });
    const td = definition(output, 'aws_ecs_task_definition.x');
    const privileged = pathGet(td.body, ['containerDefinitions', 0, 'privileged']);
    assert.equal(privileged?.kind, 'boolean');
    assert.equal(privileged?.syntax, 'hcl');
    assert.deepEqual([privileged?.range?.start.line, privileged?.range?.start.column, privileged?.range?.end.column], [4, 18, 22]);
    const result = await scanPaths([`${FIXTURES}/errors/main.tf`]);
    assert.equal(statuses(result, 'aws_ecs_task_definition.good')['no-privileged-containers'], 'FAIL');
    assert.equal(at(finding(result, 'aws_ecs_task_definition.good', 'no-privileged-containers')), `${FIXTURES}/errors/main.tf:20:84`);
  });

  it('heredoc JSON points at the line inside the .tf file', async () => {
    const result = await scanPaths([`${FIXTURES}/forms`]);
    const f = finding(result, 'aws_ecs_task_definition.heredoc', 'no-privileged-containers');
    assert.equal(f.status, 'FAIL');
    assert.equal(at(f), `${file}:12:19`);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.slice(f.location?.start.offset, f.location?.end.offset), 'true');
  });

  it('a flush heredoc (<<-EOT) keeps exact columns', async () => {
    const result = await scanPaths([`${FIXTURES}/forms`]);
    const f = finding(result, 'aws_ecs_task_definition.flush_heredoc', 'no-root-user');
    assert.equal(f.status, 'FAIL');
    assert.equal(f.message, 'container "agent": user "0" is uid 0 (root)');
    assert.equal(at(f), `${file}:26:17`);
    assert.equal(statuses(result, 'aws_ecs_task_definition.flush_heredoc')['host-network-nonroot-user'], 'FAIL');
  });

  it('a quoted JSON string maps escaped characters back to the file', async () => {
    const result = await scanPaths([`${FIXTURES}/forms`]);
    const f = finding(result, 'aws_ecs_task_definition.quoted', 'no-privileged-containers');
    assert.equal(f.status, 'FAIL');
    assert.equal(at(f), `${file}:34:93`);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.slice(f.location?.start.offset, f.location?.end.offset), 'true');
  });

  it('file() findings name the JSON file and point inside it', async () => {
    const result = await scanPaths([`${FIXTURES}/forms`]);
    const f = finding(result, 'aws_ecs_task_definition.from_file', 'no-privileged-containers');
    assert.equal(f.status, 'FAIL');
    assert.equal(at(f), `${FIXTURES}/forms/containers.json:5:19`);
    assert.equal(f.resource.file, file);
  });

  it('templatefile() substitutes literal variables and points into the template', async () => {
    const result = await scanPaths([`${FIXTURES}/forms`]);
    const f = finding(result, 'aws_ecs_task_definition.from_template', 'no-root-user');
    assert.equal(f.status, 'FAIL');
    assert.equal(f.message, 'container "templated": user "root" is the root user');
    assert.equal(at(f), `${FIXTURES}/forms/containers.json.tpl:5:13`);
    assert.equal(statuses(result, 'aws_ecs_task_definition.from_template')['no-privileged-containers'], 'PASS');
  });

  it('templatefile() reads a template whose last line has no line break, and keeps its positions', async () => {
    for (const ending of ['', '\n']) {
      const { output, dir } = await loadModule({
        'main.tf':
          'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n' +
          '  container_definitions = templatefile("${path.module}/template.json", { privileged = true })\n}\n',
        'template.json': `[{\n  "name": "agent",\n  "image": "x",\n  "privileged": \${privileged}\n}]${ending}`,
      });
      assert.deepEqual(output.errors, []);
      const body = definition(output, 'aws_ecs_task_definition.t').body;
      const privileged = pathGet(body, ['containerDefinitions', 0, 'privileged']);
      assert.deepEqual(toPlain(privileged), true);
      assert.equal(`${privileged?.range?.file}:${privileged?.range?.start.line}`, `${dir}/template.json:4`);
    }
  });

  it('a for expression over an object iterates in lexical key order, as Terraform does', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'locals {',
        '  containers = {',
        '    b_web   = { image = "nginx", user = "101" }',
        '    A_agent = { image = "dd", user = "1000", privileged = true }',
        '    a_tool  = { image = "tool" }',
        '  }',
        '}',
        'resource "aws_ecs_task_definition" "ordered" {',
        '  family                = "ordered"',
        '  container_definitions = jsonencode([for k, v in local.containers : merge(v, { name = k })])',
        '}',
        '',
      ].join('\n'),
    });
    const containers = pathGet(definition(output, 'aws_ecs_task_definition.ordered').body, ['containerDefinitions']);
    assert.deepEqual(
      (toPlain(containers) as Array<{ name: string }>).map((c) => c.name),
      ['A_agent', 'a_tool', 'b_web'],
    );
  });

  it('maps resource arguments to ECS keys and keeps every field', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'resource "aws_ecs_task_definition" "x" {',
        '  family                   = "web"',
        '  network_mode             = "bridge"',
        '  pid_mode                 = "task"',
        '  ipc_mode                 = "none"',
        '  requires_compatibilities = ["EC2"]',
        '  execution_role_arn       = "arn:aws:iam::123456789012:role/exec"',
        '  count                    = 1',
        '  tags = { Team = "web", "cost-center" = "42" }',
        '  runtime_platform {',
        '    operating_system_family = "LINUX"',
        '    cpu_architecture        = "ARM64"',
        '  }',
        '  volume {',
        '    name      = "data"',
        '    host_path = "/data"',
        '  }',
        '  volume {',
        '    name = "tmp"',
        '  }',
        '  container_definitions = jsonencode([{ name = "app", image = "nginx", readonlyRootFilesystem = true }])',
        '}',
        '',
      ].join('\n'),
    });
    // count = 1: one instance, addressed as Terraform does; the meta-argument is not part of the body.
    const body = definition(output, 'aws_ecs_task_definition.x[0]').body;
    assert.deepEqual(toPlain(body), {
      family: 'web',
      networkMode: 'bridge',
      pidMode: 'task',
      ipcMode: 'none',
      requiresCompatibilities: ['EC2'],
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      tags: [
        { key: 'Team', value: 'web' },
        { key: 'cost-center', value: '42' },
      ],
      containerDefinitions: [{ name: 'app', image: 'nginx', readonlyRootFilesystem: true }],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
      volumes: [{ name: 'data', host: { sourcePath: '/data' } }, { name: 'tmp' }],
    });
    assert.equal(body.entries.find((e) => e.key === 'networkMode')?.sourceKey, 'network_mode');
  });
});

describe('Terraform JSON syntax (.tf.json)', () => {
  it('reads literal values with positions; a template naming an undeclared local is unresolved', async () => {
    const text = JSON.stringify(
      {
        resource: {
          aws_ecs_task_definition: {
            web: {
              family: 'web',
              network_mode: 'host',
              runtime_platform: { operating_system_family: 'LINUX' },
              container_definitions: '[{"name": "web", "privileged": true, "user": "1000"}]',
            },
            templated: { family: 'templated', container_definitions: '${jsonencode(local.containers)}' },
          },
        },
      },
      null,
      2,
    );
    const { output, dir } = await loadModule({ 'main.tf.json': text });
    const web = definition(output, 'aws_ecs_task_definition.web');
    assert.deepEqual(toPlain(web.body), {
      family: 'web',
      networkMode: 'host',
      containerDefinitions: [{ name: 'web', privileged: true, user: '1000' }],
      runtimePlatform: { operatingSystemFamily: 'LINUX' },
    });
    const privileged = pathGet(web.body, ['containerDefinitions', 0, 'privileged']);
    assert.equal(privileged?.range?.file, `${dir}/main.tf.json`);
    assert.equal(text.slice(privileged?.range?.start.offset, privileged?.range?.end.offset), 'true');
    // A string with `${…}` is a template, evaluated as Terraform would (test/sources/terraform/tf-json-templates.test.ts).
    const templated = pathGet(definition(output, 'aws_ecs_task_definition.templated').body, ['containerDefinitions']);
    assert.deepEqual(templated?.kind === 'unresolved' && [templated.expression, templated.reason], [
      'local.containers',
      'local value "containers" is not declared',
    ]);
  });
});
