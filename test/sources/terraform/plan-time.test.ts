import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { field, pathGet, toPlain } from '../../../src/model/value.js';
import { terraformHcl } from '../../../src/sources/terraform/index.js';
import { allStatuses, at, definition, finding, loadModule, scanPaths, statuses } from './helpers.js';

/** Evaluates one expression as the value of an argument, with a few locals and variables around it. */
async function value(expression: string) {
  const { output } = await loadModule({
    'main.tf': [
      'variable "unknown" {}',
      'variable "env" {',
      '  default = "prod"',
      '}',
      'locals {',
      '  map  = { b = 2, a = 1 }',
      '  list = ["x", "y", "z"]',
      '  objs = [{ n = "a" }, { n = "b" }]',
      '}',
      'resource "aws_ecs_task_definition" "t" {',
      `  pid_mode              = ${expression}`,
      '  container_definitions = jsonencode([{ name = "a" }])',
      '}',
      '',
    ].join('\n'),
  });
  assert.deepEqual(output.errors, [], expression);
  return field(definition(output, 'aws_ecs_task_definition.t').body, 'pidMode');
}

describe('Terraform standard functions, evaluated from known values', () => {
  const cases: Array<[string, unknown]> = [
    ['contains(local.list, "y")', true],
    ['contains(local.list, "q")', false],
    ['length(local.list)', 3],
    ['length(local.map)', 2],
    ['length("héllo")', 5],
    ['try(local.map.c, "fallback")', 'fallback'],
    ['try(local.map.a, "fallback")', 1],
    ['can(local.map.c)', false],
    ['can(local.map.a)', true],
    ['replace("app-prod-1", "/-(\\\\d+)$/", "_$1")', 'app-prod_1'],
    ['replace("a.b.c", ".", "/")', 'a/b/c'],
    ['regex("^(\\\\w+):(\\\\d+)$", "nginx:125")', ['nginx', '125']],
    ['regex("(?P<name>\\\\w+):(?P<tag>\\\\w+)", "nginx:latest").tag', 'latest'],
    ['format("%s-%03d", var.env, 7)', 'prod-007'],
    ['join(",", local.list)', 'x,y,z'],
    ['split(":", "1000:1000")', ['1000', '1000']],
    ['lower("ROOT")', 'root'],
    ['upper(var.env)', 'PROD'],
    ['coalesce(null, "", "first")', 'first'],
    ['lookup(local.map, "a", 0)', 1],
    ['lookup(local.map, "c", 0)', 0],
    ['merge(local.map, { c = 3 })', { b: 2, a: 1, c: 3 }],
    ['concat(local.list, ["w"])', ['x', 'y', 'z', 'w']],
    ['flatten([["a"], [["b"], "c"]])', ['a', 'b', 'c']],
    ['tomap(local.map)', { b: 2, a: 1 }],
    ['tolist(toset(["a"]))', ['a']],
    ['element(local.list, 4)', 'y'],
    ['keys(local.map)', ['a', 'b']],
    ['values(local.map)', [1, 2]],
    ['zipmap(["k1", "k2"], [1, 2])', { k1: 1, k2: 2 }],
    ['jsondecode(jsonencode({ a = [1] })).a', [1]],
    ['compact(["a", "", null])', ['a']],
    ['distinct(["a", "a", "b"])', ['a', 'b']],
    ['one(["only"])', 'only'],
    ['sort(["b", "a"])', ['a', 'b']],
    ['startswith(var.env, "pr")', true],
    ['trimprefix("root:root", "root:")', 'root'],
    ['substr("1000:1000", 0, 4)', '1000'],
    ['local.objs[*].n', ['a', 'b']],
    ['local.objs.*.n', ['a', 'b']],
    ['local.map[*].a', [1]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, async () => {
      assert.deepEqual(toPlain(await value(expression)), expected);
    });
  }

  it('an unknown argument makes the result unresolved with the reason, never a guess', async () => {
    for (const expression of [
      'contains(["a", var.unknown], "b")',
      'length(var.unknown)',
      'try(var.unknown, "x")',
      'can(var.unknown)',
      'coalesce(var.unknown, "x")',
    ]) {
      const node = await value(expression);
      assert.deepEqual(node?.kind === 'unresolved' && node.reason !== undefined, true, expression);
    }
    // A value found before the unknown one is the answer.
    assert.equal(toPlain(await value('coalesce("x", var.unknown)')), 'x');
    assert.equal(toPlain(await value('contains(["a", var.unknown], "a")')), true);
  });
});

