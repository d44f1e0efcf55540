import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { field, pathGet, toPlain } from '../../../src/model/value.js';
import { FIXTURES, at, definition, finding, loadModule, scanPaths, statuses } from './helpers.js';

describe('Terraform variables: defaults, tfvars and --var-file', () => {
  it('terraform.tfvars overrides defaults, *.auto.tfvars override terraform.tfvars in name order', async () => {
    const result = await scanPaths([`${FIXTURES}/tfvars`]);
    const id = 'aws_ecs_task_definition.app';
    // user: default "1000" < terraform.tfvars "0" < a.auto.tfvars "root"
    const root = finding(result, id, 'no-root-user');
    assert.equal(root.status, 'FAIL');
    assert.equal(root.message, 'container "app": user "root" is the root user');
    assert.equal(at(root), `${FIXTURES}/tfvars/a.auto.tfvars:1:8`);
    // network_mode: default "awsvpc" < terraform.tfvars "bridge" < b.auto.tfvars "host"
    assert.equal(at(finding(result, id, 'no-host-network')), `${FIXTURES}/tfvars/b.auto.tfvars:1:16`);
    assert.equal(statuses(result, id)['no-privileged-containers'], 'PASS');
    assert.deepEqual(result.errors, []);
  });

  it('--var-file overrides the auto-loaded files', async () => {
    const result = await scanPaths([`${FIXTURES}/tfvars`], [`${FIXTURES}/tfvars-extra/secure.tfvars.json`]);
    const s = statuses(result, 'aws_ecs_task_definition.app');
    assert.equal(s['no-root-user'], 'PASS');
    assert.equal(s['no-host-network'], 'PASS');
  });

  it('an unreadable --var-file is an error, not ignored', async () => {
    const result = await scanPaths([`${FIXTURES}/tfvars`], ['does/not/exist.tfvars']);
    assert.deepEqual(result.errors, [{ file: 'does/not/exist.tfvars', message: 'cannot read the --var-file: ENOENT' }]);
  });

  it('a --var-file with a missing value: a syntax error, and the value it leaves is named as missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsguard-tfvars-'));
    const broken = join(dir, 'broken.tfvars');
    writeFileSync(broken, 'privileged = \n');
    const result = await scanPaths([`${FIXTURES}/tfvars`], [broken]);
    assert.deepEqual(
      result.errors.map((e) => [e.file, e.line, e.message]),
      [[broken, 2, 'syntax error: missing "identifier"']],
    );
    const privileged = finding(result, 'aws_ecs_task_definition.app', 'no-privileged-containers');
    assert.deepEqual(
      [privileged.status, privileged.message],
      ['UNKNOWN', 'container "app": privileged is a missing value (a syntax error), which cannot be resolved'],
    );
  });

  it('a cycle among locals is an error at the local, as Terraform rejects it, and its values are unknown', async () => {
    const { output, dir } = await loadModule({
      'main.tf': [
        'locals {',
        '  a = local.b',
        '  b = merge(local.a, { privileged = true })',
        '}',
        'resource "aws_ecs_task_definition" "t" {',
        '  family                = "t"',
        '  container_definitions = jsonencode([merge({ name = "a", image = "i", user = "1000" }, local.b)])',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(
      output.errors.map((e) => [e.file, e.line, e.message]),
      [[`${dir}/main.tf`, 3, 'local value "b" refers to itself through a cycle of locals, which Terraform rejects']],
    );
  });

  it('a value reached through var./local. is located where it is defined, with the reference as origin', async () => {
    const { output, dir } = await loadModule({
      'main.tf': [
        'variable "user" {',
        '  default = "root"',
        '}',
        'locals {',
        '  user = var.user',
        '}',
        'resource "aws_ecs_task_definition" "x" {',
        '  container_definitions = jsonencode([{ name = "app", user = local.user }])',
        '}',
        '',
      ].join('\n'),
    });
    const user = pathGet(definition(output, 'aws_ecs_task_definition.x').body, ['containerDefinitions', 0, 'user']);
    assert.equal(user?.kind, 'string');
    assert.equal(user?.range?.file, `${dir}/main.tf`);
    assert.deepEqual([user?.range?.start.line, user?.range?.start.column], [2, 13]);
    assert.equal(user?.origin?.expression, 'local.user');
    assert.deepEqual([user?.origin?.range?.start.line, user?.origin?.range?.start.column], [8, 62]);
  });

  it('evaluates interpolation, concat, merge, for, tostring/tonumber/tobool, jsondecode and conditionals', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'variable "env" {',
        '  default = "prod"',
        '}',
        'locals {',
        '  base    = { name = "app-${var.env}", image = "nginx" }',
        '  sidecar = jsondecode("{\\"name\\": \\"log\\", \\"privileged\\": true}")',
        '  ports   = [for p in [80, 443] : { containerPort = p }]',
        '}',
        'resource "aws_ecs_task_definition" "x" {',
        '  family       = "${var.env}-web"',
        '  network_mode = var.env == "prod" ? "host" : "awsvpc"',
        '  container_definitions = jsonencode(concat([merge(local.base, {',
        '    user         = tostring(1000)',
        '    memory       = tonumber("512")',
        '    privileged   = tobool("false")',
        '    portMappings = local.ports',
        '  })], [local.sidecar]))',
        '}',
        '',
      ].join('\n'),
    });
    const body = definition(output, 'aws_ecs_task_definition.x').body;
    assert.deepEqual(toPlain(field(body, 'containerDefinitions')), [
      {
        name: 'app-prod',
        image: 'nginx',
        user: '1000',
        memory: 512,
        privileged: false,
        portMappings: [{ containerPort: 80 }, { containerPort: 443 }],
      },
      { name: 'log', privileged: true },
    ]);
    assert.equal(toPlain(field(body, 'family')), 'prod-web');
    // var.env defaults to "prod": the condition is known, so only its branch is read.
    const mode = field(body, 'networkMode');
    assert.equal(mode?.kind, 'string');
    assert.equal(toPlain(mode), 'host');
    assert.equal(mode?.origin?.expression, 'var.env == "prod" ? "host" : "awsvpc"');
    assert.equal(definition(output, 'aws_ecs_task_definition.x').resource.family, 'prod-web');
  });
  it("reads jsonencode()'s text through string functions (replace, join, format, ==) and RE2 patterns JavaScript lacks", async () => {
    const { output } = await loadModule({
      'main.tf': [
        'variable "health" {',
        '  type    = any',
        '  default = {}',
        '}',
        'locals {',
        '  classes = { digit = "/\\"(-[[:digit:]]|[[:digit:]]+)\\"/" }',
        '  agent   = { name = "agent", image = "dd<1>", privileged = "true", memory = "512", links = [], essential = "" }',
        '  encoded = replace(replace(jsonencode(local.agent), "/(\\\\[\\\\]|\\"\\"|{})/", "null"), "/\\"(true|false)\\"/", "$1")',
        '  numbers = replace(local.encoded, local.classes["digit"], "$1")',
        '  health  = jsonencode(var.health) == "{}" ? "none" : "set"',
        '}',
        'resource "aws_ecs_task_definition" "x" {',
        '  family                = local.health',
        '  container_definitions = format("[%s]", join(",", [local.numbers]))',
        '}',
        '',
      ].join('\n'),
    });
    const body = definition(output, 'aws_ecs_task_definition.x').body;
    // Keys in lexical order, `<` and `>` escaped as Terraform's jsonencode() writes them, then the module's rewrites.
    assert.deepEqual(toPlain(field(body, 'containerDefinitions')), [
      { essential: null, image: 'dd<1>', links: null, memory: 512, name: 'agent', privileged: true },
    ]);
    assert.equal(toPlain(field(body, 'family')), 'none');
  });

  it('every function reads a jsonencode() result as the string it is: length counts characters, contains compares text', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'locals {',
        '  labels = { team = "a", tier = "b" }',
        '}',
        'resource "aws_ecs_task_definition" "x" {',
        '  family                = upper(jsonencode("x"))',
        '  container_definitions = jsonencode([{ name = "x", image = "y", user = "1000", memory = length(jsonencode(local.labels)),',
        '    privileged = contains([jsonencode(local.labels)], "{\\"team\\":\\"a\\",\\"tier\\":\\"b\\"}") }])',
        '}',
        '',
      ].join('\n'),
    });
    const body = definition(output, 'aws_ecs_task_definition.x').body;
    assert.deepEqual(toPlain(field(body, 'containerDefinitions')), [{ name: 'x', image: 'y', user: '1000', memory: 23, privileged: true }]);
    assert.equal(toPlain(field(body, 'family')), '"X"');
  });
});

