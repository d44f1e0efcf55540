import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathGet, toPlain } from '../../../src/model/value.js';
import { FIXTURES, allStatuses, at, definition, finding, loadModule, scanPaths, statuses } from './helpers.js';

const CDKTF = `${FIXTURES}/cdktf`;

/** A .tf.json with one task definition resource whose arguments are `resource` (JSON values). */
function tfJson(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...extra, resource: { aws_ecs_task_definition: { app: resource } } }, null, 2);
}

/** `file:line:column` of the first occurrence of `needle` in `text`, as a finding names it. */
function positionOf(file: string, text: string, needle: string): string {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the text`);
  const before = text.slice(0, offset).split('\n');
  return `${file}:${before.length}:${(before[before.length - 1] as string).length + 1}`;
}

describe('Terraform JSON syntax: strings are templates where an argument takes an expression', () => {
  it('cdktf output (Fn.jsonencode): privileged, root users and host mode inside the string are FAILs at their place', async () => {
    const result = await scanPaths([CDKTF]);
    const agent = 'aws_ecs_task_definition.netmon-agent';
    assert.deepEqual(statuses(result, agent), allStatuses('FAIL'));
    assert.equal(finding(result, agent, 'no-privileged-containers').message, 'container "netmon-agent": privileged is true');
    // Line 30 is the container_definitions string; the columns are those of `true` and `\"0\"` in the file.
    assert.equal(at(finding(result, agent, 'no-privileged-containers')), `${CDKTF}/cdk.tf.json:30:165`);
    const users = result.findings.filter((f) => f.resource.id === agent && f.checkId === 'no-root-user');
    assert.deepEqual(
      users.map((f) => [f.message, at(f)]),
      [
        ['container "netmon-agent": user "0" is uid 0 (root)', `${CDKTF}/cdk.tf.json:30:182`],
        [
          'container "log-router": user is not set, so the container runs as the image\'s default user, which is root unless the ' +
            'image sets USER',
          `${CDKTF}/cdk.tf.json:30:333`,
        ],
      ],
    );
    // `"${var.environment}-netmon-agent"` is a template with text around its interpolation.
    assert.equal(finding(result, agent, 'no-root-user').resource.family, 'staging-netmon-agent');
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.web'), allStatuses('PASS'));
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.taskDefinitions, 2);
  });

  it('a string that is one interpolation is its value, unconverted; text around an interpolation makes a string', async () => {
    const text = tfJson(
      {
        family: 'api-${var.stage}',
        network_mode: '${var.mode}',
        container_definitions: '${local.containers}',
      },
      {
        variable: { stage: { default: 'prod' }, mode: { default: 'host' } },
        locals: { containers: '${jsonencode([{name = "api", image = "api:1", privileged = var.stage == "prod"}])}' },
      },
    );
    const { output } = await loadModule({ 'main.tf.json': text });
    const body = definition(output, 'aws_ecs_task_definition.app').body;
    assert.deepEqual(toPlain(body), {
      family: 'api-prod',
      networkMode: 'host',
      containerDefinitions: [{ name: 'api', image: 'api:1', privileged: true }],
    });
  });

  it('$${ is a literal ${; a variable default is literal JSON, as Terraform reads it', async () => {
    const text = tfJson(
      {
        family: 'literal',
        container_definitions: '${jsonencode([{name = "app", image = "app:1", user = var.user, command = ["echo", "$${HOME}"]}])}',
      },
      { variable: { user: { default: '${not_a_template}' } } },
    );
    const { output } = await loadModule({ 'main.tf.json': text });
    const container = pathGet(definition(output, 'aws_ecs_task_definition.app').body, ['containerDefinitions', 0]);
    assert.deepEqual(toPlain(container), { name: 'app', image: 'app:1', user: '${not_a_template}', command: ['echo', '${HOME}'] });
  });

  it('a template that does not parse is an input error at the string; no check passes on it', async () => {
    const text = tfJson({
      family: 'broken',
      network_mode: 'host',
      container_definitions: '${jsonencode([{name = "x", privileged = true}]}',
    });
    const { dir } = await loadModule({ 'main.tf.json': text });
    const result = await scanPaths([dir]);
    const file = `${dir}/main.tf.json`;
    assert.deepEqual(
      result.errors.map((e) => [`${e.file}:${e.line}:${e.column}`, e.resource, e.message]),
      [
        [
          positionOf(file, text, '"${jsonencode'),
          'aws_ecs_task_definition.app',
          'container_definitions: invalid template expression in a JSON string: ${jsonencode([{name = "x", privileged = true}]}',
        ],
      ],
    );
    const verdicts = result.findings.filter((f) => f.resource.id === 'aws_ecs_task_definition.app').map((f) => f.status);
    assert.ok(verdicts.length > 0 && !verdicts.includes('PASS'), verdicts.join(' '));
  });

  it('a value the template cannot resolve is UNKNOWN; what it can is still judged', async () => {
    const text = tfJson({
      family: 'partly',
      container_definitions:
        '${jsonencode([{name = "app", image = "app:1", privileged = true, user = data.aws_ssm_parameter.user.value}])}',
    });
    const { dir } = await loadModule({ 'main.tf.json': text });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.app';
    assert.equal(statuses(result, id)['no-privileged-containers'], 'FAIL');
    assert.equal(statuses(result, id)['no-root-user'], 'UNKNOWN');
    assert.equal(at(finding(result, id, 'no-privileged-containers')), positionOf(`${dir}/main.tf.json`, text, 'true, user'));
  });

  it('a module call in .tf.json: its source is literal, its arguments are templates evaluated in the caller', async () => {
    const root = JSON.stringify(
      {
        variable: { agent_user: { default: '0' } },
        module: { agent: { source: './modules/agent', user: '${var.agent_user}', privileged: '${true}' } },
      },
      null,
      2,
    );
    const module = [
      'variable "user" {}',
      'variable "privileged" {}',
      'resource "aws_ecs_task_definition" "agent" {',
      '  family                = "agent"',
      '  container_definitions = jsonencode([{ name = "agent", image = "agent:1", user = var.user, privileged = var.privileged }])',
      '}',
      '',
    ].join('\n');
    const { dir } = await loadModule({ 'main.tf.json': root });
    mkdirSync(`${dir}/modules/agent`, { recursive: true });
    writeFileSync(`${dir}/modules/agent/main.tf`, module);
    const result = await scanPaths([dir]);
    const id = 'module.agent.aws_ecs_task_definition.agent';
    assert.equal(statuses(result, id)['no-root-user'], 'FAIL');
    assert.equal(statuses(result, id)['no-privileged-containers'], 'FAIL');
    // The user is fixed where the root's variable gives it.
    assert.equal(at(finding(result, id, 'no-root-user')), positionOf(`${dir}/main.tf.json`, root, '"0"'));
    assert.deepEqual(result.errors, []);
  });

  it("JSON text in a template string (an interpolation in a command) is read around it, at the file's lines and columns", async () => {
    const definitions = '[{"name": "app", "image": "busybox", "privileged": true, "command": ["sh", "-c", "echo ${var.greeting}"]}]';
    const text = tfJson({ family: 'app', container_definitions: definitions }, { variable: { greeting: {} } });
    const { dir } = await loadModule({ 'main.tf.json': text });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.app';
    const file = `${dir}/main.tf.json`;
    assert.equal(at(finding(result, id, 'no-privileged-containers')), positionOf(file, text, 'true, \\"command'));
    assert.equal(at(finding(result, id, 'no-root-user')), positionOf(file, text, '{\\"name'));
    assert.deepEqual(result.errors, []);
  });

  it('a template nested past 1,000 levels is refused at its bracket, and its definition gets no verdict', async () => {
    const deep = `\${jsonencode(${'['.repeat(1500)}${']'.repeat(1500)})}`;
    const text = tfJson({ family: 'deep', container_definitions: deep });
    const { dir } = await loadModule({ 'main.tf.json': text });
    const result = await scanPaths([dir]);
    const file = `${dir}/main.tf.json`;
    // The bracket that opens level 1,001, the `{` of `${` being the first level: the 1,000th `[` of the string.
    const line = text.split('\n').findIndex((l) => l.includes('container_definitions'));
    const column = (text.split('\n')[line] as string).indexOf('[') + 1000;
    assert.deepEqual(
      result.errors.map((e) => [`${e.file}:${e.line}:${e.column}`, e.message]),
      [
        [
          `${file}:${line + 1}:${column}`,
          "container_definitions: nested more than 1000 levels deep ([ and {) in a JSON string's template; not read",
        ],
      ],
    );
    assert.deepEqual(new Set(result.findings.map((f) => f.status)), new Set(['ERROR']));
  });

  it("a variable's type written as a string applies its optional() defaults, at their place in the string", async () => {
    const text = tfJson(
      {
        family: 'agent',
        container_definitions:
          '${jsonencode([{name = "agent", image = "agent:1", user = var.agent.user, privileged = var.agent.privileged}])}',
      },
      { variable: { agent: { type: 'object({ user = optional(string, "0"), privileged = optional(bool, true) })', default: {} } } },
    );
    const { dir } = await loadModule({ 'main.tf.json': text });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.app';
    const file = `${dir}/main.tf.json`;
    assert.equal(at(finding(result, id, 'no-root-user')), positionOf(file, text, '\\"0\\"'));
    assert.equal(at(finding(result, id, 'no-privileged-containers')), positionOf(file, text, 'true) })'));
    assert.equal(finding(result, id, 'no-root-user').message, 'container "agent": user "0" is uid 0 (root)');
  });

  it('a module written in .tf.json: its outputs and its data "template_file" are read, as in a .tf file', async () => {
    const child = JSON.stringify(
      {
        variable: { user: { default: '0' } },
        data: {
          template_file: {
            containers: {
              template: '[{"name": "app", "image": "app:1", "user": "$${user}", "privileged": true}]',
              vars: { user: '${var.user}' },
            },
          },
        },
        output: { json: { value: '${data.template_file.containers.rendered}' } },
      },
      null,
      2,
    );
    const root = [
      'module "defs" {',
      '  source = "./modules/defs"',
      '}',
      'resource "aws_ecs_task_definition" "app" {',
      '  family                = "app"',
      '  container_definitions = module.defs.json',
      '}',
      '',
    ].join('\n');
    const { dir } = await loadModule({ 'main.tf': root });
    mkdirSync(`${dir}/modules/defs`, { recursive: true });
    writeFileSync(`${dir}/modules/defs/main.tf.json`, child);
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.app';
    assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-root-user': 'FAIL', 'no-privileged-containers': 'FAIL' });
    assert.equal(at(finding(result, id, 'no-privileged-containers')), positionOf(`${dir}/modules/defs/main.tf.json`, child, 'true}]'));
    assert.deepEqual(result.errors, []);
  });
});
