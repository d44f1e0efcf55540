import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathGet } from '../../../src/model/value.js';
import { allStatuses, at, definition, finding, loadModule, scanPaths, statuses } from './helpers.js';

const HEREDOC = [
  'variable "image_tag" {}',
  'resource "aws_ecs_task_definition" "t" {',
  '  family = "t"',
  '  container_definitions = <<EOF',
  '[{"name": "app", "image": "nginx:${var.image_tag}", "privileged": true, "user": "root"}]',
  'EOF',
  '}',
  '',
].join('\n');

describe('Terraform templates with unresolved interpolations: literal values are still judged', () => {
  it('a heredoc with an unresolved ${…} in the image fails privileged and root at line 5', async () => {
    const { dir } = await loadModule({ 'main.tf': HEREDOC });
    const result = await scanPaths([dir]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.t'), {
      'no-privileged-containers': 'FAIL',
      'no-root-user': 'FAIL',
      'host-network-nonroot-user': 'PASS',
      'host-network-no-privilege': 'PASS',
      'no-host-network': 'PASS',
    });
    assert.equal(at(finding(result, 'aws_ecs_task_definition.t', 'no-privileged-containers')), `${dir}/main.tf:5:67`);
    assert.equal(at(finding(result, 'aws_ecs_task_definition.t', 'no-root-user')), `${dir}/main.tf:5:81`);
    assert.equal(finding(result, 'aws_ecs_task_definition.t', 'no-root-user').message, 'container "app": user "root" is the root user');
    assert.deepEqual(result.errors, []);
  });

  it('the string the interpolation writes is unresolved in place, with the text as written', async () => {
    const { output } = await loadModule({ 'main.tf': HEREDOC });
    const image = pathGet(definition(output, 'aws_ecs_task_definition.t').body, ['containerDefinitions', 0, 'image']);
    assert.deepEqual(image?.kind === 'unresolved' && [image.expression, image.reason, image.range?.start.line, image.range?.start.column], [
      'nginx:${var.image_tag}',
      'variable "image_tag" has no default and no value is set',
      5,
      27,
    ]);
  });

  it('a quoted JSON string: an unresolved value outside a JSON string is UNKNOWN only for the check that reads it', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'variable "priv" {}',
        'variable "name" {}',
        'resource "aws_ecs_task_definition" "q" {',
        '  container_definitions = "[{\\"name\\": \\"${var.name}\\", \\"privileged\\": ${var.priv}, \\"user\\": \\"0\\"}]"',
        '}',
        '',
      ].join('\n'),
    });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.q';
    assert.equal(statuses(result, id)['no-root-user'], 'FAIL');
    assert.equal(at(finding(result, id, 'no-root-user')), `${dir}/main.tf:4:96`);
    const privileged = finding(result, id, 'no-privileged-containers');
    assert.equal(privileged.status, 'UNKNOWN');
    // The container's unresolved name is shown as its expression, not as "#0".
    assert.equal(privileged.message, 'container "var.name": privileged is var.priv, which cannot be resolved');
  });

  it('an interpolation that writes a whole container leaves the literal containers judged and the list UNKNOWN', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'variable "sidecar" {}',
        'resource "aws_ecs_task_definition" "l" {',
        '  container_definitions = <<-EOT',
        '    [{"name": "app", "user": "1000", "privileged": false}, ${var.sidecar}]',
        '  EOT',
        '}',
        '',
      ].join('\n'),
    });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.l';
    // No network_mode: not host, so the host-network checks need no container.
    assert.deepEqual(statuses(result, id), {
      'no-privileged-containers': 'UNKNOWN',
      'no-root-user': 'UNKNOWN',
      'host-network-nonroot-user': 'PASS',
      'host-network-no-privilege': 'PASS',
      'no-host-network': 'PASS',
    });
    assert.equal(finding(result, id, 'no-root-user').message, 'container definitions are var.sidecar, which cannot be resolved');
  });

  it('an interpolation that writes JSON structure (a fragment) leaves the whole value unresolved, not an error', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'variable "extra" {}',
        'resource "aws_ecs_task_definition" "f" {',
        '  container_definitions = <<EOF',
        '[{"name": "app", ${var.extra} "user": "0"}]',
        'EOF',
        '}',
        '',
      ].join('\n'),
    });
    const list = pathGet(definition(output, 'aws_ecs_task_definition.f').body, ['containerDefinitions']);
    assert.equal(list?.kind, 'unresolved');
    assert.deepEqual(output.failures, []);
    assert.deepEqual(output.errors, []);
  });

  it('a known ${jsonencode(…)} is written as its JSON text', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'locals {',
        '  env = [{ name = "A", value = "1" }]',
        '}',
        'resource "aws_ecs_task_definition" "j" {',
        '  container_definitions = <<EOF',
        '[{"name": "app", "environment": ${jsonencode(local.env)}, "user": "0"}]',
        'EOF',
        '}',
        '',
      ].join('\n'),
    });
    const env = pathGet(definition(output, 'aws_ecs_task_definition.j').body, ['containerDefinitions', 0, 'environment', 0, 'value']);
    assert.equal(env?.kind === 'string' && env.value, '1');
  });
});