describe('Terraform conditionals inside the value: both branches checked, never an ERROR', () => {
  it('jsonencode(cond ? [..] : [..]) and jsonencode(concat(cond ? [..] : [], [..])) with an unresolved condition', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'variable "sidecar" {',
        '  type = bool',
        '}',
        'resource "aws_ecs_task_definition" "pick" {',
        '  container_definitions = jsonencode(var.sidecar ? [{ name = "a", user = "0" }] : [{ name = "a", user = "1000" }])',
        '}',
        'resource "aws_ecs_task_definition" "concat" {',
        '  container_definitions = jsonencode(concat(var.sidecar ? [{ name = "log", privileged = true, user = "1000" }] : [], [{ name = ' +
          '"app", user = "1000" }]))',
        '}',
        'resource "aws_ecs_task_definition" "for" {',
        '  container_definitions = jsonencode([for n in ["a", "b"] : { name = n, user = var.sidecar ? "root" : "1000" }])',
        '}',
        '',
      ].join('\n'),
    });
    const result = await scanPaths([dir]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.pick'), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    assert.equal(
      finding(result, 'aws_ecs_task_definition.pick', 'no-root-user').message,
      'container "a": user "0" is uid 0 (root) when condition var.sidecar is true',
    );
    assert.equal(at(finding(result, 'aws_ecs_task_definition.pick', 'no-root-user')), `${dir}/main.tf:5:74`);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.concat'), { ...allStatuses('PASS'), 'no-privileged-containers': 'FAIL' });
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.for'), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
  });

  it('null passed to a nullable = false variable takes its default', async () => {
    const { dir } = await loadModule({ 'main.tf': 'module "m" {\n  source = "./m"\n  user   = null\n}\n' });
    mkdirSync(join(dir, 'm'));
    writeFileSync(
      join(dir, 'm', 'main.tf'),
      'variable "user" {\n  default  = "root"\n  nullable = false\n}\nresource "aws_ecs_task_definition" "t" {\n  container_definitions ' +
        '= jsonencode([{ name = "a", user = var.user }])\n}\n',
    );
    const result = await scanPaths([dir]);
    assert.equal(statuses(result, 'module.m.aws_ecs_task_definition.t')['no-root-user'], 'FAIL');
    assert.equal(at(finding(result, 'module.m.aws_ecs_task_definition.t', 'no-root-user')), `${dir}/m/main.tf:2:14`);
  });
});

