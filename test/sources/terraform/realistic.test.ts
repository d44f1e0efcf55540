import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES, allStatuses, at, finding, loadModule, scanPaths, statuses } from './helpers.js';

const REALISTIC = `${FIXTURES}/realistic`;

describe('Terraform as written in public modules, evaluated as terraform plan would', () => {
  it('a container-definition module feeding a service module through outputs: resolved, reported per root', async () => {
    const result = await scanPaths([`${REALISTIC}/envs`]);
    const prod = `module.service.aws_ecs_task_definition.this[0] (root ${REALISTIC}/envs/prod)`;
    const staging = `module.service.aws_ecs_task_definition.this[0] (root ${REALISTIC}/envs/staging)`;
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.id))].sort(), [prod, staging]);
    assert.deepEqual(statuses(result, prod), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    assert.deepEqual(statuses(result, staging), allStatuses('PASS'));
    const root = finding(result, prod, 'no-root-user');
    assert.equal(root.message, 'container "app": user "0" is uid 0 (root)');
    // The value is fixed where the root passes it to the container module.
    assert.equal(at(root), `${REALISTIC}/envs/prod/main.tf:15:21`);
    assert.equal(root.resource.file, `${REALISTIC}/modules/service/main.tf`);
    assert.equal(root.resource.family, 'app-prod');
    // module "worker" { create = false }: count = 0, nothing is planned, nothing reported.
    assert.equal(result.summary.taskDefinitions, 2);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
  });

  it(
    'an agent module with feature flags in optional() objects: defaults apply, null means default, unresolved flags judge both ' +
      'branches',
    async () => {
      const result = await scanPaths([`${REALISTIC}/agent`]);
      const variables = `${REALISTIC}/agent/modules/agent/variables.tf`;
      for (const id of ['module.agent_default.aws_ecs_task_definition.agent', 'module.agent_null.aws_ecs_task_definition.agent']) {
        assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-privileged-containers': 'FAIL' }, id);
        const privileged = finding(result, id, 'no-privileged-containers');
        assert.equal(privileged.message, 'container "agent": privileged is true');
        // The optional() default that turns the probe on.
        assert.equal(at(privileged), `${variables}:23:32`);
      }
      const tuned = 'module.agent_tuned.aws_ecs_task_definition.agent';
      assert.deepEqual(statuses(result, tuned), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
      assert.equal(
        finding(result, tuned, 'no-root-user').message,
        'container "log-router": user is not set, so the container runs as the image\'s default user, which is root unless the image ' +
          'sets ' +
          'USER when condition var.features.log_collection.enabled is true',
      );
      assert.deepEqual(result.errors, []);
    },
  );

  it('data "template_file" renders its template with vars; the finding points into the template', async () => {
    const result = await scanPaths([`${REALISTIC}/template-file`]);
    const id = 'aws_ecs_task_definition.web';
    assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    const root = finding(result, id, 'no-root-user');
    assert.equal(root.message, 'container "web": user "root" is the root user');
    assert.equal(at(root), `${REALISTIC}/template-file/task-definition.json.tpl:6:13`);
    assert.deepEqual(result.errors, []);
  });

  it('data "template_file" with its template in a heredoc: the finding names the line in the .tf file, not in the template', async () => {
    const main = [
      'data "template_file" "containers" {',
      '  template = <<EOT',
      '[',
      '  {',
      '    "name": "app",',
      '    "image": "busybox",',
      '    "user": "$${user}",',
      '    "privileged": true',
      '  }',
      ']',
      'EOT',
      '  vars = { user = "1000" }',
      '}',
      'resource "aws_ecs_task_definition" "app" {',
      '  family                = "app"',
      '  container_definitions = data.template_file.containers.rendered',
      '}',
      '',
    ].join('\n');
    const { dir } = await loadModule({ 'main.tf': main });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.app';
    assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-privileged-containers': 'FAIL' });
    assert.equal(at(finding(result, id, 'no-privileged-containers')), `${dir}/main.tf:8:19`);
  });

  it('count = 0 creates nothing; for_each creates one instance per key with each.key/each.value', async () => {
    const result = await scanPaths([`${REALISTIC}/count-switch`]);
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.id))].sort(), [
      'aws_ecs_task_definition.service["api"]',
      'aws_ecs_task_definition.service["worker"]',
    ]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.service["api"]'), allStatuses('PASS'));
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.service["worker"]'), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    assert.equal(
      at(finding(result, 'aws_ecs_task_definition.service["worker"]', 'no-root-user')),
      `${REALISTIC}/count-switch/main.tf:13:61`,
    );
    assert.equal(finding(result, 'aws_ecs_task_definition.service["worker"]', 'no-root-user').resource.family, 'svc-worker');
  });

  it('the count switch turned on by --var-file plans the debug definition at index 0', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const varFile = join(mkdtempSync(join(tmpdir(), 'ecsguard-tf-debug-')), 'debug.tfvars');
    writeFileSync(varFile, 'enable_debug = true\n');
    const result = await scanPaths([`${REALISTIC}/count-switch`], [varFile]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.debug[0]'), {
      ...allStatuses('PASS'),
      'no-privileged-containers': 'FAIL',
      'no-root-user': 'FAIL',
    });
  });

  it(
    'a service module building containers through a for_each container-definition module, try() defaults and a null-stripping ' + 'for',
    async () => {
      const dir = `${REALISTIC}/service-module`;
      const result = await scanPaths([dir]);
      const id = 'module.svc.aws_ecs_task_definition.this[0]';
      assert.deepEqual([...new Set(result.findings.map((f) => f.resource.id))], [id]);
      assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-root-user': 'FAIL', 'no-privileged-containers': 'FAIL' });
      // The image digest comes from a data source: unknown, and no check reads it.
      assert.equal(at(finding(result, id, 'no-root-user')), `${dir}/main.tf:10:15`);
      assert.equal(finding(result, id, 'no-root-user').message, 'container "app": user "0" is uid 0 (root)');
      // "disabled" has create = false: the for_each filter drops it, so its privileged = true is not reported.
      assert.equal(finding(result, id, 'no-privileged-containers').message, 'container "sidecar": privileged is true');
      assert.equal(at(finding(result, id, 'no-privileged-containers')), `${dir}/main.tf:15:20`);
      assert.deepEqual(result.errors, []);
    },
  );
});
