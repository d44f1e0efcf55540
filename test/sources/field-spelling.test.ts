import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

/** Writes the files to a fresh folder and scans it with the default checks. */
async function scanFiles(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-spelling-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = await scan({ paths: [dir], checks: CHECKS, includePassed: true });
  const status = (checkId: string) => result.findings.filter((f) => f.checkId === checkId).map((f) => f.status);
  const errors = result.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
  const warnings = (result.warnings ?? []).map((e) => `${e.line}:${e.column} ${e.message}`);
  return { status, errors, warnings };
}

describe('task-definition JSON: field names are case-sensitive, as the AWS CLI reads them', () => {
  it('a judged field in another case or misspelt is an error at the key, never a silent "not set"', async () => {
    const json =
      '{"family":"x","containerDefinitions":[{"name":"a","image":"nginx","user":"1000",\n"Privileged":true,\n"priviledged":true}]}';
    const { status, errors, warnings } = await scanFiles({ 'td.json': json });
    assert.deepEqual(errors, [
      '2:1 unknown field "Privileged": ECS field names are case-sensitive (did you mean privileged?); the AWS CLI rejects it',
      '3:1 unknown field "priviledged": not an ECS field (did you mean privileged?); reading it as "not set" could pass what was meant',
    ]);
    assert.deepEqual(warnings, []);
    // The other verdicts still stand; the check of the misspelt field is UNKNOWN, never PASS on "not set".
    assert.deepEqual(status('no-root-user'), ['PASS']);
    assert.deepEqual(status('no-privileged-containers'), ['UNKNOWN']);
  });

  it('a null in the container list is an error at its place (the AWS CLI rejects it), not a container passed over', async () => {
    const { errors } = await scanFiles({
      'td.json': '{"family":"x","containerDefinitions":[\nnull,\n{"name":"a","image":"x","user":"1000"}]}',
    });
    assert.deepEqual(errors, ['2:1 containerDefinitions[0] is null, which the AWS CLI rejects: not a container definition']);
  });

  it('another field in the wrong case is a warning; keys of user maps are data', async () => {
    const json = JSON.stringify({
      family: 'x',
      containerDefinitions: [
        { name: 'a', image: 'nginx', user: '1000', Essential: true, dockerLabels: { Privileged: 'true', USER: 'root' } },
      ],
    });
    const { errors, warnings } = await scanFiles({ 'td.json': json });
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, [
      '1:81 unknown field "Essential": ECS field names are case-sensitive (did you mean essential?); the AWS CLI rejects it',
    ]);
  });

  it('a field a hardening check reads is judged too: its misspelling or wrong case is an error', async () => {
    const json =
      '{"family":"x","containerDefinitions":[{"name":"a","image":"nginx","user":"1000",\n' +
      '"readonlyRootFileSystem":true,\n"logConfiguraton":{"logDriver":"awslogs"}}]}';
    const { status, errors, warnings } = await scanFiles({ 'td.json': json });
    assert.deepEqual(errors, [
      '2:1 unknown field "readonlyRootFileSystem": ECS field names are case-sensitive (did you mean readonlyRootFilesystem?); the AWS ' +
        'CLI rejects it',
      '3:1 unknown field "logConfiguraton": not an ECS field (did you mean logConfiguration?); reading it as "not set" could pass what ' +
        'was meant',
    ]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(status('no-privileged-containers'), ['PASS']);
  });

  it('a correctly spelt describe-task-definition output raises nothing', async () => {
    const json = JSON.stringify({
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/x:3',
        family: 'x',
        revision: 3,
        status: 'ACTIVE',
        networkMode: 'awsvpc',
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.17' }],
        compatibilities: ['EC2', 'FARGATE'],
        registeredAt: '2026-01-01T00:00:00Z',
        registeredBy: 'arn:aws:iam::111122223333:root',
        containerDefinitions: [
          { name: 'a', image: 'nginx', user: '1000', privileged: false, linuxParameters: { capabilities: { drop: ['ALL'] } } },
        ],
      },
      tags: [{ key: 'team', value: 'payments' }],
    });
    const { errors, warnings } = await scanFiles({ 'td.json': json });
    assert.deepEqual([errors, warnings], [[], []]);
  });
});

describe('Terraform container_definitions: keys as the AWS provider decodes them (case-insensitively)', () => {
  const hcl = (container: string) => `resource "aws_ecs_task_definition" "app" {
  family       = "app"
  network_mode = "awsvpc"
  container_definitions = jsonencode([
    {
${container}
    }
  ])
}
`;

  it('Privileged = true in jsonencode is privileged, because the provider reads it so', async () => {
    const { status, errors } = await scanFiles({
      'main.tf': hcl('      name = "app"\n      image = "nginx"\n      User = "1000"\n      Privileged = true'),
    });
    assert.deepEqual(status('no-privileged-containers'), ['FAIL']);
    assert.deepEqual(status('no-root-user'), ['PASS']);
    assert.deepEqual(errors, []);
  });

  it('a misspelt judged field, which the provider ignores, is an error at the key', async () => {
    const { status, errors } = await scanFiles({
      'main.tf': hcl('      name = "app"\n      image = "nginx"\n      user = "1000"\n      priviledged = true'),
    });
    assert.deepEqual(errors, [
      '9:7 unknown field "priviledged" in container_definitions: the AWS provider ignores it (did you mean privileged?)',
    ]);
    assert.deepEqual(status('no-root-user'), ['PASS']);
  });

  it('of two keys naming one field, the last wins (Go encoding/json)', async () => {
    const heredoc = `resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = <<EOF
[{"name": "app", "image": "nginx", "user": "1000", "privileged": false, "PRIVILEGED": true}]
EOF
}
`;
    const { status } = await scanFiles({ 'main.tf': heredoc });
    assert.deepEqual(status('no-privileged-containers'), ['FAIL']);
  });

  it('a plan whose container_definitions say "Privileged": true fails', async () => {
    const containers = JSON.stringify([{ name: 'app', image: 'nginx', user: '1000', Privileged: true }]);
    const plan = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'aws_ecs_task_definition.app',
              mode: 'managed',
              type: 'aws_ecs_task_definition',
              name: 'app',
              values: { family: 'app', network_mode: 'awsvpc', container_definitions: containers },
            },
          ],
        },
      },
    });
    const { status, errors } = await scanFiles({ 'plan.json': plan });
    assert.deepEqual(status('no-privileged-containers'), ['FAIL']);
    assert.deepEqual(errors, []);
  });
});
