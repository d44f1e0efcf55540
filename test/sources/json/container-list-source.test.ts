import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isContainerList } from '../../../src/sources/json/container-list-source.js';
import { REPO_ROOT, fixture, runCli } from '../../support/cli.js';
import { inTempFolder } from '../../support/temp-folder.js';

const LIST = path.join(REPO_ROOT, fixture('json', 'container-list', 'containers.json'));

interface Report {
  summary: { filesScanned: number; filesSkipped: number; exitCode: number };
  findings: Array<{
    checkId: string;
    status: string;
    container: string | null;
    message: string;
    resource: { source: string; id: string; file: string };
    location: { file: string; startLine: number; startColumn: number } | null;
  }>;
  skipped: Array<{ file: string; reason: string }>;
}

const inFolder = (use: (dir: string) => Promise<void>) => inTempFolder('container-list', use);

/** The failing checks of a report, with the source that found each: the list's own ('json') or Terraform's. */
const failing = (report: Report) => report.findings.filter((f) => f.status === 'FAIL').map((f) => [f.checkId, f.resource.source]);

/** What a standalone privileged, root list gives. */
const LIST_FAILURES = [
  ['no-privileged-containers', 'json'],
  ['no-root-user', 'json'],
];

const scanJson = async (target: string) => {
  const run = await runCli(['scan', target, '--format', 'json', '--verbose']);
  return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout) as Report };
};

/** Scans `dir`: the list in it is checked on its own (not skipped), its failures the list's, with this exit code. */
async function assertCheckedOnItsOwn(dir: string, code: number): Promise<void> {
  const scanned = await scanJson(dir);
  assert.equal(scanned.code, code);
  assert.deepEqual(scanned.report.skipped, []);
  assert.deepEqual(failing(scanned.report), LIST_FAILURES);
}

