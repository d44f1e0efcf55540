import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { commentDirectives } from '../../src/mute/inline.js';
import { fixture, runCli } from '../support/cli.js';

interface JsonFinding {
  checkId: string;
  status: string;
  container: string | null;
  suppression: { source: string; expired?: boolean } | null;
}

async function scanJson(args: string[]) {
  const run = await runCli(['scan', ...args, '--format', 'json']);
  const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
  const summary = report.findings.map((f) => {
    const muted = f.suppression ? ` <- ${f.suppression.source}${f.suppression.expired ? ' (expired)' : ''}` : '';
    return `${f.status} ${f.checkId}${f.container ? ` ${f.container}` : ''}${muted}`;
  });
  return { run, report, summary };
}

describe('inline suppressions', () => {
  it('YAML comments above the resource, above the container and on the field line', async () => {
    const { run, summary, report } = await scanJson([fixture('programme', 'inline.yaml')]);
    assert.equal(run.code, 1);
    assert.deepEqual(summary, [
      'MUTED no-host-network <- test/fixtures/programme/inline.yaml:4',
      'FAIL no-root-user collector <- test/fixtures/programme/inline.yaml:11 (expired)',
      'FAIL host-network-nonroot-user collector',
      'FAIL host-network-no-privilege collector',
      'MUTED no-root-user forwarder <- test/fixtures/programme/inline.yaml:17',
      'FAIL host-network-nonroot-user forwarder',
      'FAIL no-privileged-containers forwarder',
      'FAIL host-network-no-privilege forwarder',
    ]);
    assert.deepEqual(report.findings[0]?.suppression, {
      kind: 'inline',
      source: 'test/fixtures/programme/inline.yaml:4',
      reason: "Shippers bind the node's syslog port",
      owner: 'observability',
      expires: '2099-01-31',
    });
  });

  it('HCL comments (# and //) above the resource block and above a container object', async () => {
    const { run, summary } = await scanJson([fixture('programme', 'inline.tf')]);
    assert.equal(run.code, 1);
    assert.deepEqual(summary, [
      'MUTED no-host-network <- test/fixtures/programme/inline.tf:1',
      'MUTED no-root-user exporter <- test/fixtures/programme/inline.tf:6',
      'FAIL host-network-nonroot-user exporter',
      'FAIL no-privileged-containers exporter',
      'FAIL host-network-no-privilege exporter',
    ]);
  });

  it("on the field's line when its value is elsewhere (a parameter, a variable, a YAML anchor): that container only", async () => {
    const { run, summary } = await scanJson([
      fixture('programme', 'inline-indirect.yaml'),
      fixture('programme', 'inline-indirect.tf'),
      fixture('programme', 'inline-alias.yaml'),
    ]);
    assert.equal(run.code, 1);
    assert.deepEqual(summary, [
      'FAIL no-root-user loader',
      'MUTED no-root-user reporter <- test/fixtures/programme/inline-alias.yaml:10',
      'MUTED no-root-user exporter <- test/fixtures/programme/inline-indirect.tf:12',
      'FAIL no-privileged-containers exporter',
      'FAIL no-root-user indexer',
      'MUTED no-root-user migrator <- test/fixtures/programme/inline-indirect.yaml:19',
      'FAIL no-privileged-containers migrator',
    ]);
  });

  it('a suppression that mutes nothing is a warning: on a line no finding is anchored at, or for a check that passes there', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-inline-'));
    const file = path.join(dir, 'stack.yaml');
    writeFileSync(
      file,
      [
        'Resources:',
        '  Agent:',
        '    # ecsguard:ignore no-privileged-containers reason="above Type, not the resource line"',
        '    Type: AWS::ECS::TaskDefinition',
        '    Properties:',
        '      ContainerDefinitions:',
        '        - Name: agent',
        '          Image: public.ecr.aws/example/agent:1',
        '          User: "1000" # ecsguard:ignore no-root-user reason="no longer root"',
        '          Privileged: true # ecsguard:ignore no-host-network reason="not a check this scan runs"',
        '',
      ].join('\n'),
    );
    const run = await runCli(['scan', file, '--checks', 'no-privileged-containers,no-root-user']);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `ecsguard: warning: ${file}:3: inline suppression mutes nothing: no failing or unknown no-privileged-containers finding is on ` +
        "line 4 (the resource's, a container's or a field's first line)\n" +
        `ecsguard: warning: ${file}:9: inline suppression mutes nothing: no failing or unknown no-root-user finding is on line 9 ` +
        "(the resource's, a container's or a field's first line)\n",
    );
  });

  it('each anchor is matched with the directives of its own file: a line number in one file never mutes in another', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-inline-'));
    const write = (name: string, lines: string[]) => writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
    write('main.tf', [
      'resource "aws_ecs_task_definition" "legacy" {',
      '  family = "legacy"',
      '  container_definitions = jsonencode([',
      '    {',
      '      name  = "legacy"',
      '      user  = "0" # ecsguard:ignore no-root-user reason="legacy image, OPS-12"',
      '      image = "legacy:1"',
      '    }',
      '  ])',
      '}',
      'resource "aws_ecs_task_definition" "api" {',
      '  family                = "api"',
      '  container_definitions = jsonencode([{ name = "api", image = "api:2", user = var.api_user }])',
      '}',
      'resource "aws_ecs_task_definition" "agent" {',
      '  family                = "agent"',
      '  container_definitions = jsonencode([{ name = "agent", image = "agent:7", user = var.agent_user }])',
      '}',
      'resource "aws_ecs_task_definition" "batch" {',
      '  family                = "batch"',
      '  container_definitions = jsonencode([{ name = "batch", image = "batch:1", user = var.batch_user }])',
      '}',
    ]);
    // Line 6 here is the default of api_user: the directive on main.tf:6 is not on it.
    write('variables.tf', [
      'variable "region" {',
      '  default = "eu-west-1"',
      '}',
      '',
      'variable "api_user" {',
      '  default = "root"',
      '}',
      'variable "agent_user" {',
      '  default = "0" # ecsguard:ignore no-root-user reason="reads the host logs, SEC-9"',
      '}',
      'variable "batch_user" {}',
    ]);
    write('terraform.tfvars', ['batch_user = "0" # ecsguard:ignore no-root-user reason="batch image, OPS-31"']);
    const { run, summary } = await scanJson([dir]);
    assert.equal(run.code, 1);
    assert.deepEqual(summary, [
      `MUTED no-root-user batch <- ${path.join(dir, 'terraform.tfvars')}:1`,
      'FAIL no-root-user api',
      `MUTED no-root-user agent <- ${path.join(dir, 'variables.tf')}:9`,
      `MUTED no-root-user legacy <- ${path.join(dir, 'main.tf')}:6`,
    ]);
  });

  it('YAML read as the sources read it: a quoted line CloudFormation continues is text; a .template is YAML', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-inline-'));
    const template = (extra: string) =>
      [
        'Resources:',
        '  Task:',
        '    Type: AWS::ECS::TaskDefinition',
        '    Properties:',
        '      ContainerDefinitions:',
        '        - Name: agent',
        '          Image: nginx',
        '          User: "1000"',
        '          Environment:',
        '            - Name: MOTD',
        '              Value: "Agent notes:',
        '              # ecsguard:ignore no-privileged-containers reason=see-wiki"',
        `          Privileged: true${extra}`,
        '',
      ].join('\n');
    writeFileSync(path.join(dir, 'stack.yaml'), template(''));
    writeFileSync(path.join(dir, 'stack.template'), template(' # ecsguard:ignore no-privileged-containers reason="agent, SEC-3"'));
    const { run, summary } = await scanJson([dir]);
    assert.equal(run.code, 1);
    assert.deepEqual(summary, [
      `MUTED no-privileged-containers agent <- ${path.join(dir, 'stack.template')}:13`,
      'FAIL no-privileged-containers agent',
    ]);
  });

  it('a directive naming several checks warns for each check it muted nothing of', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-inline-'));
    const file = path.join(dir, 'td.yaml');
    writeFileSync(
      file,
      'family: web\ncontainerDefinitions:\n  # ecsguard:ignore no-root-user,no-privileged-containers reason="agent"\n' +
        '  - name: agent\n    image: nginx\n    user: "0"\n',
    );
    const run = await runCli(['scan', file]);
    assert.equal(run.code, 0);
    assert.equal(
      run.stderr,
      `ecsguard: warning: ${file}:3: inline suppression mutes nothing: no failing or unknown no-privileged-containers finding is on ` +
        "line 4 (the resource's, a container's or a field's first line)\n",
    );
  });

  it('CloudFormation Metadata in a JSON template mutes the whole resource for that check', async () => {
    const { run, report } = await scanJson([fixture('programme', 'inline-metadata.template.json')]);
    assert.equal(run.code, 0);
    assert.deepEqual(
      report.findings.map((f) => [f.status, f.checkId, f.suppression]),
      [
        [
          'MUTED',
          'no-privileged-containers',
          {
            kind: 'inline',
            source: 'test/fixtures/programme/inline-metadata.template.json:9',
            reason: 'EBS CSI node agent mounts block devices',
            expires: '2099-03-31',
          },
        ],
      ],
    );
  });

  it('--no-inline-suppressions ignores them all (audits)', async () => {
    for (const name of ['inline.yaml', 'inline.tf', 'inline-metadata.template.json']) {
      const { run, report } = await scanJson([fixture('programme', name), '--no-inline-suppressions']);
      assert.equal(run.code, 1, name);
      assert.equal(report.findings.filter((f) => f.status === 'MUTED' || f.suppression).length, 0, name);
    }
  });

  it('SARIF marks inline suppressions inSource with the justification', async () => {
    const run = await runCli(['scan', fixture('programme', 'inline.tf'), '--format', 'sarif']);
    const results = JSON.parse(run.stdout).runs[0].results as Array<{ ruleId: string; suppressions?: unknown }>;
    assert.deepEqual(results.find((r) => r.ruleId === 'no-root-user')?.suppressions, [
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'Needs /proc of the host',
        properties: { source: 'test/fixtures/programme/inline.tf:6', expires: '2099-12-31' },
      },
    ]);
  });

  it('a malformed directive is a warning naming file and line, and mutes nothing', () => {
    const text = [
      'resource "aws_ecs_task_definition" "a" {',
      '  # ecsguard:ignore no-root-user',
      '  family = "a"',
      '  # ecsguard:ignore no-root reason="typo"',
      '  network_mode = "host" # ecsguard:ignore no-host-network reason="x" expires=2027-13-01',
      '  # ecsguard:ignore reason="no id"',
      '}',
      '# ecsguard:ignore no-root-user reason="dangling"',
      '',
    ].join('\n');
    const { directives, problems } = commentDirectives(text, 'a.tf');
    assert.deepEqual(directives, []);
    assert.deepEqual(problems, [
      { file: 'a.tf', line: 2, message: 'inline suppression ignored: a reason is required (reason="...")' },
      { file: 'a.tf', line: 4, message: 'inline suppression ignored: unknown check id no-root (see "ecsguard checks")' },
      { file: 'a.tf', line: 5, message: 'inline suppression ignored: expires must be a date as YYYY-MM-DD, got "2027-13-01"' },
      {
        file: 'a.tf',
        line: 6,
        message: 'inline suppression ignored: name the check id(s) to ignore, e.g. "ecsguard:ignore no-root-user reason=\\"...\\""',
      },
      {
        file: 'a.tf',
        line: 8,
        message: 'inline suppression ignored: nothing follows it (put it on or right above the resource, container or field)',
      },
    ]);
  });

  it('YAML: a directive is a comment only where the YAML lexer says so, not text in a script or a string', () => {
    const text = [
      'Resources:',
      '  Task:',
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      '      ContainerDefinitions:',
      '        - Name: migrate',
      '          EntryPoint:',
      '            - |',
      '              set -e',
      '              # ecsguard:ignore no-privileged-containers reason="shell text"',
      '          Privileged: true',
      "          Command: ['run',",
      '            \'# ecsguard:ignore no-root-user reason="quoted text"\']',
      '          User: root',
      '          Essential: true # ecsguard:ignore no-host-network reason="a comment"',
      '          Image: x#ecsguard:ignore no-root-user reason="plain text"',
      '',
    ].join('\n');
    assert.deepEqual(commentDirectives(text, 't.yaml'), {
      directives: [{ file: 't.yaml', line: 15, targetLine: 15, checks: ['no-host-network'], reason: 'a comment' }],
      problems: [],
    });
    // The same lines read as HCL comments: the YAML reading is what tells them apart.
    assert.equal(commentDirectives(text, 't.tf').directives.length, 3);
  });

  it('several check ids, quoted values with spaces, and stacked comments', () => {
    const text =
      '# ecsguard:ignore no-root-user,no-host-network reason="two words" owner="Team A"\n# another comment\nresource "x" "y" {\n';
    assert.deepEqual(commentDirectives(text, 'b.tf').directives, [
      { file: 'b.tf', line: 1, targetLine: 3, checks: ['no-root-user', 'no-host-network'], reason: 'two words', owner: 'Team A' },
    ]);
  });
});