describe('Terraform count and for_each', () => {
  it('count on a resource: instances [0]…[n-1] with count.index; an unresolved count keeps one unindexed instance', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'variable "n" {}',
        'resource "aws_ecs_task_definition" "two" {',
        '  count                 = 2',
        '  family                = "t-${count.index}"',
        '  container_definitions = jsonencode([{ name = "a" }])',
        '}',
        'resource "aws_ecs_task_definition" "some" {',
        '  count                 = var.n',
        '  container_definitions = jsonencode([{ name = "a" }])',
        '}',
        'resource "aws_ecs_task_definition" "none" {',
        '  for_each              = {}',
        '  container_definitions = jsonencode([{ name = "a" }])',
        '}',
        'resource "aws_ecs_task_definition" "set" {',
        '  for_each              = toset(["b", "a"])',
        '  family                = each.value',
        '  container_definitions = jsonencode([{ name = each.key }])',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(
      output.definitions.map((d) => [d.resource.id, d.resource.family ?? null]),
      [
        ['aws_ecs_task_definition.two[0]', 't-0'],
        ['aws_ecs_task_definition.two[1]', 't-1'],
        ['aws_ecs_task_definition.some', null],
        ['aws_ecs_task_definition.set["a"]', 'a'],
        ['aws_ecs_task_definition.set["b"]', 'b'],
      ],
    );
  });

  it('count and for_each on local modules: addresses per instance, and module outputs as a list or a map', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'module "c" {',
        '  source   = "./c"',
        '  for_each = { web = "1000", admin = "0" }',
        '  name     = each.key',
        '  user     = each.value',
        '}',
        'module "off" {',
        '  source = "./c"',
        '  count  = 0',
        '  name   = "off"',
        '  user   = "0"',
        '}',
        'resource "aws_ecs_task_definition" "all" {',
        '  container_definitions = jsonencode([for k, v in module.c : v.container])',
        '}',
        '',
      ].join('\n'),
    });
    mkdirSync(join(dir, 'c'));
    writeFileSync(
      join(dir, 'c', 'main.tf'),
      [
        'variable "name" {}',
        'variable "user" {}',
        'output "container" {',
        '  value = { name = var.name, image = "app", user = var.user }',
        '}',
        'resource "aws_ecs_task_definition" "own" {',
        '  container_definitions = jsonencode([{ name = var.name, user = var.user }])',
        '}',
        '',
      ].join('\n'),
    );
    const result = await scanPaths([dir]);
    assert.deepEqual([...new Set(result.findings.map((f) => f.resource.id))].sort(), [
      'aws_ecs_task_definition.all',
      'module.c["admin"].aws_ecs_task_definition.own',
      'module.c["web"].aws_ecs_task_definition.own',
    ]);
    assert.equal(statuses(result, 'module.c["admin"].aws_ecs_task_definition.own')['no-root-user'], 'FAIL');
    assert.equal(statuses(result, 'module.c["web"].aws_ecs_task_definition.own')['no-root-user'], 'PASS');
    const all = finding(result, 'aws_ecs_task_definition.all', 'no-root-user');
    assert.equal(all.message, 'container "admin": user "0" is uid 0 (root)');
    assert.equal(at(all), `${dir}/main.tf:3:38`);
    assert.deepEqual(result.errors, []);
  });

  it('module outputs keep positions; a module output the scan cannot follow is unresolved with the reason', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'module "remote" {',
        '  source = "git::https://example.com/modules.git//container"',
        '}',
        'resource "aws_ecs_task_definition" "t" {',
        '  container_definitions = module.remote.json',
        '}',
        '',
      ].join('\n'),
    });
    const list = pathGet(definition(output, 'aws_ecs_task_definition.t').body, ['containerDefinitions']);
    assert.deepEqual(list?.kind === 'unresolved' && [list.expression, list.reason], [
      'module.remote.json',
      'module "remote" (git::https://example.com/modules.git//container) is not followed: its outputs are not known offline',
    ]);
    assert.equal(output.warnings?.length, 1);
  });
});

describe('Terraform registry modules after terraform init', () => {
  it('.terraform/modules/modules.json is followed to the downloaded source', async () => {
    const { dir } = await loadModule({
      'main.tf': 'module "svc" {\n  source  = "example/ecs/aws//modules/service"\n  version = "1.0.0"\n  user    = "root"\n}\n',
    });
    const installed = join(dir, '.terraform', 'modules', 'svc', 'modules', 'service');
    mkdirSync(installed, { recursive: true });
    writeFileSync(
      join(dir, '.terraform', 'modules', 'modules.json'),
      JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          {
            Key: 'svc',
            Source: 'registry.terraform.io/example/ecs/aws//modules/service',
            Version: '1.0.0',
            Dir: '.terraform/modules/svc/modules/service',
          },
        ],
      }),
    );
    writeFileSync(
      join(installed, 'main.tf'),
      'variable "user" {}\nresource "aws_ecs_task_definition" "this" {\n  container_definitions = jsonencode([{ name = "app", user = ' +
        'var.user }])\n}\n',
    );
    const result = await scanPaths([dir]);
    assert.deepEqual(statuses(result, 'module.svc.aws_ecs_task_definition.this'), { ...allStatuses('PASS'), 'no-root-user': 'FAIL' });
    assert.equal(
      finding(result, 'module.svc.aws_ecs_task_definition.this', 'no-root-user').resource.file,
      `${dir}/.terraform/modules/svc/modules/service/main.tf`,
    );
    assert.deepEqual(result.warnings, []);
    assert.equal(result.summary.warnings, 0);
  });

  it('without it, each call not followed is a notice, counted in the summary, and the text report says so', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'module "svc" {',
        '  source  = "terraform-aws-modules/ecs/aws//modules/service"',
        '  version = "5.0.0"',
        '}',
        'module "off" {',
        '  source = "terraform-aws-modules/ecs/aws"',
        '  count  = 0',
        '}',
        '',
      ].join('\n'),
    });
    const result = await scanPaths([dir]);
    assert.deepEqual(result.warnings, [
      {
        file: `${dir}/main.tf`,
        line: 1,
        column: 1,
        resource: 'module.svc',
        message: 'module.svc (terraform-aws-modules/ecs/aws//modules/service) not followed: run terraform init, or scan a plan',
      },
    ]);
    assert.equal(result.summary.warnings, 1);
    const { textReporter } = await import('../../../src/report/text.js');
    const text = textReporter({ result, exitCode: 0 }, { color: false });
    assert.match(
      text,
      new RegExp(
        /Warnings \(1\): every check was still evaluated\n {2}.*main\.tf:1:1: module\.svc/.source +
          / \(terraform-aws-modules\/ecs\/aws\/\/modules\/service\) not followed: run terraform init, or scan a plan\n/.source,
      ),
    );
    assert.match(text, /0 task definitions checked from 1 file: 0 failed, 0 unknown, 0 not evaluated, 1 warning \(ok, exit 0\)$/);
  });
});

