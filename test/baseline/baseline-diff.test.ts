import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { diffScans } from '../../src/baseline/diff.js';
import { findingIdentity } from '../../src/baseline/identity.js';
import type { ReportScope, ReportedFinding } from '../../src/baseline/report-file.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-diff-'));
mkdirSync(path.join(dir, 'before'));
mkdirSync(path.join(dir, 'after', 'moved'), { recursive: true });

// Before: web runs as root and privileged; worker runs as root.
writeFileSync(
  path.join(dir, 'before', 'app.tf'),
  `resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([
    { name = "app", image = "nginx", user = "root", privileged = true },
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family       = "worker"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = "job", image = "busybox", user = "0" }])
}
`,
);
// After (batch 1): the file moved and gained lines; privileged is fixed; worker is unchanged;
// a sidecar running as root is new.
writeFileSync(
  path.join(dir, 'after', 'moved', 'services.tf'),
  `# Services, reorganised.

resource "aws_ecs_task_definition" "worker" {
  family       = "worker"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = "job", image = "busybox", user = "0" }])
}

resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([
    { name = "sidecar", image = "envoy", user = "root" },
    { name = "app", image = "nginx", user = "root" },
  ])
}
`,
);

const before = path.join(dir, 'before.json');
const after = path.join(dir, 'after.json');
/** Scans the folder's files as the repository's state at one time: always the same root, `repo`, as a user re-scans. */
const repo = path.join(dir, 'repo');
const scan = async (folder: string, out: string) => {
  rmSync(repo, { recursive: true, force: true });
  cpSync(path.join(dir, folder), repo, { recursive: true });
  return await runCli(['scan', repo, '--checks', 'no-root-user,no-privileged-containers', '--format', `json:${out}`]);
};

