import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { terraformHcl } from '../../../src/sources/terraform/index.js';
import { at, statuses } from './helpers.js';

const ROOT_USER_TF = [
  'resource "aws_ecs_task_definition" "x" {',
  '  family = "x"',
  '  container_definitions = jsonencode([{ name = "c", image = "i", user = "0" }])',
  '}',
  '',
].join('\n');

const detect = (path: string, text: string) => terraformHcl.detect({ path, text });

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-tf-detect-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Scans standard input (`-`) with `text`, from `cwd`. */
async function scanStdin(text: string, cwd: string) {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await scan({ paths: ['-'], checks: CHECKS, includePassed: true, readStdin: async () => Buffer.from(text) });
  } finally {
    process.chdir(before);
  }
}

describe('Terraform HCL: recognized by content, not only by extension', () => {
  it('accepts top-level Terraform blocks at a line start, whatever the file name', () => {
    assert.equal(detect('/tmp/t.txt', ROOT_USER_TF), true);
    assert.equal(detect('<stdin>', '# comment\nvariable "user" {\n  default = "0"\n}\n'), true);
    assert.equal(detect('x', 'locals {\n  a = 1\n}\n'), true);
    assert.equal(detect('x', 'terraform {\n}\n'), true);
    assert.equal(detect('x', 'provider "aws" {\n}\n'), true);
    assert.equal(detect('x', 'module "api" {\n  source = "./api"\n}\n'), true);
    assert.equal(detect('x', 'data "aws_iam_role" "r" {\n}\n'), true);
    assert.equal(detect('x', 'output "arn" {\n  value = 1\n}\n'), true);
  });

  it('never claims JSON, YAML, indented HCL or plain text', () => {
    assert.equal(detect('x.json', '{\n"resource": {}\n}\n'), false);
    assert.equal(detect('x', '[\nresource "a" "b" {\n'), false);
    assert.equal(detect('x.yaml', 'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n'), false);
    assert.equal(detect('x.yaml', 'script: |\n  resource "aws_ecs_task_definition" "x" {\n  }\n'), false);
    assert.equal(detect('notes.txt', 'the resource "x" "y" { block is explained below\n'), false);
    assert.equal(detect('x', 'resource "only-one-label" {\n'), false);
  });

  it('a file named on the command line with another extension is scanned as Terraform', async () => {
    const dir = folder({ 't.txt': ROOT_USER_TF });
    const result = await scan({ paths: [join(dir, 't.txt')], checks: CHECKS, includePassed: true });
    assert.deepEqual(result.errors, []);
    assert.equal(statuses(result, 'aws_ecs_task_definition.x')['no-root-user'], 'FAIL');
    const f = result.findings.find((x) => x.checkId === 'no-root-user');
    assert.equal(f && at(f), `${dir}/t.txt:3:73`);
  });

  it('a .txt in a walked folder is still not read', async () => {
    const dir = folder({ 't.txt': ROOT_USER_TF });
    const result = await scan({ paths: [dir], checks: CHECKS, includePassed: true });
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.filesScanned, 0);
    assert.equal(result.findings.length, 0);
  });

  it('standard input is a one-file module in the current directory: no sibling files, file() relative to it', async () => {
    // The siblings would declare var.user = "1000" and set it to "0": standard input must not see them.
    const cwd = folder({
      'variables.tf': 'variable "user" {\n  default = "1000"\n}\n',
      'terraform.tfvars': 'user = "0"\n',
      'containers.json': '[{ "name": "f", "image": "i", "user": "0" }]\n',
      'other.tf': ROOT_USER_TF.replace('"x"', '"sibling"'),
    });
    const text = [
      'resource "aws_ecs_task_definition" "stdin" {',
      '  family = "stdin"',
      '  container_definitions = file("containers.json")',
      '}',
      'resource "aws_ecs_task_definition" "uses_var" {',
      '  family = "v"',
      '  container_definitions = jsonencode([{ name = "c", image = "i", user = var.user }])',
      '}',
      '',
    ].join('\n');
    const result = await scanStdin(text, cwd);
    assert.equal(statuses(result, 'aws_ecs_task_definition.stdin')['no-root-user'], 'FAIL');
    const f = result.findings.find((x) => x.resource.id === 'aws_ecs_task_definition.stdin' && x.checkId === 'no-root-user');
    assert.equal(f && at(f), 'containers.json:1:39');
    assert.equal(statuses(result, 'aws_ecs_task_definition.uses_var')['no-root-user'], 'UNKNOWN');
    assert.deepEqual(
      result.findings.filter((x) => x.resource.id === 'aws_ecs_task_definition.sibling'),
      [],
    );
    assert.equal(result.findings.find((x) => x.resource.id === 'aws_ecs_task_definition.stdin')?.resource.file, '<stdin>');
  });

  it('standard input and the current directory scanned together stay separate modules', async () => {
    const cwd = folder({ 'main.tf': 'variable "user" {\n  default = "0"\n}\n' });
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const text =
        'resource "aws_ecs_task_definition" "s" {\n  family = "s"\n  container_definitions = jsonencode([{ name = "c", image = "i", user ' +
        '= var.user }])\n}\n';
      const result = await scan({ paths: ['-', '.'], checks: CHECKS, includePassed: true, readStdin: async () => Buffer.from(text) });
      assert.equal(statuses(result, 'aws_ecs_task_definition.s')['no-root-user'], 'UNKNOWN');
    } finally {
      process.chdir(before);
    }
  });
});
