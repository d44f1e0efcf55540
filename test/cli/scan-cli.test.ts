import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { colorsFor } from '../../src/cli/output.js';
import { REPO_ROOT, fixture, runCli } from '../support/cli.js';

const REGISTER_INPUT = fixture('json', 'register-input.json');

describe('ecsguard scan: exit codes', () => {
  it('1 when a check fails', async () => {
    assert.equal((await runCli(['scan', REGISTER_INPUT])).code, 1);
  });

  it('0 when nothing fails', async () => {
    const run = await runCli(['scan', 'examples/json/web-secure-host.json', '--skip-checks', 'no-host-network']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it('0 when failures are below --fail-on', async () => {
    // register-input.json fails a high (privileged) and a medium (root) check.
    assert.equal((await runCli(['scan', REGISTER_INPUT, '--checks', 'no-root-user', '--fail-on', 'high'])).code, 0);
    assert.equal((await runCli(['scan', REGISTER_INPUT, '--fail-on', 'high'])).code, 1);
  });

  it('2 when an input cannot be read, even if others fail', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, fixture('json', 'invalid-syntax.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /test\/fixtures\/json\/invalid-syntax\.json:5:3: invalid JSON: comma expected/);
    assert.match(run.stdout, /privileged is true/);
  });

  it('2 with a clear message for an unknown check id', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, '--checks', 'no-root,no-privileged-containers']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'ecsguard: unknown check id: no-root (see "ecsguard checks"; groups: default, host-breach, hardening, all)\n');
  });

  it('2 for an unknown option, 0 for --help and --version', async () => {
    assert.equal((await runCli(['scan', '--no-such-flag'])).code, 2);
    const help = await runCli(['scan', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 nothing failing, 1 failing findings, 2 usage error/);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('--fail-on-unknown turns UNKNOWN into a failure', async () => {
    const doc = JSON.stringify({ family: 'x', containerDefinitions: [{ name: 'a', image: 'b', user: '1000', privileged: 'maybe' }] });
    assert.equal((await runCli(['scan', '-', '--checks', 'no-privileged-containers'], { input: doc })).code, 0);
    assert.equal((await runCli(['scan', '-', '--checks', 'no-privileged-containers', '--fail-on-unknown'], { input: doc })).code, 1);
  });
});

describe('ecsguard scan --format json: the public contract', () => {
  it('has exactly the documented shape', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, '--format', 'json']);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(report), ['version', 'tool', 'scope', 'findings', 'errors', 'warnings', 'skipped', 'summary']);
    assert.equal(report.version, 2);
    assert.deepEqual(report.scope, { folder: REPO_ROOT, paths: [REGISTER_INPUT], live: [] });
    assert.equal(report.tool.name, 'ecsguard');
    assert.deepEqual(report.findings[0], {
      checkId: 'no-root-user',
      status: 'FAIL',
      severity: 'medium',
      title: 'Every container sets a non-root user',
      message: 'container "worker": user "0" is uid 0 (root)',
      container: 'worker',
      field: 'containerDefinitions[0].user',
      resource: {
        kind: 'file',
        source: 'json',
        file: 'test/fixtures/json/register-input.json',
        id: 'reporting-worker',
        family: 'reporting-worker',
        revision: null,
        arn: null,
        region: null,
        accountId: null,
        declaredAt: null,
      },
      location: { file: 'test/fixtures/json/register-input.json', startLine: 12, startColumn: 21, endLine: 12, endColumn: 24 },
      usage: null,
      remediation: 'Give the image a non-root USER and set user to it (for example "1000:1000") in every container definition.',
      effectiveUser: null,
      suppression: null,
      containerIndex: 0,
      fieldPath: ['containerDefinitions', '0', 'user'],
      fix: {
        changes: [
          { container: 'worker', containerIndex: 0, path: ['containerDefinitions', '0', 'user'], operation: 'set', value: '1000:1000' },
        ],
        warnings: [
          'container "worker": the image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/reporting:3.2.0 may need a USER and file ' +
            'permissions for uid 1000 (files it writes, volumes it mounts); images built to run as root must be rebuilt',
        ],
        manual: [],
        // The edit replaces `"0"`, where the finding is located.
        edits: [
          {
            file: REGISTER_INPUT,
            startLine: 12,
            startColumn: 21,
            endLine: 12,
            endColumn: 24,
            offset: readFileSync(REGISTER_INPUT, 'utf8').indexOf('"user": "0"') + '"user": '.length,
            length: '"0"'.length,
            text: '"1000:1000"',
          },
        ],
      },
      peers: [
        {
          tool: 'aws-config',
          rule: 'ecs-task-definition-linux-user-non-root',
          control: 'ECS.20',
          verdict: 'FAIL',
          why: 'user "0" is one of the documented default root users for Linux ("root", "0")',
        },
        {
          tool: 'aws-config',
          rule: 'ecs-task-definition-windows-user-non-admin',
          control: 'ECS.21',
          verdict: 'PASS',
          why: 'user "0" is not one of the documented default administrator users for Windows',
        },
        {
          tool: 'aws-config',
          rule: 'ecs-task-definition-nonroot-user',
          verdict: 'NOT_EVALUATED',
          why:
            'user "0" is not literally one of the documented root users ("root"); AWS does not document how the rule reads uid:gid, ' +
            'zero-padded or case-variant forms',
        },
        { tool: 'prowler', verdict: 'NOT_COVERED', why: 'Prowler has no rule for this check' },
        { tool: 'cis', verdict: 'NOT_COVERED', why: 'CIS AWS Compute v1.1.0 has no rule for this check' },
        { tool: 'checkov', verdict: 'NOT_COVERED', why: 'Checkov has no rule for this check' },
        { tool: 'trivy', verdict: 'NOT_COVERED', why: 'Trivy has no rule for this check' },
      ],
    });
    assert.deepEqual(report.summary, {
      filesScanned: 1,
      filesSkipped: 0,
      taskDefinitions: 1,
      liveRevisions: 0,
      findings: { FAIL: 2, UNKNOWN: 0, ERROR: 0, MUTED: 0, NOTE: 0, PASS: 0 },
      errors: 0,
      warnings: 0,
      exitCode: 1,
    });
  });

  it('paths stay as given: relative stays relative, absolute stays absolute', async () => {
    const absolute = path.resolve(REGISTER_INPUT);
    const report = JSON.parse((await runCli(['scan', absolute, '--format', 'json'])).stdout);
    assert.equal(report.findings[0].resource.file, absolute);
    assert.equal(report.findings[0].location.file, absolute);
  });

  it('errors carry file, line and column', async () => {
    const report = JSON.parse((await runCli(['scan', fixture('json', 'invalid-syntax.json'), '--format', 'json'])).stdout);
    assert.deepEqual(report.errors, [
      {
        file: 'test/fixtures/json/invalid-syntax.json',
        line: 5,
        column: 3,
        region: null,
        operation: null,
        resource: null,
        message: 'invalid JSON: comma expected',
      },
    ]);
    assert.equal(report.summary.exitCode, 2);
  });

  it('--include-passed adds one PASS per check and task definition', async () => {
    const report = JSON.parse((await runCli(['scan', REGISTER_INPUT, '--format', 'json', '--include-passed'])).stdout);
    assert.deepEqual(
      report.findings.filter((f: { status: string }) => f.status === 'PASS').map((f: { checkId: string }) => f.checkId),
      ['host-network-nonroot-user', 'host-network-no-privilege', 'no-host-network'],
    );
  });

  it('--output writes the report to a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-out-'));
    try {
      const out = path.join(dir, 'report.json');
      const run = await runCli(['scan', REGISTER_INPUT, '--format', 'json', '--output', out]);
      assert.equal(run.stdout, '');
      assert.equal(JSON.parse(readFileSync(out, 'utf8')).summary.findings.FAIL, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads standard input with "-"', async () => {
    const run = await runCli(['scan', '-', '--format', 'json'], { input: readFileSync(REGISTER_INPUT) });
    const report = JSON.parse(run.stdout);
    assert.equal(report.findings[0].resource.file, '<stdin>');
    assert.equal(report.summary.findings.FAIL, 2);
  });
});

