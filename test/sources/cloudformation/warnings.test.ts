import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../support/cli.js';

// An undefined Ref in fields no check reads (Name, a port): the privileged container is still a definite FAIL.
const PRIVILEGED_WITH_BAD_REFS = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions:
        - Name: !Ref AppName
          Image: nginx
          User: '1000'
          Privileged: true
          PortMappings:
            - ContainerPort: !Ref AppPort
`;

// An undefined Ref in the field no-root-user reads: that verdict is UNKNOWN, the others stand.
const USER_FROM_UNDEFINED_REF = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: api
      ContainerDefinitions:
        - Name: api
          Image: nginx
          User: !Ref RunAs
`;

interface Entry {
  line: number;
  column: number;
  message: string;
}
interface Finding {
  checkId: string;
  status: string;
}

describe('CloudFormation template mistakes that leave every verdict intact are warnings', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-warnings-'));
    writeFileSync(path.join(dir, 'privileged.yaml'), PRIVILEGED_WITH_BAD_REFS);
    writeFileSync(path.join(dir, 'user.yaml'), USER_FROM_UNDEFINED_REF);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('undefined Refs in Name and a port mapping beside Privileged: true: exit 1, not 2, with both warnings located', async () => {
    const run = await runCli(['scan', path.join(dir, 'privileged.yaml'), '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.warnings.map((w: Entry) => [w.line, w.column, w.message]),
      [
        [8, 17, 'resource Task: Ref to AppName, which is not a parameter or resource of this template'],
        [13, 30, 'resource Task: Ref to AppPort, which is not a parameter or resource of this template'],
      ],
    );
    assert.deepEqual(
      report.findings.filter((f: Finding) => f.status === 'FAIL').map((f: Finding) => f.checkId),
      ['no-privileged-containers'],
    );
    assert.equal(report.summary.exitCode, 1);
  });

  it('text output shows the warning with its line and column', async () => {
    const run = await runCli(['scan', path.join(dir, 'privileged.yaml')]);
    assert.equal(run.code, 1, run.stderr);
    const output = run.stdout + run.stderr;
    assert.match(output, /8:17.*Ref to AppName, which is not a parameter or resource of this template/);
  });

  it('an undefined Ref in User: no-root-user is UNKNOWN, with the warning, and the run is complete', async () => {
    const run = await runCli(['scan', path.join(dir, 'user.yaml'), '--format', 'json', '--include-passed']);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.warnings.map((w: Entry) => [w.line, w.column, w.message]),
      [[10, 17, 'resource Task: Ref to RunAs, which is not a parameter or resource of this template']],
    );
    const status = (id: string) => report.findings.find((f: Finding) => f.checkId === id)?.status;
    assert.equal(status('no-root-user'), 'UNKNOWN');
    assert.equal(status('no-privileged-containers'), 'PASS');
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await runCli(['scan', path.join(dir, 'user.yaml'), '--fail-on-unknown'])).code, 1);
  });
});
