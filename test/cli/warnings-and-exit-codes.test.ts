import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const NAMELESS_PRIVILEGED = JSON.stringify({
  family: 'nameless',
  containerDefinitions: [{ image: 'nginx', user: '1000', privileged: true }],
});
const NO_CONTAINERS = JSON.stringify({ family: 'empty', networkMode: 'awsvpc', containerDefinitions: [] });
const UNKNOWN_PRIVILEGED = JSON.stringify({
  family: 'x',
  containerDefinitions: [{ name: 'a', image: 'b', user: '1000', privileged: 'maybe' }],
});

describe('warnings are reported in every format and never make the run incomplete', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-warnings-'));
    writeFileSync(path.join(dir, 'nameless.json'), NAMELESS_PRIVILEGED);
    writeFileSync(path.join(dir, 'empty.json'), NO_CONTAINERS);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("JSON: a container without a name is a warning with file, line and column; the exit code is the verdicts'", async () => {
    const file = path.join(dir, 'nameless.json');
    const run = await runCli(['scan', file, '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.warnings, [
      {
        file,
        line: 1,
        column: 46,
        region: null,
        operation: null,
        resource: 'nameless',
        message: 'task definition nameless: container definition #0 has no name (ECS requires one)',
      },
    ]);
    assert.deepEqual(report.summary.findings, { FAIL: 1, UNKNOWN: 0, ERROR: 0, MUTED: 0, NOTE: 0, PASS: 0 });
    assert.equal(report.summary.warnings, 1);
  });

  it('a task definition with no containers: a warning, PASS for container checks, exit 0', async () => {
    const file = path.join(dir, 'empty.json');
    const run = await runCli(['scan', file, '--format', 'json', '--include-passed']);
    assert.equal(run.code, 0, run.stdout);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.warnings.map((w: { line: number; column: number; message: string }) => [w.line, w.column, w.message]),
      [[1, 65, 'task definition empty has an empty container definitions list; container checks have nothing to check']],
    );
    assert.deepEqual(
      report.findings.map((f: { checkId: string; status: string; message: string }) => [f.checkId, f.status, f.message]),
      [
        ['no-privileged-containers', 'PASS', 'the task definition has no container definitions'],
        ['no-root-user', 'PASS', 'the task definition has no container definitions'],
        ['host-network-nonroot-user', 'PASS', 'networkMode is "awsvpc", so the check does not apply'],
        ['host-network-no-privilege', 'PASS', 'networkMode is "awsvpc", so the check does not apply'],
        ['no-host-network', 'PASS', 'networkMode is "awsvpc"'],
      ],
    );
  });

  it('text: warnings have their own section and count in the summary line', async () => {
    const run = await runCli(['scan', path.join(dir, 'empty.json')]);
    assert.equal(run.code, 0);
    assert.equal(
      run.stdout,
      [
        'Warnings (1): every check was still evaluated',
        `  ${path.join(dir, 'empty.json')}:1:65: task definition empty has an empty container definitions list; container checks have ` +
          `nothing to check`,
        '',
        '1 task definition checked from 1 file: 0 failed, 0 unknown, 0 not evaluated, 1 warning (ok, exit 0)',
        '',
      ].join('\n'),
    );
  });

  it('SARIF: warnings are tool execution notifications of level warning; execution stays successful', async () => {
    const run = await runCli(['scan', path.join(dir, 'empty.json'), '--format', 'sarif']);
    const invocation = JSON.parse(run.stdout).runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, true);
    assert.deepEqual(
      invocation.toolExecutionNotifications.map((n: { level: string; message: { text: string } }) => [n.level, n.message.text]),
      [['warning', 'empty: task definition empty has an empty container definitions list; container checks have nothing to check']],
    );
  });
});