describe('ecsguard scan: text output', () => {
  it('groups findings under the file and resource, then a summary line', async () => {
    const run = await runCli(['scan', REGISTER_INPUT]);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'test/fixtures/json/register-input.json › reporting-worker');
    assert.match(lines[1] ?? '', /^ {2}12:21 +FAIL +medium +no-root-user +container "worker": user "0" is uid 0 \(root\)$/);
    assert.match(lines[2] ?? '', /^ {2}13:27 +FAIL +high +no-privileged-containers +container "worker": privileged is true$/);
    assert.equal(lines.at(-2), '1 task definition checked from 1 file: 2 failed, 0 unknown, 0 not evaluated (failing findings, exit 1)');
    assert.doesNotMatch(run.stdout, /\u001b\[/, 'no colour codes when NO_COLOR is set');
  });

  it('an unreadable resource is one line for all checks, and input errors are listed', async () => {
    const run = await runCli(['scan', fixture('cloudformation', 'invalid-shapes.yaml')]);
    assert.equal(run.code, 2);
    assert.match(
      run.stdout,
      new RegExp(
        /\n {2}26:3 +ERROR +high +all 5 checks +not evaluated: resource StringPropertiesTaskDefinition: Properties must/.source +
          / be a mapping, found a string\n/.source,
      ),
    );
    assert.match(run.stdout, /\nInput errors \(3\): what these name was not read, or not fully checked\n/);
    // A list that is not a list leaves the task-level checks their verdicts (no networkMode: they pass).
    assert.match(run.stdout, /\n {2}18:9 +ERROR +high +all 2 checks +not evaluated: container definitions must be a list, found object\n/);
    // A malformed Fn::If (its value is UNKNOWN in place) and a container without a name are warnings: every check was evaluated.
    assert.match(
      run.stdout,
      new RegExp(
        /\nWarnings \(2\): every check was still evaluated\n/.source +
          / {2}test\/fixtures\/cloudformation\/invalid-shapes\.yaml:12:23: resource BadIfTaskDefinition: Fn::If needs \[condition/.source +
          / name, value if true, value if false\], found 2 arguments\n/.source +
          / {2}test\/fixtures\/cloudformation\/invalid-shapes\.yaml:24:11: task definition NoNameTaskDefinition: container/.source +
          / definition #0 has no name \(ECS requires one\)\n/.source,
      ),
    );
    assert.match(run.stdout, /\n {2}test\/fixtures\/cloudformation\/invalid-shapes\.yaml:13:35: unknown YAML tag !Bogus/);
  });

  it('a plan resource names the .tf block it was declared in', async () => {
    const run = await runCli(['scan', fixture('terraform', 'plan', 'plan.json')]);
    assert.match(
      run.stdout,
      new RegExp(
        /^test\/fixtures\/terraform\/plan\/plan\.json › module\.svc\.aws_ecs_task_definition\.this\["api"\] \(family/.source +
          / api\), declared at test\/fixtures\/terraform\/plan\/modules\/svc\/main\.tf:1$/.source,
        'm',
      ),
    );
    const report = JSON.parse((await runCli(['scan', fixture('terraform', 'plan', 'plan.json'), '--format', 'json'])).stdout);
    const api = report.findings.find(
      (f: { resource: { id: string } }) => f.resource.id === 'module.svc.aws_ecs_task_definition.this["api"]',
    );
    assert.equal(api.resource.declaredAt.file, 'test/fixtures/terraform/plan/modules/svc/main.tf');
    assert.equal(api.resource.declaredAt.startLine, 1);
  });

  it('colours on request (FORCE_COLOR) and not with NO_COLOR', async () => {
    const coloured = await runCli(['scan', REGISTER_INPUT], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    assert.match(coloured.stdout, /\u001b\[/);
  });

  it('FORCE_COLOR=0 or false turns colour off even on a terminal', () => {
    const terminal = { isTTY: true } as unknown as NodeJS.WritableStream;
    assert.equal(colorsFor(terminal, {}).isColorSupported, true);
    for (const value of ['0', 'false']) assert.equal(colorsFor(terminal, { FORCE_COLOR: value }).isColorSupported, false, value);
  });

  it('--output that no report would be written to is a usage error, not silently ignored', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-output-'));
    const run = await runCli(['scan', REGISTER_INPUT, '--format', `json:${path.join(dir, 'a.json')}`, '-o', path.join(dir, 'b.json')]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      `ecsguard: --output ${path.join(dir, 'b.json')} would be written by no report: every --format names its own file\n`,
    );
  });
});

describe('ecsguard checks', () => {
  it('lists every check id with its mappings', async () => {
    const run = await runCli(['checks', '--format', 'json']);
    const catalogue = JSON.parse(run.stdout);
    assert.deepEqual(
      catalogue.checks.map((c: { id: string }) => c.id),
      [
        'no-privileged-containers',
        'no-root-user',
        'host-network-nonroot-user',
        'host-network-no-privilege',
        'no-host-network',
        'no-host-pid-namespace',
        'no-host-ipc-namespace',
        'no-dangerous-capabilities',
        'no-sensitive-host-mounts',
        'no-secrets-in-environment',
        'readonly-root-filesystem',
        'drop-all-capabilities',
        'logging-configured',
        'efs-transit-encryption',
      ],
    );
    assert.deepEqual(catalogue.checks.filter((c: { default?: boolean }) => c.default !== false).length, 5);
    const hostNoPrivilege = catalogue.checks.find((c: { id: string }) => c.id === 'host-network-no-privilege');
    assert.deepEqual(hostNoPrivilege.mappings.cis, ['3.1']);
    assert.deepEqual(hostNoPrivilege.mappings.awsConfig, ['ecs-task-definition-user-for-host-mode-check']);
  });

  it('markdown has a table row per check', async () => {
    const run = await runCli(['checks', '--format', 'markdown']);
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('| `')).length, 14);
  });
});