describe('Terraform: UNKNOWN only for the checks that depend on an unresolved value', () => {
  it('a data source user and a variable without a value', async () => {
    const result = await scanPaths([`${FIXTURES}/unknown`]);
    const id = 'aws_ecs_task_definition.unknown';
    assert.deepEqual(statuses(result, id), {
      'no-privileged-containers': 'PASS',
      'no-root-user': 'UNKNOWN',
      'host-network-nonroot-user': 'UNKNOWN',
      'host-network-no-privilege': 'UNKNOWN',
      'no-host-network': 'UNKNOWN',
    });
    const user = finding(result, id, 'no-root-user');
    assert.equal(user.message, 'container "app": user is data.aws_ssm_parameter.user.value, which cannot be resolved');
    assert.equal(at(user), `${FIXTURES}/unknown/main.tf:16:20`);
    assert.equal(finding(result, id, 'no-host-network').message, 'networkMode is var.network_mode, which cannot be resolved');
  });

  it('an unresolved image does not make any check UNKNOWN', async () => {
    const result = await scanPaths([`${FIXTURES}/unknown`]);
    assert.deepEqual(statuses(result, 'aws_ecs_task_definition.partly_unknown'), {
      'no-privileged-containers': 'FAIL',
      'no-root-user': 'PASS',
      'host-network-nonroot-user': 'PASS',
      'host-network-no-privilege': 'PASS',
      'no-host-network': 'PASS',
    });
  });

  it('a conditional fails when either branch fails, naming the condition', async () => {
    const result = await scanPaths([`${FIXTURES}/unknown`]);
    const f = finding(result, 'aws_ecs_task_definition.conditional', 'no-privileged-containers');
    assert.equal(f.status, 'FAIL');
    assert.equal(f.message, 'container "app": privileged is true when condition var.network_mode == "host" is true');
    assert.equal(at(f), `${FIXTURES}/unknown/main.tf:43:49`);
  });

  it('unresolved nodes keep the expression and the reason', async () => {
    const { output } = await loadModule({
      'main.tf': [
        'resource "aws_ecs_task_definition" "x" {',
        '  network_mode = module.net.mode',
        '  pid_mode     = aws_ssm_parameter.pid.value',
        '  ipc_mode     = lookup(var.undeclared, "ipc")',
        '  container_definitions = jsonencode([{ name = "app", user = each.key, privileged = uuid() }])',
        '}',
        '',
      ].join('\n'),
    });
    const body = definition(output, 'aws_ecs_task_definition.x').body;
    const pick = (path: Array<string | number>) => {
      const node = pathGet(body, path);
      return node?.kind === 'unresolved' ? [node.expression, node.reason] : node?.kind;
    };
    assert.deepEqual(pick(['networkMode']), ['module.net.mode', 'module outputs are known only after apply']);
    assert.deepEqual(pick(['pidMode']), ['aws_ssm_parameter.pid.value', 'resource attributes are known only after apply']);
    assert.deepEqual(pick(['ipcMode']), ['lookup(var.undeclared, "ipc")', 'variable "undeclared" is not declared']);
    assert.deepEqual(pick(['containerDefinitions', 0, 'user']), ['each.key', "each.key depends on the resource's expansion"]);
    assert.deepEqual(pick(['containerDefinitions', 0, 'privileged']), ['uuid()', 'function uuid() is not evaluated']);
  });
});