describe('templatefile() with a variable the call does not give', () => {
  it('says so as Terraform does, keeps the literal FAIL, and never shows internal text', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'resource "aws_ecs_task_definition" "tpl" {',
        '  family                = "tpl"',
        '  container_definitions = templatefile("${path.module}/c.json.tpl", { image = "nginx" })',
        '}',
        '',
      ].join('\n'),
      'c.json.tpl': '[{"name": "app", "image": "${image}", "privileged": ${priv}, "user": "root"}]\n',
    });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.tpl';
    assert.equal(statuses(result, id)['no-root-user'], 'FAIL');
    assert.equal(at(finding(result, id, 'no-root-user')), `${dir}/c.json.tpl:1:70`);
    const privileged = finding(result, id, 'no-privileged-containers');
    assert.equal(privileged.status, 'UNKNOWN');
    assert.equal(privileged.message, 'container "app": privileged is priv, which cannot be resolved');
    assert.deepEqual(result.errors, [
      { file: `${dir}/c.json.tpl`, line: 1, column: 55, message: 'templatefile: variable `priv` is not given', resource: id },
    ]);
    assert.ok(!JSON.stringify(result).includes('ECSGUARD'));
  });

  it('a template that cannot be decoded as JSON is named by the call', async () => {
    const { output } = await loadModule({
      'main.tf': 'resource "aws_ecs_task_definition" "t" {\n  container_definitions = templatefile("c.tpl", {})\n}\n',
      'c.tpl': '[${containers}]\n',
    });
    const list = pathGet(definition(output, 'aws_ecs_task_definition.t').body, ['containerDefinitions', 0]);
    assert.deepEqual(list?.kind === 'unresolved' && [list.expression, list.reason], [
      'containers',
      'templatefile: variable `containers` is not given',
    ]);
  });
});

describe('template directives: %{ for } and %{ if } in templates', () => {
  const main = [
    'variable "debug" {}',
    'resource "aws_ecs_task_definition" "t" {',
    '  container_definitions = templatefile("${path.module}/c.json.tpl", { sidecars = ["log", "trace"], router_user = "0", logs = true, ' +
      'debug = var.debug })',
    '}',
    '',
  ].join('\n');
  const template = [
    '[',
    '%{ for name in sidecars ~}',
    '  {"name": "${name}", "user": "1000"},',
    '%{ endfor ~}',
    '%{ if logs ~}',
    '  {"name": "router", "user": "${router_user}"},',
    '%{ endif ~}',
    '%{ if debug ~}',
    '  {"name": "shell", "privileged": true, "user": "1000"},',
    '%{ endif ~}',
    '  {"name": "agent", "user": "1000"}',
    ']',
    '',
  ].join('\n');

  it('a known for and if are expanded; an unresolved if keeps both texts, judged as a conditional', async () => {
    const { dir } = await loadModule({ 'main.tf': main, 'c.json.tpl': template });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.t';
    assert.deepEqual(statuses(result, id), { ...allStatuses('PASS'), 'no-root-user': 'FAIL', 'no-privileged-containers': 'FAIL' });
    const root = finding(result, id, 'no-root-user');
    // The router is in both texts of the %{ if }: whether the report names the condition is the engine's choice.
    assert.match(root.message, /^container "router": user "0" is uid 0 \(root\)( when condition debug is (true|false))?$/);
    assert.equal(at(root), `${dir}/c.json.tpl:6:30`);
    const privileged = finding(result, id, 'no-privileged-containers');
    assert.equal(privileged.message, 'container "shell": privileged is true when condition debug is true');
    assert.equal(at(privileged), `${dir}/c.json.tpl:9:35`);
    assert.deepEqual(result.errors, []);
  });

  it('the expanded for writes one container per item, with the strip markers applied', async () => {
    const { output } = await loadModule({ 'main.tf': main.replace('debug = var.debug', 'debug = false'), 'c.json.tpl': template });
    const list = pathGet(definition(output, 'aws_ecs_task_definition.t').body, ['containerDefinitions']);
    assert.deepEqual(
      list?.kind === 'array' &&
        list.items.map((c) =>
          c.kind === 'object'
            ? c.entries.map((e) => (e.key === 'name' && e.value.kind === 'string' ? e.value.value : '')).join('')
            : c.kind,
        ),
      ['log', 'trace', 'router', 'agent'],
    );
  });
});
describe('Terraform templates read into templates: the holes of a local heredoc travel with its text', () => {
  const files = {
    'main.tf': [
      'variable "tag" {}',
      'variable "log_configuration" {}',
      'locals {',
      '  router = <<EOF',
      '  { "name": "log_router", "image": "fluent-bit:${var.tag}", "user": "0" }',
      'EOF',
      '  agent = <<EOF',
      '  { "name": "agent", "image": "dd", ${var.log_configuration} }',
      'EOF',
      '}',
      'resource "aws_ecs_task_definition" "t" {',
      '  family                = "t"',
      '  container_definitions = <<DEFINITION',
      '[',
      '  ${local.router},',
      '  { "name": "app", "image": "app", "user": "1000", "privileged": false },',
      '  ${local.agent}',
      ']',
      'DEFINITION',
      '}',
      '',
    ].join('\n'),
  };

  it("judges every container the holes do not write: the router's user, the app; the agent with a member hole is UNKNOWN", async () => {
    const { dir } = await loadModule({ 'main.tf': files['main.tf'] });
    const result = await scanPaths([dir]);
    const id = 'aws_ecs_task_definition.t';
    const byContainer = result.findings
      .filter((f) => f.resource.id === id && f.status !== 'PASS')
      .map((f) => `${f.status} ${f.checkId} ${f.container ?? '-'} ${f.location?.start.line}`);
    assert.deepEqual(byContainer, [
      'FAIL no-root-user log_router 15',
      'UNKNOWN no-privileged-containers - 17',
      'UNKNOWN no-root-user - 17',
    ]);
    const unknown = finding(result, id, 'no-privileged-containers');
    // Named by the hole, not the whole heredoc quoted.
    assert.equal(unknown.message, 'container definitions are ${var.log_configuration}, which cannot be resolved');
    assert.deepEqual(result.errors, []);
  });
});
