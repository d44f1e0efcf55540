import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../support/cli.js';

/** A project with the config at its root and the scan run from a subfolder (found upward). */
function project(config: string, name = 'ecsguard.config.yaml') {
  const root = mkdtempSync(path.join(tmpdir(), 'ecsguard-config-'));
  mkdirSync(path.join(root, 'infra'));
  cpSync(path.join(REPO_ROOT, 'test/fixtures/json/register-input.json'), path.join(root, 'infra/register-input.json'));
  writeFileSync(
    path.join(root, 'exceptions.yaml'),
    'version: 1\nexceptions:\n  - {id: worker-root, checks: no-root-user, containers: worker, reason: vendor image, owner: platform, ' +
      'expires: 2099-01-01}\n',
  );
  writeFileSync(path.join(root, name), config);
  return root;
}

describe('config file', () => {
  it('is found upward from the working folder and sets checks, exceptions and formats (paths relative to it)', async () => {
    const root = project(
      'version: 1\nchecks: [no-root-user]\nexceptions: exceptions.yaml\nformat: ["json", "html:reports/ecsguard.html"]\n',
    );
    mkdirSync(path.join(root, 'reports'));
    const run = await runCli(['scan', '.'], { cwd: path.join(root, 'infra') });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.findings.map((f: { checkId: string; status: string }) => `${f.status} ${f.checkId}`),
      ['MUTED no-root-user'],
    );
    assert.equal(report.findings[0].suppression.source, '../exceptions.yaml:3 (exception worker-root)');
    assert.ok(existsSync(path.join(root, 'reports/ecsguard.html')));
  });

  it('command-line flags win over the config file', async () => {
    const root = project('checks: no-root-user\nfailOn: critical\nformat: json\n', '.ecsguard.yaml');
    const fromConfig = await runCli(['scan', 'infra'], { cwd: root });
    assert.equal(fromConfig.code, 0);
    const flags = await runCli(['scan', 'infra', '--checks', 'no-privileged-containers', '--fail-on', 'high', '--format', 'text'], {
      cwd: root,
    });
    assert.equal(flags.code, 1);
    assert.match(flags.stdout, /FAIL {4}high {5}no-privileged-containers/);
    assert.doesNotMatch(flags.stdout, /no-root-user/);
  });

  it('--config names the file; --no-config ignores them', async () => {
    const root = project('checks: no-root-user\n');
    writeFileSync(path.join(root, 'audit.yaml'), 'inlineSuppressions: false\nchecks: [no-privileged-containers]\nfailOn: high\n');
    const explicit = await runCli(['scan', 'infra', '--config', 'audit.yaml', '--format', 'json'], { cwd: root });
    assert.deepEqual(
      JSON.parse(explicit.stdout).findings.map((f: { checkId: string }) => f.checkId),
      ['no-privileged-containers'],
    );
    const none = await runCli(['scan', 'infra', '--no-config', '--format', 'json'], { cwd: root });
    assert.deepEqual(
      JSON.parse(none.stdout).findings.map((f: { checkId: string }) => f.checkId),
      ['no-root-user', 'no-privileged-containers'],
    );
  });

  it('an invalid config names the file, line and setting (exit 2)', async () => {
    const root = project('version: 1\nfailon: high\nscope: everything\nasffAccountId: "12"\n');
    const run = await runCli(['scan', 'infra'], { cwd: root });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      [
        'ecsguard: invalid config file ecsguard.config.yaml:',
        '  ecsguard.config.yaml:3: scope: Invalid option: expected one of "latest"|"active"|"in-use"|"all"',
        '  ecsguard.config.yaml:4: asffAccountId: expected a 12-digit AWS account id',
        '  ecsguard.config.yaml:2: failon: unknown setting (see docs/config.md)',
        '',
      ].join('\n'),
    );
    const badFormat = project('format: [json, pdf]\nchecks: [no-root-user, no-privileged-contaners]\n');
    const r = await runCli(['scan', 'infra'], { cwd: badFormat });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      [
        'ecsguard: invalid config file ecsguard.config.yaml:',
        '  ecsguard.config.yaml:2: checks: unknown check id "no-privileged-contaners" (see "ecsguard checks"; groups: default, ' +
          'host-breach, hardening, all)',
        '  ecsguard.config.yaml:1: format: unknown format "pdf" (choose from text, json, sarif, junit, csv, ocsf, asff, html)',
        '',
      ].join('\n'),
    );
  });

  it("--checks on the command line is not cut down by the config file's skipChecks", async () => {
    const root = project('version: 1\nskipChecks: no-root-user\n');
    const run = await runCli(['scan', 'infra', '--checks', 'no-root-user', '--format', 'json'], { cwd: root });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: Array<{ checkId: string }> };
    assert.ok(report.findings.length > 0);
    assert.deepEqual([...new Set(report.findings.map((f) => f.checkId))], ['no-root-user']);
  });

  it('example config in docs/config.md is valid', async () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/config.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] as string;
    const root = project(example);
    writeFileSync(path.join(root, 'ecsguard-exceptions.yaml'), 'version: 1\nexceptions: []\n');
    mkdirSync(path.join(root, 'reports'));
    const run = await runCli(['scan', 'infra'], { cwd: root });
    assert.equal(run.code, 1, run.stderr);
    assert.ok(existsSync(path.join(root, 'reports/ecsguard.sarif')));
  });
});

describe('config file and ecsguard fix', () => {
  it('fix takes its defaults from the fix section; scan-only settings do not leak into fix or diff', async () => {
    const root = project('format: [json, "html:report.html"]\nfix:\n  user: "2000:2000"\n');
    const run = await runCli(['fix', 'infra'], { cwd: root });
    assert.match(run.stdout, /^\+ {12}"user": "2000:2000",$/m);
    assert.doesNotMatch(run.stdout, /^\{/);
    const flag = await runCli(['fix', 'infra', '--user', '3000:3000'], { cwd: root });
    assert.match(flag.stdout, /"user": "3000:3000"/);
    assert.doesNotMatch(flag.stdout, /2000:2000/);
  });
});