describe('Terraform conditionals: a known condition picks its branch', () => {
  const module = (condition: string, extra: string[] = []) => ({
    'main.tf': [
      'variable "debug" {',
      '  default = false',
      '}',
      'variable "env" {}',
      'locals {',
      '  debug = false',
      '}',
      ...extra,
      'resource "aws_ecs_task_definition" "app" {',
      '  family = "app"',
      `  container_definitions = jsonencode([{ name = "a", image = "i", user = "1000", privileged = ${condition} ? true : false }])`,
      '}',
      '',
    ].join('\n'),
  });
  const privileged = async (condition: string, varFiles: string[] = [], extra: string[] = []) => {
    const { output } = await loadModule(module(condition, extra), varFiles);
    return pathGet(definition(output, 'aws_ecs_task_definition.app').body, ['containerDefinitions', 0, 'privileged']);
  };

  it('a local, a variable default, a literal and an operator on them: only the branch taken is kept', async () => {
    for (const condition of ['local.debug', 'var.debug', 'false', '!true', 'local.debug || var.debug', '"false"']) {
      const node = await privileged(condition);
      assert.equal(node?.kind, 'boolean', condition);
      assert.equal(toPlain(node), false, condition);
      // The origin names the conditional, so messages and fixes know the value was chosen there.
      assert.equal(node?.origin?.expression, `${condition} ? true : false`, condition);
    }
    const taken = await privileged('!local.debug');
    assert.equal(toPlain(taken), true);
    assert.deepEqual([taken?.range?.start.line, taken?.range?.start.column], [10, 109]);
    assert.deepEqual([taken?.origin?.range?.start.line, taken?.origin?.range?.start.column], [10, 94]);
  });

  it('a chain a ? b : c ? d : e is read as HCL groups it, a ? b : (c ? d : e)', async () => {
    const user = async (flavour: string | undefined) => {
      const { output } = await loadModule({
        'main.tf': [
          flavour === undefined ? 'variable "flavour" {}' : `variable "flavour" {\n  default = "${flavour}"\n}`,
          'resource "aws_ecs_task_definition" "app" {',
          '  family = "app"',
          '  container_definitions = jsonencode([{ name = "a", image = "i",',
          '    user = var.flavour == "legacy" ? "root" : var.flavour == "distroless" ? "65532" : "1000" }])',
          '}',
          '',
        ].join('\n'),
      });
      return pathGet(definition(output, 'aws_ecs_task_definition.app').body, ['containerDefinitions', 0, 'user']);
    };
    assert.equal(toPlain(await user('legacy')), 'root');
    assert.equal(toPlain(await user('distroless')), '65532');
    assert.equal(toPlain(await user('alpine')), '1000');
    // Unknown: each condition with its branch, nested to the right.
    const unknown = await user(undefined);
    assert.deepEqual(unknown?.kind === 'conditional' && [unknown.condition, toPlain(unknown.whenTrue), unknown.whenFalse.kind], [
      'var.flavour == "legacy"',
      'root',
      'conditional',
    ]);
    assert.deepEqual(
      unknown?.kind === 'conditional' &&
        unknown.whenFalse.kind === 'conditional' && [
          unknown.whenFalse.condition,
          toPlain(unknown.whenFalse.whenTrue),
          toPlain(unknown.whenFalse.whenFalse),
        ],
      ['var.flavour == "distroless"', '65532', '1000'],
    );
  });

  it('a value from tfvars or --var-file decides the condition', async () => {
    const varFile = join(mkdtempSync(join(tmpdir(), 'ecsguard-tf-var-')), 'debug.tfvars');
    writeFileSync(varFile, 'debug = true\n');
    assert.equal(toPlain(await privileged('var.debug', [varFile])), true);
  });

  it('scan: a local that is false does not fail on the impossible branch', async () => {
    const { dir } = await loadModule(module('local.debug'));
    const result = await scanPaths([dir]);
    assert.equal(statuses(result, 'aws_ecs_task_definition.app')['no-privileged-containers'], 'PASS');
  });

  it('an unresolved condition keeps both branches as a conditional', async () => {
    for (const condition of ['var.env == "prod"', 'data.x.y.enabled', 'var.env']) {
      const node = await privileged(condition);
      assert.equal(node?.kind, 'conditional', condition);
      assert.equal(node?.kind === 'conditional' && node.condition, condition);
    }
    // A condition that is known but not a boolean is not a choice either.
    assert.equal((await privileged('"yes"'))?.kind, 'conditional');
  });
});
