import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { toPlain } from '../../../src/model/value.js';
import { at, definition, loadText } from './load.js';

// CloudFormation reads unquoted YAML 1.1 booleans as booleans (the AWS CLI quotes them in `cloudformation
// package` output for that reason, aws-cli pull request 5257): `Privileged: yes` deploys a privileged container.
const template = (privileged: string, essential: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DebugTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: debug
          Image: public.ecr.aws/docker/library/busybox:1.36
          User: '1000'
          Essential: ${essential}
          Privileged: ${privileged}
          DockerLabels:
            com.example.on-call: ON
`;

describe('YAML 1.1 booleans, as CloudFormation reads them', () => {
  it('unquoted yes/on/no/off (three spellings each) are booleans; quoted ones and y/n stay strings', async () => {
    const cases: Array<[string, unknown]> = [
      ['yes', true],
      ['Yes', true],
      ['YES', true],
      ['on', true],
      ['On', true],
      ['ON', true],
      ['no', false],
      ['No', false],
      ['NO', false],
      ['off', false],
      ['Off', false],
      ['OFF', false],
      ["'yes'", 'yes'],
      ['"on"', 'on'],
      ['y', 'y'],
      ['n', 'n'],
      ['yEs', 'yEs'],
      // Tagged as a boolean, a YAML 1.1 spelling is one (the yaml package's 1.2 schema would leave the string).
      ['!!bool yes', true],
      ['!!bool Off', false],
      ['!!str yes', 'yes'],
    ];
    for (const [yaml, expected] of cases) {
      const output = await loadText(template(yaml, 'true'));
      assert.deepEqual(output.errors, [], yaml);
      assert.deepEqual(toPlain(at(definition(output, 'DebugTaskDefinition'), 'containerDefinitions', 0, 'privileged')), expected, yaml);
    }
  });

  it('user maps too: a label written ON is the boolean CloudFormation passes', async () => {
    const output = await loadText(template('false', 'yes'));
    const def = definition(output, 'DebugTaskDefinition');
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'dockerLabels')), { 'com.example.on-call': true });
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'essential')), true);
  });

  it('through scan(): Privileged: yes fails (it was UNKNOWN, "not a boolean"), Privileged: off passes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    try {
      writeFileSync(path.join(dir, 'yes.yaml'), template('yes', 'true'));
      writeFileSync(path.join(dir, 'off.yaml'), template('off', 'true'));
      const yes = await scan({ paths: [path.join(dir, 'yes.yaml')], checks: CHECKS });
      assert.deepEqual(
        yes.findings.map((f) => [f.status, f.checkId, f.location?.start.line, f.location?.start.column, f.message]),
        [['FAIL', 'no-privileged-containers', 11, 23, 'container "debug": privileged is true']],
      );
      const off = await scan({ paths: [path.join(dir, 'off.yaml')], checks: CHECKS });
      assert.deepEqual(off.findings, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