describe('exit codes and options', () => {
  it('--fail-on-unknown applies whatever --fail-on says', async () => {
    const args = ['scan', '-', '--checks', 'no-privileged-containers'];
    assert.equal((await runCli([...args, '--fail-on', 'critical'], { input: UNKNOWN_PRIVILEGED })).code, 0);
    assert.equal((await runCli([...args, '--fail-on', 'critical', '--fail-on-unknown'], { input: UNKNOWN_PRIVILEGED })).code, 1);
  });

  it('scan --help says that no paths means the current folder', async () => {
    const help = await runCli(['scan', '--help']);
    assert.match(help.stdout, /none: the current\s+folder, unless --aws/);
    assert.match(help.stdout, /Without paths \(and without --aws\), scan scans the current folder\./);
  });

  it('scan with no paths scans the current folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cwd-'));
    try {
      writeFileSync(path.join(dir, 'td.json'), NAMELESS_PRIVILEGED);
      const run = await runCli(['scan', '--format', 'json'], { cwd: dir });
      assert.equal(run.code, 1);
      assert.deepEqual(
        JSON.parse(run.stdout).findings.map((f: { resource: { file: string } }) => f.resource.file),
        ['td.json'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one bad input never takes down the run', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

  it('100,000 nested arrays on standard input: one error line, exit 2, no stack trace', async () => {
    const run = await runCli(['scan', '-', '--format', 'json'], { input: deep });
    assert.equal(run.code, 2);
    assert.equal(run.stderr, '');
    assert.deepEqual(
      JSON.parse(run.stdout).errors.map((e: { file: string; message: string }) => [e.file, e.message]),
      [['<stdin>', 'nested more than 1000 levels deep ([ and {); not read']],
    );
  });

  it('named with a good file, and inside a folder: its own error, the good file still reported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-deep-'));
    try {
      writeFileSync(path.join(dir, 'deep.json'), deep);
      writeFileSync(path.join(dir, 'td.json'), NAMELESS_PRIVILEGED);
      for (const args of [[path.join(dir, 'deep.json'), path.join(dir, 'td.json')], [dir]]) {
        const run = await runCli(['scan', ...args, '--format', 'json']);
        assert.equal(run.code, 2, run.stderr);
        const report = JSON.parse(run.stdout);
        assert.deepEqual(
          report.errors.map((e: { file: string; message: string }) => [path.basename(e.file), e.message]),
          [['deep.json', 'nested more than 1000 levels deep ([ and {); not read']],
        );
        assert.deepEqual(
          report.findings.map((f: { checkId: string; status: string }) => [f.checkId, f.status]),
          [['no-privileged-containers', 'FAIL']],
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--verbose lists skipped files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-verbose-'));
    mkdirSync(path.join(dir, 'repo'));
    writeFileSync(path.join(dir, 'repo', 'td.json'), NAMELESS_PRIVILEGED);
    writeFileSync(path.join(dir, 'repo', 'package.json'), '{"name": "app"}');
    symlinkSync('gone.json', path.join(dir, 'repo', 'dangling.json'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('without --verbose the summary counts them; with it they are listed with the reason', async () => {
    const repo = path.join(dir, 'repo');
    const quiet = await runCli(['scan', repo, '--checks', 'no-privileged-containers']);
    assert.equal(quiet.code, 1);
    assert.match(
      quiet.stdout,
      new RegExp(
        /\n1 task definition checked from 1 file: 1 failed, 0 unknown, 0 not evaluated, 1 warning, 2 files skipped/.source +
          / \(--verbose lists them\) \(failing findings, exit 1\)\n$/.source,
      ),
    );
    assert.doesNotMatch(quiet.stdout, /Skipped/);
    const verbose = await runCli(['scan', repo, '--checks', 'no-privileged-containers', '--verbose']);
    assert.ok(
      verbose.stdout.includes(
        [
          'Skipped (2)',
          `  ${path.join(repo, 'dangling.json')}: dangling symlink: its target does not exist`,
          `  ${path.join(repo, 'package.json')}: not a task definition (JSON or YAML), a CloudFormation template, Terraform or a ` +
            'Terraform plan',
          '',
        ].join('\n'),
      ),
      verbose.stdout,
    );
    assert.match(verbose.stdout, /, 2 files skipped \(failing findings, exit 1\)\n$/);
    const json = JSON.parse((await runCli(['scan', repo, '--format', 'json'])).stdout);
    assert.deepEqual(
      json.skipped.map((s: { file: string }) => path.basename(s.file)),
      ['dangling.json', 'package.json'],
    );
    assert.equal(json.summary.filesSkipped, 2);
  });
});