describe('baselines and diffs', () => {
  it('diff: new, fixed and unchanged per check, independent of file and line', async () => {
    assert.equal((await scan('before', before)).code, 1);
    assert.equal((await scan('after', after)).code, 1);
    const run = await runCli(['diff', before, after]);
    assert.equal(run.code, 1, run.stderr);
    const f = path.join(repo, 'moved', 'services.tf');
    const b = path.join(repo, 'app.tf');
    assert.equal(
      run.stdout,
      [
        `ecsguard diff ${before} → ${after}`,
        '  new 1, fixed 1, unchanged 2',
        '',
        '  check                     new  fixed  unchanged  not verified',
        '  no-privileged-containers    0      1          0             0',
        '  no-root-user                1      0          2             0',
        '',
        'New (1)',
        `  FAIL    no-root-user  ${f} › aws_ecs_task_definition.web › sidecar: container "sidecar": user "root" is the root user`,
        '',
        'Fixed (1)',
        `  FAIL    no-privileged-containers  ${b} › aws_ecs_task_definition.web › app: container "app": privileged is true`,
        '',
        'Unchanged (2)',
        `  FAIL    no-root-user  ${f} › aws_ecs_task_definition.worker › job: container "job": user "0" is uid 0 (root)`,
        `  FAIL    no-root-user  ${f} › aws_ecs_task_definition.web › app: container "app": user "root" is the root user`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await runCli(['diff', before, after, '--format', 'json'])).stdout);
    assert.deepEqual([json.new.length, json.fixed.length, json.unchanged.length, json.notVerified.length], [1, 1, 2, 0]);
    // `-` reads the later report from a pipe: the same diff, named as standard input.
    const piped = await runCli(['diff', before, '-'], { input: readFileSync(after) });
    assert.equal(piped.code, 1, piped.stderr);
    assert.equal(piped.stdout, run.stdout.replace(`→ ${after}`, '→ standard input'));
    const twice = await runCli(['diff', '-', '-'], { input: readFileSync(after) });
    assert.deepEqual([twice.code, twice.stderr.trim()], [2, 'ecsguard: only one report can be read from standard input ("-")']);
    const notReport = await runCli(['diff', before, '-'], { input: '{"findings": []' });
    assert.equal(notReport.code, 2);
    assert.match(notReport.stderr, /^ecsguard: the report on standard input is not a JSON report \(ecsguard scan --format json\): /);
  });

  it('--baseline reports only findings that are not in the baseline', async () => {
    await scan('before', before);
    const run = await runCli([
      'scan',
      path.join(dir, 'after'),
      '--checks',
      'no-root-user,no-privileged-containers',
      '--baseline',
      before,
      '--format',
      'json',
    ]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `ecsguard: 2 findings already in the baseline ${before} not reported\n`);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.findings.map((x: { checkId: string; container: string }) => `${x.checkId} ${x.container}`),
      ['no-root-user sidecar'],
    );
    assert.equal(report.summary.findings.FAIL, 1);
    // Against itself: nothing new, exit 0.
    const same = await runCli([
      'scan',
      path.join(dir, 'before'),
      '--checks',
      'no-root-user,no-privileged-containers',
      '--baseline',
      before,
    ]);
    assert.equal(same.code, 0, same.stdout);
  });

  it('a later scan of other paths: what it did not look at is "not verified", never "fixed"', async () => {
    const elsewhere = async (folder: string, out: string) =>
      await runCli(['scan', path.join(dir, folder), '--checks', 'no-root-user,no-privileged-containers', '--format', `json:${out}`]);
    const first = path.join(dir, 'elsewhere-before.json');
    const second = path.join(dir, 'elsewhere-after.json');
    await elsewhere('before', first);
    await elsewhere('after', second);
    assert.deepEqual(JSON.parse(readFileSync(second, 'utf8')).scope, { folder: process.cwd(), paths: [path.join(dir, 'after')], live: [] });
    const run = await runCli(['diff', first, second]);
    // Identity ignores files, so the two findings in both are unchanged; privileged, gone with the before folder, is
    // not called fixed: the later scan never looked there.
    assert.match(run.stdout, /^ {2}new 1, fixed 0, unchanged 2, not verified 1 \(not scanned in /m);
    assert.match(run.stdout, /^Not verified \(1\)\n {2}FAIL {4}no-privileged-containers /m);
    assert.equal(run.code, 2);
  });

  it('scope: paths cover the files below them, live sources their accounts and regions; an old report covers all', () => {
    const file = (name: string): ReportedFinding => ({
      checkId: 'no-root-user',
      status: 'FAIL',
      severity: 'medium',
      message: 'root',
      resource: { kind: 'file', source: 'json', id: name, file: name },
    });
    const live = (region: string, accountId: string): ReportedFinding => ({
      checkId: 'no-root-user',
      status: 'FAIL',
      severity: 'medium',
      message: 'root',
      resource: { kind: 'aws', source: 'aws', id: `web ${region} ${accountId}`, family: `web-${region}-${accountId}`, region, accountId },
    });
    const before = [file('infra/ecs/td.json'), file('<stdin>'), live('us-east-1', '111111111111'), live('eu-west-1', '111111111111')];
    const verdicts = (scope?: ReportScope) => {
      const d = diffScans(before, [], [], scope ? { after: scope } : {});
      return { fixed: d.fixed.map((f) => f.resource.id), notVerified: d.unverified.map((f) => f.resource.id), notScanned: d.notScanned };
    };
    assert.deepEqual(verdicts({ paths: ['./infra', '<stdin>'], live: [{ accounts: ['111111111111'], regions: ['us-east-1'] }] }), {
      fixed: ['infra/ecs/td.json', '<stdin>', 'web us-east-1 111111111111'],
      notVerified: ['web eu-west-1 111111111111'],
      notScanned: 1,
    });
    assert.deepEqual(verdicts({ paths: ['infra/other', path.resolve('.')], live: [{ accounts: ['222222222222'] }] }), {
      fixed: ['infra/ecs/td.json'],
      notVerified: ['<stdin>', 'web us-east-1 111111111111', 'web eu-west-1 111111111111'],
      notScanned: 3,
    });
    // A file-only later scan read no account; a live source that knows neither accounts nor regions read them all.
    assert.deepEqual(verdicts({ paths: ['infra/ecs/td.json'], live: [] }).notVerified, [
      '<stdin>',
      'web us-east-1 111111111111',
      'web eu-west-1 111111111111',
    ]);
    assert.deepEqual(verdicts({ paths: [], live: [{}] }).notVerified, ['infra/ecs/td.json', '<stdin>']);
    // A report written before `scope` existed says nothing: all fixed, as it always was.
    assert.deepEqual(verdicts().notVerified, []);
    // Fewer families read later (`--scope all`, then `latest` or `in-use`): the live findings it lacks are not verified.
    const live2 = (before: string, after: string) =>
      diffScans([live('us-east-1', '111111111111')], [], [], {
        before: { paths: [], live: [{ revisions: before }] },
        after: { paths: [], live: [{ revisions: after }] },
      }).notScanned;
    assert.deepEqual(
      [live2('all', 'latest'), live2('latest', 'in-use'), live2('latest', 'active'), live2('latest', 'all'), live2('in-use', 'latest')],
      [1, 1, 0, 0, 0],
    );
  });

  it('two files declaring one family: each finding is matched with its own file first', async () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'ecsguard-diff-family-'));
    const web = (privileged: boolean) =>
      JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000', privileged }] });
    for (const team of ['a', 'b']) {
      mkdirSync(path.join(tree, team));
      writeFileSync(path.join(tree, team, 'web.json'), web(true));
    }
    const report = async (args: string[], name: string) => {
      await runCli(['scan', ...args, '--format', `json:${name}`], { cwd: tree });
      return path.join(tree, name);
    };
    const first = await report(['.'], 'first.json');
    // Only b is scanned again, unchanged: a was not looked at, b is unchanged (it used to be "fixed" in b's name).
    const onlyB = await runCli(['diff', first, await report(['b'], 'only-b.json')], { cwd: tree });
    assert.match(onlyB.stdout, /^ {2}new 0, fixed 0, unchanged 1, not verified 1 \(not scanned in /m);
    assert.match(onlyB.stdout, /^Not verified \(1\)\n {2}FAIL {4}no-privileged-containers {2}a\/web\.json › web › app/m);
    assert.equal(onlyB.code, 2);
    const onlyBJson = JSON.parse((await runCli(['diff', first, path.join(tree, 'only-b.json'), '--format', 'json'], { cwd: tree })).stdout);
    assert.deepEqual([onlyBJson.notVerified.length, onlyBJson.notScanned], [1, 1]);
    // a is fixed and both are scanned: the fixed one is a's.
    writeFileSync(path.join(tree, 'a', 'web.json'), web(false));
    const both = await runCli(['diff', first, await report(['.'], 'both.json')], { cwd: tree });
    assert.match(both.stdout, /^Fixed \(1\)\n {2}FAIL {4}no-privileged-containers {2}a\/web\.json › web › app/m);
    assert.equal(both.code, 0, both.stdout);
    // Run from another folder, `.` is another tree: b's folder holds none of a's files.
    const fromB = path.join(tree, 'from-b.json');
    await runCli(['scan', '.', '--format', `json:${fromB}`], { cwd: path.join(tree, 'b') });
    const elsewhere = await runCli(['diff', first, fromB], { cwd: tree });
    assert.match(elsewhere.stdout, /not verified 1 \(not scanned in /m);
    assert.equal(elsewhere.code, 2);
    // A file the later scan skipped (no longer a task definition it recognizes) was not read: not verified.
    writeFileSync(path.join(tree, 'a', 'web.json'), '{"name": "web", "note": "moved to the platform repository"}');
    const skipped = await runCli(['diff', first, await report(['.'], 'skipped.json')], { cwd: tree });
    assert.match(skipped.stdout, /^ {2}new 0, fixed 0, unchanged 1, not verified 1 \(could not be read in /m);
    assert.equal(skipped.code, 2);
    // The same skip seen from inside a/: its report names the file `web.json`, which is a/web.json.
    const fromA = path.join(tree, 'from-a.json');
    await runCli(['scan', '.', '--format', `json:${fromA}`], { cwd: path.join(tree, 'a') });
    const skippedFromA = await runCli(['diff', first, fromA], { cwd: tree });
    assert.match(skippedFromA.stdout, /not verified 2 \(could not be read, or not scanned, in /m);
    assert.equal(skippedFromA.code, 2);
    rmSync(tree, { recursive: true, force: true });
  });

  it('scope: a Terraform module outside the paths was looked at again when the later scan was given the same paths', async () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'ecsguard-diff-module-'));
    mkdirSync(path.join(tree, 'infra'));
    mkdirSync(path.join(tree, 'modules', 'ecs'), { recursive: true });
    writeFileSync(path.join(tree, 'infra', 'main.tf'), 'module "svc" {\n  source = "../modules/ecs"\n}\n');
    const module = path.join(tree, 'modules', 'ecs', 'main.tf');
    writeFileSync(
      module,
      'variable "user" { default = "root" }\n' +
        'resource "aws_ecs_task_definition" "this" {\n  family = "svc"\n' +
        '  container_definitions = jsonencode([{ name = "app", image = "nginx", user = var.user }])\n}\n',
    );
    const reportOf = async (root: string, name: string) => {
      const out = path.join(tree, name);
      await runCli(['scan', root, '--checks', 'no-root-user', '--format', `json:${out}`], { cwd: tree });
      return out;
    };
    const first = await reportOf('infra', 'first.json');
    writeFileSync(module, readFileSync(module, 'utf8').replace('default = "root"', 'default = "1000"'));
    const second = await reportOf('infra', 'second.json');
    const run = await runCli(['diff', first, second], { cwd: tree });
    assert.match(run.stdout, /^ {2}new 0, fixed 1, unchanged 0$/m);
    assert.equal(run.code, 0, run.stdout);
    // Given only part of those paths, the later scan may not have followed the call: not verified.
    const narrow = readFileSync(second, 'utf8').replace('"paths": [\n      "infra"\n    ]', '"paths": [\n      "infra/other"\n    ]');
    writeFileSync(path.join(tree, 'narrow.json'), narrow);
    const partial = await runCli(['diff', first, path.join(tree, 'narrow.json')], { cwd: tree });
    assert.match(partial.stdout, /^ {2}new 0, fixed 0, unchanged 0, not verified 1 \(not scanned in /m);
    assert.equal(partial.code, 2);
    rmSync(tree, { recursive: true, force: true });
  });

  it('a resource that could not be read after is "not verified", never "fixed"', async () => {
    await scan('before', before);
    writeFileSync(
      path.join(dir, 'broken.json'),
      JSON.stringify({
        version: 1,
        findings: ['no-root-user', 'no-privileged-containers'].map((checkId) => ({
          checkId,
          status: 'ERROR',
          severity: 'high',
          message: 'unreadable',
          container: null,
          field: null,
          resource: { kind: 'file', source: 'terraform', id: 'aws_ecs_task_definition.web', file: 'x.tf' },
        })),
      }),
    );
    const run = await runCli(['diff', before, path.join(dir, 'broken.json')]);
    assert.match(run.stdout, /^ {2}new 0, fixed 1, unchanged 0, not verified 2 \(could not be read in /m);
    assert.equal(run.code, 2);
  });

  it('a file the later scan could not parse (only an errors entry, no findings): its findings are not verified', async () => {
    const folder = path.join(dir, 'parse');
    mkdirSync(folder, { recursive: true });
    const td = path.join(folder, 'td.json');
    writeFileSync(td, JSON.stringify({ family: 'f', containerDefinitions: [{ name: 'a', image: 'x', user: 'root' }] }, null, 2));
    const first = path.join(dir, 'parse-before.json');
    const second = path.join(dir, 'parse-after.json');
    assert.equal((await runCli(['scan', folder, '--format', `json:${first}`])).code, 1);
    writeFileSync(td, '{"family": "f", "containerDefinitions": [{"name": "a" "image": "x", "user": "root"}]}');
    assert.equal((await runCli(['scan', folder, '--format', `json:${second}`])).code, 2);
    const run = await runCli(['diff', first, second]);
    assert.match(run.stdout, /^ {2}new 0, fixed 0, unchanged 0, not verified 1 \(could not be read in /m);
    assert.equal(run.code, 2);
  });

  it('identity ignores revision numbers and lines, and keeps accounts and regions apart', () => {
    const live = (arn: string, region: string, accountId: string) => ({
      checkId: 'no-root-user',
      container: 'app',
      field: 'containerDefinitions[0].user',
      resource: { kind: 'aws' as const, source: 'aws', id: arn, arn, family: 'web', region, accountId },
    });
    const a = findingIdentity(live('arn:aws:ecs:us-east-1:111111111111:task-definition/web:7', 'us-east-1', '111111111111'));
    assert.equal(
      a,
      findingIdentity({
        ...live('arn:aws:ecs:us-east-1:111111111111:task-definition/web:9', 'us-east-1', '111111111111'),
        field: 'containerDefinitions[3].user',
      }),
    );
    assert.notEqual(a, findingIdentity(live('arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7', 'eu-west-1', '111111111111')));
    assert.notEqual(a, findingIdentity(live('arn:aws:ecs:us-east-1:222222222222:task-definition/web:7', 'us-east-1', '222222222222')));
  });

  it('an unreadable baseline is a usage error', async () => {
    writeFileSync(path.join(dir, 'not-a-report.json'), '{"findings": 3}');
    const run = await runCli(['diff', path.join(dir, 'not-a-report.json'), before]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `ecsguard: ${path.join(dir, 'not-a-report.json')} is not an ecsguard JSON report (version 1 or 2, from "ecsguard scan --format ` +
        `json"): version: Invalid option: expected one of 1|2\n`,
    );
  });
});

describe('diff across remediation batches', () => {
  it('diffs each batch against the one before, then overall', async () => {
    const mid = path.join(dir, 'mid');
    mkdirSync(mid, { recursive: true });
    // Batch 1 fixed privileged only; batch 2 (the "after" folder) also added the sidecar.
    writeFileSync(
      path.join(mid, 'app.tf'),
      `resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx", user = "root" }])
}

resource "aws_ecs_task_definition" "worker" {
  family       = "worker"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = "job", image = "busybox", user = "0" }])
}
`,
    );
    const batch1 = path.join(dir, 'batch1.json');
    await scan('before', before);
    await scan('mid', batch1);
    await scan('after', after);
    const run = await runCli(['diff', before, batch1, after]);
    assert.equal(run.code, 1);
    const heads = run.stdout.split('\n').filter((l) => /^(Batch \d|Overall)|^ {2}new /.test(l));
    assert.deepEqual(heads, [
      `Batch 1: ecsguard diff ${before} → ${batch1}`,
      '  new 0, fixed 1, unchanged 2',
      `Batch 2: ecsguard diff ${batch1} → ${after}`,
      '  new 1, fixed 0, unchanged 2',
      `Overall: ecsguard diff ${before} → ${after}`,
      '  new 1, fixed 1, unchanged 2',
    ]);
    const json = JSON.parse((await runCli(['diff', before, batch1, after, '--format', 'json'])).stdout);
    assert.deepEqual(
      json.batches.map((b: { fixed: unknown[]; new: unknown[] }) => [b.fixed.length, b.new.length]),
      [
        [1, 0],
        [0, 1],
      ],
    );
    assert.equal(json.overall.unchanged.length, 2);
  });
});