describe('container definition lists (aws ecs register-task-definition --container-definitions file://…)', () => {
  it('tells a list of containers from other JSON arrays', () => {
    const cases: Array<[string, boolean]> = [
      [readFileSync(LIST, 'utf8'), true],
      ['  \n[{"name": "app", "image": "nginx:1.27", "essential": true}, {"name": "log", "image": "fluent-bit"}]', true],
      // Any case: a miswritten field is then reported at its key, not skipped with the list.
      ['[{"name": "app", "image": "nginx:1.27", "Privileged": true}]', true],
      // An element that is not a container does not hide the others: the checks report it as unreadable.
      ['[{"name": "app", "image": "nginx", "privileged": true}, null]', true],
      ['[{"name": "app", "image": "nginx", "privileged": true}, {"name": "side", "imageUri": "x"}]', true],
      ['[{"name": "app", "image": "nginx", "privileged": true}, {"essential": true}]', false],
      // Fields any container has, in the shapes only ECS gives them.
      ['[{"name": "app", "image": "app:1.4", "cpu": 256, "memory": 512, "command": ["serve"]}]', true],
      ['[{"name": "app", "image": "app:1.4", "environment": [{"name": "MODE", "value": "api"}]}]', true],
      ['[{"name": "app", "image": "app:1.4", "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/db"}]}]', true],
      ['[{"name": "app", "image": "app:1.4", "entryPoint": ["/bin/sh", "-c"]}]', true],
      // Names and images alone, or with fields other lists of images have: a CI matrix, a manifest, a page's blocks.
      ['[{"name": "app", "image": "nginx:1.27"}]', false],
      ['[{"name": "api", "image": "ghcr.io/acme/api:1.2", "tags": ["latest"]}]', false],
      ['[{"name": "redis", "image": "redis:7", "type": "cache", "command": ["redis-server"]}]', false],
      ['[{"name": "app", "image": "app:1.4", "environment": {"MODE": "api"}, "cpu": "0.5"}]', false],
      ['[{"type": "hero", "name": "Home", "image": "hero.png"}, {"type": "comment", "user": "bob"}]', false],
      // A Kubernetes pod's containers.
      ['[{"name": "app", "image": "nginx", "user": "x", "securityContext": {"privileged": true}}]', false],
      ['[{"essential": true, "image": "nginx"}]', false],
      ['[]', false],
      ['[1, 2, 3]', false],
      ['{"name": "app", "image": "nginx", "essential": true}', false],
      ['[{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]', false],
      // Cut off: read when its keys say so (its syntax error is then reported), else skipped as any broken JSON.
      ['[{"name": "app", "image": "nginx", "privileged": true}', true],
      ['[{"name": "app", "image": "nginx", "tags": [}', false],
      ['[{"name": "app", "image": "nginx", "user": "x", "securityContext": {', false],
    ];
    for (const [text, expected] of cases) assert.equal(isContainerList(text), expected, text);
  });

  it('tells a YAML list of containers (what yamldecode(file()) reads) from other YAML lists', () => {
    const cases: Array<[string, boolean]> = [
      ['# sidecars\n- name: app\n  image: nginx:1.27\n  essential: true\n  privileged: true\n', true],
      ['- name: app\n  image: app:1.4\n  cpu: 256\n  memory: 512\n', true],
      ['-   name: app\n    image: nginx\n    user: "0"\n', true],
      // Broken where a container's keys sit: read, so that its error is reported.
      ['- name: app\n  image: [nginx\n  privileged: true\n', true],
      // An Ansible task list: names at the top, images and fields under a module's key.
      ['- name: Run the agent\n  community.docker.docker_container:\n    name: agent\n    image: agent:1\n    privileged: true\n', false],
      ['- name: broken task\n  shell: [echo\n  args:\n      image: x\n      privileged: true\n', false],
      // Kubernetes containers, a list of names and images, and a mapping.
      ['- name: app\n  image: nginx\n  user: x\n  securityContext:\n    privileged: true\n', false],
      ['- name: app\n  image: nginx:1.27\n', false],
      ['name: app\nimage: nginx\nprivileged: true\n', false],
      // Every way YAML starts a list: a document marker, a directive, a dash alone, flow elements.
      ['---\n- name: web\n  image: nginx\n  privileged: true\n', true],
      ['%YAML 1.1\n---\n- name: web\n  image: nginx\n  privileged: true\n', true],
      ['-\n  name: web\n  image: nginx\n  privileged: true\n', true],
      ['- {name: web, image: nginx, privileged: true}\n', true],
      // A key written with an escape, as JSON and YAML read it.
      ['[{"name": "web", "im\\u0061ge": "nginx", "essential": true, "privileged": true}]', true],
      // A broken Ansible task list: its module's arguments sit at four columns, not a container's two.
      ['- name: Run\n  docker_container:\n    name: x\n    image: y\n    user: root\n  bad: [\n', false],
    ];
    for (const [text, expected] of cases) assert.equal(isContainerList(text), expected, text);
  });

  it('a YAML list on its own is checked as a JSON one is, each finding at its line in the YAML', async () => {
    await inFolder(async (dir) => {
      writeFileSync(
        path.join(dir, 'containers.yaml'),
        '# Rendered to JSON by the deploy script.\n- name: metrics-agent\n' +
          '  image: public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300\n' +
          '  essential: true\n  privileged: yes\n  user: "0:0"\n',
      );
      const { code, report } = await scanJson(dir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.findings
          .filter((f) => f.status === 'FAIL')
          .map((f) => [f.checkId, f.resource.source, f.location?.startLine, f.location?.startColumn, f.message]),
        [
          ['no-privileged-containers', 'yaml', 5, 15, 'container "metrics-agent": privileged is true'],
          ['no-root-user', 'yaml', 6, 9, 'container "metrics-agent": user "0:0" is uid 0 (root)'],
        ],
      );
    });
  });

  it('a YAML list a Terraform file reads with yamldecode(file()) is checked there, and listed as skipped', async () => {
    await inFolder(async (dir) => {
      writeFileSync(path.join(dir, 'containers.yaml'), '- name: app\n  image: nginx\n  essential: true\n  privileged: true\n');
      writeFileSync(
        path.join(dir, 'main.tf'),
        'resource "aws_ecs_task_definition" "app" {\n  family       = "app"\n  network_mode = "awsvpc"\n' +
          '  container_definitions = jsonencode(yamldecode(file("${path.module}/containers.yaml")))\n}\n',
      );
      const { code, report } = await scanJson(dir);
      assert.equal(code, 1);
      assert.deepEqual(
        report.findings.filter((f) => f.status === 'FAIL').map((f) => [f.checkId, f.resource.id, f.location?.startLine]),
        [
          ['no-root-user', 'aws_ecs_task_definition.app', 1],
          ['no-privileged-containers', 'aws_ecs_task_definition.app', 4],
        ],
      );
      assert.deepEqual(
        report.skipped.map((s) => path.basename(s.file)),
        ['containers.yaml'],
      );
    });
  });

  it('a folder holding only a list fails on its containers: the task-level fields it lacks give UNKNOWN, not PASS', async () => {
    const { code, report } = await scanJson(path.dirname(LIST));
    assert.equal(code, 1);
    assert.deepEqual([report.summary.filesScanned, report.summary.filesSkipped], [1, 0]);
    const setElsewhere = 'networkMode is (set where this container list is registered), which cannot be resolved';
    assert.deepEqual(
      report.findings.map((f) => [f.checkId, f.status, f.container, f.location?.startLine, f.location?.startColumn, f.message]),
      [
        ['no-host-network', 'UNKNOWN', null, 1, 1, setElsewhere],
        [
          'host-network-nonroot-user',
          'UNKNOWN',
          'metrics-agent',
          2,
          3,
          `container "metrics-agent": user "0:0" is uid 0 (root), and ${setElsewhere}`,
        ],
        [
          'host-network-no-privilege',
          'UNKNOWN',
          'metrics-agent',
          2,
          3,
          `container "metrics-agent": privileged is true and user "0:0" is uid 0 (root), and ${setElsewhere}`,
        ],
        ['no-privileged-containers', 'FAIL', 'metrics-agent', 6, 19, 'container "metrics-agent": privileged is true'],
        ['no-root-user', 'FAIL', 'metrics-agent', 7, 13, 'container "metrics-agent": user "0:0" is uid 0 (root)'],
      ],
    );
    assert.deepEqual(report.findings[0]?.resource, {
      ...report.findings[0]?.resource,
      source: 'json',
      id: 'containerDefinitions',
    });
  });

  it('ecsguard fix edits the list itself, and leaves the network mode to where the list is registered', async () => {
    await inFolder(async (dir) => {
      const file = path.join(dir, 'containers.json');
      cpSync(LIST, file);
      const run = await runCli(['fix', dir, '--write']);
      // Manual fixes are left: exit 1, as for any fix that leaves some.
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout + run.stderr, /wrote 1 file; 3 manual fixes/);
      const [agent] = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
      assert.equal(agent?.privileged, false);
      assert.equal(agent?.user, '1000:1000');
    });
  });

  it('a list a Terraform file in the scan reads with file() is checked there alone, and listed as skipped', async () => {
    await inFolder(async (dir) => {
      mkdirSync(path.join(dir, 'task-definitions'));
      cpSync(LIST, path.join(dir, 'task-definitions', 'agent.json'));
      writeFileSync(
        path.join(dir, 'main.tf'),
        [
          'variable "service" {',
          '  default = "agent"',
          '}',
          '',
          'resource "aws_ecs_task_definition" "agent" {',
          '  family                = var.service',
          '  network_mode          = "host"',
          '  container_definitions = file("${path.module}/task-definitions/${var.service}.json")',
          '}',
          '',
        ].join('\n'),
      );
      const { code, report } = await scanJson(dir);
      assert.equal(code, 1);
      assert.deepEqual([report.summary.filesScanned, report.summary.filesSkipped], [1, 1]);
      assert.deepEqual(
        report.skipped.map((s) => [path.basename(s.file), s.reason]),
        [
          [
            'agent.json',
            `a container list that aws_ecs_task_definition.agent in ${path.join(dir, 'main.tf')} reads in (file() or ` +
              'templatefile()): checked there',
          ],
        ],
      );
      // Once, through the resource, with the list's lines; and host network mode is known there.
      assert.deepEqual(
        report.findings.map((f) => [f.checkId, f.status, f.resource.source, path.basename(f.location?.file ?? ''), f.location?.startLine]),
        [
          ['no-privileged-containers', 'FAIL', 'terraform', 'agent.json', 6],
          ['host-network-no-privilege', 'FAIL', 'terraform', 'agent.json', 6],
          ['no-root-user', 'FAIL', 'terraform', 'agent.json', 7],
          ['host-network-nonroot-user', 'FAIL', 'terraform', 'agent.json', 7],
          ['no-host-network', 'FAIL', 'terraform', 'main.tf', 7],
        ],
      );
    });
  });

  it('a list no Terraform file reads is checked on its own beside Terraform', async () => {
    await inFolder(async (dir) => {
      cpSync(LIST, path.join(dir, 'containers.json'));
      writeFileSync(
        path.join(dir, 'main.tf'),
        'resource "aws_ecs_task_definition" "web" {\n  family                = "web"\n' +
          '  container_definitions = file("${path.module}/web-containers.json")\n}\n',
      );
      writeFileSync(path.join(dir, 'web-containers.json'), '[{"name": "web", "image": "nginx:1.27", "user": "101"}]\n');
      const { report } = await scanJson(dir);
      assert.deepEqual(
        report.skipped.map((s) => path.basename(s.file)),
        ['web-containers.json'],
      );
      assert.deepEqual(
        [
          ...new Set(
            report.findings.filter((f) => f.status === 'FAIL').map((f) => `${f.resource.source} ${path.basename(f.resource.file)}`),
          ),
        ],
        ['json containers.json'],
      );
    });
  });

  it('a list that a .tf file only mentions, or reads for something else, is checked on its own', async () => {
    await inFolder(async (dir) => {
      cpSync(LIST, path.join(dir, 'containers.json'));
      writeFileSync(
        path.join(dir, 'main.tf'),
        [
          '# container_definitions = file("containers.json")',
          'resource "null_resource" "register" {',
          '  triggers = { definitions = md5(file("${path.module}/containers.json")) }',
          '  provisioner "local-exec" {',
          '    command = "aws ecs register-task-definition --family agent --network-mode host ' +
            '--container-definitions file://containers.json"',
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      await assertCheckedOnItsOwn(dir, 1);
    });
  });

  it('a list a resource fails to read (a path Terraform would not find) is checked on its own', async () => {
    await inFolder(async (dir) => {
      mkdirSync(path.join(dir, 'modules', 'agent'), { recursive: true });
      cpSync(LIST, path.join(dir, 'modules', 'agent', 'containers.json'));
      // Relative to the folder Terraform runs in, not the module's: read from the module's folder, it is not there.
      writeFileSync(
        path.join(dir, 'modules', 'agent', 'main.tf'),
        'resource "aws_ecs_task_definition" "agent" {\n  family                = "agent"\n' +
          '  container_definitions = file("modules/agent/containers.json")\n}\n',
      );
      await assertCheckedOnItsOwn(dir, 2);
    });
  });

  it('file() with an absolute path reads that file, not one below the configuration', async () => {
    await inFolder(async (outside) => {
      await inFolder(async (dir) => {
        const safe = path.join(outside, 'containers.json');
        writeFileSync(safe, '[{"name": "app", "image": "nginx", "essential": true, "user": "1000"}]\n');
        // The same path below the configuration's folder: a different list, which nothing reads.
        mkdirSync(path.join(dir, ...path.dirname(safe).split(path.sep).filter(Boolean)), { recursive: true });
        cpSync(LIST, path.join(dir, ...safe.split(path.sep).filter(Boolean)));
        writeFileSync(
          path.join(dir, 'main.tf'),
          `resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = file("${safe}")\n}\n`,
        );
        await assertCheckedOnItsOwn(dir, 1);
      });
    });
  });

  it('a cut-off list in a folder is an input error at its line and column, never a quiet skip', async () => {
    await inFolder(async (dir) => {
      writeFileSync(path.join(dir, 'containers.json'), '[\n  {"name": "app", "image": "nginx", "privileged": true},\n');
      const run = await runCli(['scan', dir]);
      assert.equal(run.code, 2);
      assert.match(run.stdout, /containers\.json:3:1: invalid JSON: (?:value|close bracket) expected/);
    });
  });
});