describe('Terraform for expressions whose if clause cannot be resolved', () => {
  it('{ for k, v in m : k => v if v != null } keeps unknown values and the literal ones around them', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'variable "image" {}',
        'variable "user" {',
        '  default = null',
        '}',
        'locals {',
        '  raw = { name = "app", image = var.image, user = var.user, privileged = true }',
        '  def = { for k, v in local.raw : k => v if v != null }',
        '}',
        'resource "aws_ecs_task_definition" "x" {',
        '  container_definitions = jsonencode([local.def])',
        '}',
        '',
      ].join('\n'),
    });
    const result = await scanPaths([dir]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.x'), {
      ...allStatuses('PASS'),
      'no-privileged-containers': 'FAIL',
      'no-root-user': 'FAIL',
    });
    assert.equal(at(finding(result, 'aws_ecs_task_definition.x', 'no-privileged-containers')), `${dir}/main.tf:6:74`);
  });

  it('a known element under an unknown condition exists only when the condition holds', async () => {
    const node = await value('[for u in ["0", "1000"] : u if var.unknown]');
    assert.equal(node?.kind, 'array');
    const first = node?.kind === 'array' ? node.items[0] : undefined;
    assert.deepEqual(first?.kind === 'conditional' && [first.condition, toPlain(first.whenTrue), first.whenFalse.kind], [
      'var.unknown',
      '0',
      'null',
    ]);
  });
});

describe('Terraform module outputs with a count or for_each that cannot be resolved', () => {
  it('are unresolved with the reason, never read as if the module had one instance', async () => {
    const { dir } = await loadModule({
      'main.tf': [
        'variable "containers" {}',
        'module "c" {',
        '  source   = "./c"',
        '  for_each = var.containers',
        '}',
        'resource "aws_ecs_task_definition" "t" {',
        '  container_definitions = jsonencode([for k, v in module.c : v.container])',
        '}',
        '',
      ].join('\n'),
    });
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'main.tf'), 'output "container" {\n  value = { name = "x", user = "0" }\n}\n');
    const result = await scanPaths([dir]);
    const f = finding(result, 'aws_ecs_task_definition.t', 'no-root-user');
    assert.equal(f.status, 'UNKNOWN');
    assert.equal(f.message, 'container definitions are [for k, v in module.c : v.container], which cannot be resolved');
    const main = join(dir, 'main.tf');
    const output = await terraformHcl.load([{ path: main, absolutePath: main, text: readFileSync(main, 'utf8') }], {});
    const list = field(definition(output, 'aws_ecs_task_definition.t').body, 'containerDefinitions');
    assert.equal(list?.kind === 'unresolved' && list.reason, 'the for_each of module "c" cannot be resolved');
  });
});
