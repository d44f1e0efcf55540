import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScanResult } from '../../../src/engine/scan.js';
import { runCli } from '../../support/cli.js';
import { at, finding, scanPaths } from './helpers.js';

const MAIN_TF = `resource "aws_ecs_task_definition" "listed" {
  family                = "listed"
  container_definitions = jsonencode(yamldecode(file("\${path.module}/containers.yaml")))
}

resource "aws_ecs_task_definition" "inline" {
  family                = "inline"
  network_mode          = "host"
  container_definitions = jsonencode(yamldecode(<<-EOT
    - name: web
      image: nginx
      privileged: yes
    EOT
  ))
}
`;

const CONTAINERS_YAML = `# Shared with the local docker-compose setup.
- name: app
  image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2
  essential: true
  privileged: true
  user: "0"
  portMappings:
    - containerPort: 8080
`;

describe('Terraform yamldecode(): container definitions kept in YAML', () => {
  let dir: string;
  let result: ScanResult;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-'));
    writeFileSync(path.join(dir, 'main.tf'), MAIN_TF);
    writeFileSync(path.join(dir, 'containers.yaml'), CONTAINERS_YAML);
    result = await scanPaths([dir]);
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a YAML file read by file() is checked, each finding at its line and column in that file', () => {
    assert.deepEqual(result.errors, []);
    const privileged = finding(result, 'aws_ecs_task_definition.listed', 'no-privileged-containers');
    assert.equal(privileged.status, 'FAIL');
    assert.equal(privileged.message, 'container "app": privileged is true');
    assert.equal(at(privileged), `${dir}/containers.yaml:5:15`);
    const user = finding(result, 'aws_ecs_task_definition.listed', 'no-root-user');
    assert.deepEqual(
      [user.status, user.message, at(user)],
      ['FAIL', 'container "app": user "0" is uid 0 (root)', `${dir}/containers.yaml:6:9`],
    );
  });

  it('YAML in a heredoc points into the .tf file, and reads `yes` as Terraform does: true', () => {
    const privileged = finding(result, 'aws_ecs_task_definition.inline', 'no-privileged-containers');
    assert.deepEqual([privileged.status, at(privileged)], ['FAIL', `${dir}/main.tf:12:19`]);
    assert.equal(finding(result, 'aws_ecs_task_definition.inline', 'host-network-no-privilege').status, 'FAIL');
  });

  it('fix --write edits the YAML where it is written: the file, and the heredoc', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-fix-'));
    try {
      writeFileSync(path.join(copy, 'main.tf'), MAIN_TF);
      writeFileSync(path.join(copy, 'containers.yaml'), CONTAINERS_YAML);
      const fixed = await runCli(['fix', copy, '--write']);
      // The host network mode is left to its author: a manual fix, so exit 1.
      assert.equal(fixed.code, 1, fixed.stdout + fixed.stderr);
      assert.match(fixed.stdout, /wrote 2 files; 1 manual fix/);
      assert.equal(
        readFileSync(path.join(copy, 'containers.yaml'), 'utf8'),
        CONTAINERS_YAML.replace('privileged: true', 'privileged: false').replace('user: "0"', 'user: "1000:1000"'),
      );
      assert.match(readFileSync(path.join(copy, 'main.tf'), 'utf8'), /\n {6}privileged: false\n {6}user: "1000:1000"\n {4}EOT\n/);
      const rescan = await runCli(['scan', copy, '--format', 'json']);
      const report = JSON.parse(rescan.stdout) as { findings: Array<{ checkId: string; status: string }> };
      // Only the host network mode is left: a manual fix.
      assert.deepEqual(
        report.findings.filter((f) => f.status === 'FAIL').map((f) => f.checkId),
        ['no-host-network'],
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('a plain y is true, as Terraform reads it; a quoted "y" is a string, not a boolean', async () => {
    const letters = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-y-'));
    try {
      const resource = (name: string, privileged: string) =>
        `resource "aws_ecs_task_definition" "${name}" {\n  family = "${name}"\n` +
        `  container_definitions = jsonencode(yamldecode("- {name: app, image: nginx, user: \\"1000\\", privileged: ${privileged}}"))\n}\n`;
      writeFileSync(path.join(letters, 'main.tf'), resource('plain', 'y') + resource('quoted', '\\"y\\"'));
      const scanned = await scanPaths([letters]);
      assert.deepEqual(scanned.errors, []);
      const plain = finding(scanned, 'aws_ecs_task_definition.plain', 'no-privileged-containers');
      assert.deepEqual([plain.status, plain.message], ['FAIL', 'container "app": privileged is true']);
      const quoted = finding(scanned, 'aws_ecs_task_definition.quoted', 'no-privileged-containers');
      assert.deepEqual([quoted.status, quoted.message], ['UNKNOWN', 'container "app": privileged is "y", which is not a boolean']);
    } finally {
      rmSync(letters, { recursive: true, force: true });
    }
  });

  it('YAML in a quoted string is checked at its characters, and fixed by hand: a YAML edit there would break the HCL', async () => {
    const quoted = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-quoted-'));
    try {
      const tf =
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n' +
        '  container_definitions = jsonencode(yamldecode("- name: web\\n  image: nginx\\n  privileged: true\\n"))\n}\n';
      writeFileSync(path.join(quoted, 'main.tf'), tf);
      const scanned = await scanPaths([quoted]);
      assert.equal(at(finding(scanned, 'aws_ecs_task_definition.t', 'no-privileged-containers')), `${quoted}/main.tf:3:93`);
      const fixed = await runCli(['fix', quoted, '--write']);
      assert.match(fixed.stdout, /nothing to change; 2 manual fixes/);
      assert.equal(readFileSync(path.join(quoted, 'main.tf'), 'utf8'), tf);
    } finally {
      rmSync(quoted, { recursive: true, force: true });
    }
  });

  it('a module outside the scanned folder that calls yamldecode is read too', async () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-module-'));
    try {
      mkdirSync(path.join(tree, 'env'));
      mkdirSync(path.join(tree, 'modules', 'ecs'), { recursive: true });
      writeFileSync(path.join(tree, 'env', 'main.tf'), 'module "ecs" {\n  source = "../modules/ecs"\n}\n');
      writeFileSync(
        path.join(tree, 'modules', 'ecs', 'main.tf'),
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n' +
          '  container_definitions = jsonencode(yamldecode(file("${path.module}/containers.yaml")))\n}\n',
      );
      // An anchor and an alias: YAML only the full reader reads.
      writeFileSync(path.join(tree, 'modules', 'ecs', 'containers.yaml'), '- &base\n  name: web\n  image: nginx\n  privileged: true\n');
      const scanned = await scanPaths([path.join(tree, 'env')]);
      assert.deepEqual(scanned.errors, []);
      assert.equal(finding(scanned, 'module.ecs.aws_ecs_task_definition.t', 'no-privileged-containers').status, 'FAIL');
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it('YAML Terraform refuses is an input error where it is wrong, never a pass', async () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'ecsguard-yamldecode-broken-'));
    try {
      writeFileSync(
        path.join(broken, 'main.tf'),
        `resource "aws_ecs_task_definition" "broken" {
  family                = "broken"
  container_definitions = jsonencode(yamldecode(file("\${path.module}/broken.yaml")))
}

resource "aws_ecs_task_definition" "two" {
  family                = "two"
  container_definitions = jsonencode(yamldecode("- name: a\\n---\\n- name: b\\n"))
}
`,
      );
      writeFileSync(path.join(broken, 'broken.yaml'), '- name: app\n  image: [nginx\n  privileged: true\n');
      const scanned = await scanPaths([broken]);
      assert.deepEqual(
        scanned.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`),
        [
          // The list is also read on its own (its resource could not read it), and says so there.
          `${broken}/broken.yaml:3:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
          `${broken}/broken.yaml:3:3: container_definitions: yamldecode: invalid YAML: ` +
            'Flow sequence in block collection must be sufficiently indented and end with a ]',
          `${broken}/main.tf:8:49: container_definitions: yamldecode: the YAML holds 2 documents; yamldecode reads one`,
        ],
      );
      assert.deepEqual(
        [...new Set(scanned.findings.map((f) => `${f.resource.id} ${f.status}`))],
        ['aws_ecs_task_definition.broken ERROR', 'aws_ecs_task_definition.two ERROR'],
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
