import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { toPlain } from '../../../src/model/value.js';
import { FIXTURES, at, definition, loadFixture, loadText } from './load.js';

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.container ?? '-',
  f.field ?? '-',
  f.location ? `${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

const errorLines = (errors: Array<{ line?: number; column?: number; message: string }>) => errors.map((e) => [e.line, e.column, e.message]);

describe('Rules functions and every intrinsic function CloudFormation accepts', () => {
  it('a Rules section in short and long forms is read without errors, and the container beside it is checked', async () => {
    const result = await scan({ paths: [path.join(FIXTURES, 'rules-and-functions.yaml')], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.findings.map(brief), [
      [
        'FAIL',
        'no-privileged-containers',
        'log-router',
        'containerDefinitions[0].privileged',
        '40:23',
        'container "log-router": privileged is true',
      ],
      // Fn::FindInMap falls back to its DefaultValue, written at line 41.
      ['FAIL', 'no-root-user', 'log-router', 'containerDefinitions[0].user', '41:64', 'container "log-router": user "0" is uid 0 (root)'],
    ]);
  });

  it('Fn::Length and Fn::ToJsonString are evaluated when their argument resolves', async () => {
    const def = definition(await loadFixture('rules-and-functions.yaml'), 'LogRouterTaskDefinition');
    assert.deepEqual(toPlain(at(def, 'cpu')), 4);
    assert.equal(at(def, 'cpu').origin?.expression, '!Length [a, b, c, d]');
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'dockerLabels')), {
      subnets: '{"subnets":["subnet-01","subnet-02"],"count":2}',
    });
  });

  it('the others stay unresolved with the expression as written and why', async () => {
    const def = definition(await loadFixture('rules-and-functions.yaml'), 'LogRouterTaskDefinition');
    const values = [0, 1, 2, 3, 4, 5].map((i) => at(def, 'containerDefinitions', 0, 'environment', i, 'value'));
    assert.deepEqual(
      values.map((v) => [v.kind, v.kind === 'unresolved' ? v.expression : '', v.kind === 'unresolved' ? v.reason : '']),
      [
        ['unresolved', "!Join [',', !Cidr ['10.0.0.0/16', 2, 8]]", 'Fn::Cidr gives subnet address blocks, which no check reads'],
        ['unresolved', "!Select [0, !GetAZs '']", 'Fn::Select of a value that cannot be resolved'],
        ['unresolved', '!ImportValue shared-logs-bucket', "Fn::ImportValue reads another stack's export"],
        ['unresolved', '!GetStackOutput {StackName: network, OutputName: PeerId}', "Fn::GetStackOutput reads another stack's output"],
        ['unresolved', '!ValueOf [VpcId, Tags]', 'Fn::ValueOf is a Rules function, evaluated only in the Rules section'],
        [
          'unresolved',
          '!ToJsonString [!Ref AWS::Region]',
          'Fn::ToJsonString of a value containing !Ref AWS::Region, which cannot be resolved',
        ],
      ],
    );
  });

  it('Fn::Length of a list with an item under Fn::If counts each branch; of a mapping it is an error', async () => {
    const template = (cpu: string) => `Conditions:
  Big: !Equals [a, b]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: ${cpu}
      ContainerDefinitions: [{Name: app, User: "1000"}]
`;
    const conditional = await loadText(template('!Length [a, !If [Big, b, !Ref AWS::NoValue]]'));
    assert.deepEqual(conditional.errors, []);
    const cpu = at(definition(conditional, 'Task'), 'cpu');
    assert.equal(cpu.kind, 'conditional');
    if (cpu.kind !== 'conditional') return;
    assert.deepEqual([cpu.condition, toPlain(cpu.whenTrue), toPlain(cpu.whenFalse)], ['Big', 2, 1]);
    // With a condition Conditions does not define, the count stays unknown.
    const undefinedCondition = await loadText(template('!Length [a, !If [Nope, b, !Ref AWS::NoValue]]'));
    const unknown = at(definition(undefinedCondition, 'Task'), 'cpu');
    assert.deepEqual(
      [unknown.kind, unknown.kind === 'unresolved' && unknown.reason],
      ['unresolved', 'Fn::Length of a list whose items depend on a condition'],
    );
    const mapping = await loadText(template('!Length {a: b}'));
    assert.deepEqual(mapping.errors, []);
    assert.deepEqual(errorLines(mapping.warnings ?? []), [[7, 12, 'resource Task: Fn::Length needs a list, found object']]);
  });
});

describe('Fn::Transform and macros: not supported offline', () => {
  const template = `AWSTemplateFormatVersion: '2010-09-09'
Transform:
  - AWS::LanguageExtensions
  - AWS::Serverless-2016-10-31
  - CompanyEcsDefaults
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  ApiTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          Image: example/api
          Privileged: true
          DockerLabels:
            com.example.env: !Ref Env
          Environment:
            'Fn::Transform':
              Name: AWS::Include
              Parameters:
                Location: s3://config-bucket/api-environment.yaml
`;

  it('Fn::Transform and an unknown template macro are errors at their place; the rest is still checked', async () => {
    const output = await loadText(template);
    assert.deepEqual(errorLines(output.errors), [
      [
        5,
        5,
        'not supported offline: Transform CompanyEcsDefaults rewrites the template at deployment; the task definitions are checked ' +
          'as written, scan the processed template for the deployed result',
      ],
      [
        21,
        13,
        'resource ApiTaskDefinition: not supported offline: Fn::Transform (macro AWS::Include) runs at deployment; scan the ' +
          'processed template',
      ],
    ]);
    assert.deepEqual(
      output.definitions.map((d) => d.resource.id),
      ['ApiTaskDefinition'],
    );
    assert.equal(at(definition(output, 'ApiTaskDefinition'), 'containerDefinitions', 0, 'environment').kind, 'unresolved');
  });

  it('through scan(): the privileged container still fails and the errors are listed, not "must be a mapping"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    const file = path.join(dir, 'workers.yaml');
    writeFileSync(file, template);
    try {
      const result = await scan({ paths: [file], checks: CHECKS });
      assert.deepEqual(
        result.errors.map((e) => [e.line, e.column, e.message.slice(0, 40)]),
        [
          [5, 5, 'not supported offline: Transform Company'],
          [21, 13, 'resource ApiTaskDefinition: not supporte'],
        ],
      );
      assert.deepEqual(result.findings.filter((f) => f.status === 'FAIL').map(brief), [
        [
          'FAIL',
          'no-root-user',
          'api',
          'containerDefinitions[0].user',
          '15:11',
          'container "api": user is not set, so the container runs as the image\'s default user, which is root unless the image sets USER',
        ],
        ['FAIL', 'no-privileged-containers', 'api', 'containerDefinitions[0].privileged', '17:23', 'container "api": privileged is true'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('transforms that never rewrite a task definition are no error', async () => {
    const output = await loadText(
      `Transform: [AWS::Serverless-2016-10-31, {Name: AWS::LanguageExtensions}, ` +
        `AWS::SecretsManager-2020-07-23, AWS::CodeDeployBlueGreen]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: app, User: "1000"}]
`,
    );
    assert.deepEqual(output.errors, []);
  });
});

describe('a function whose arguments hold Fn::If is evaluated once per branch', () => {
  const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
Conditions:
  IsDebug: !Equals [!Ref Env, debug]
  IsLegacy: !Equals [!Ref Env, legacy]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          User: !Join [':', [!If [IsDebug, '0', '1000'], '1000']]
          Privileged: !Select [0, [!If [IsLegacy, 'true', 'false']]]
          Image: !Sub
            - 'example/app:\${Tag}'
            - Tag: !If [IsDebug, debug, !Ref Nowhere]
`;

  it('the result is a conditional of the two values, with each branch located', async () => {
    const output = await loadText(template);
    // The undefined Ref is in one branch only, and is reported once, as a warning.
    assert.deepEqual(output.errors, []);
    assert.deepEqual(errorLines(output.warnings ?? []), [
      [19, 41, 'resource Task: Ref to Nowhere, which is not a parameter or resource of this template'],
    ]);
    const def = definition(output, 'Task');
    const user = at(def, 'containerDefinitions', 0, 'user');
    assert.equal(user.kind, 'conditional');
    if (user.kind !== 'conditional') return;
    assert.deepEqual([user.condition, toPlain(user.whenTrue), toPlain(user.whenFalse)], ['IsDebug', '0:1000', '1000:1000']);
    const image = at(def, 'containerDefinitions', 0, 'image');
    assert.equal(image.kind, 'conditional');
    if (image.kind !== 'conditional') return;
    assert.deepEqual([toPlain(image.whenTrue), image.whenFalse.kind], ['example/app:debug', 'unresolved']);
  });

  it('through scan(): the failing branch is reported with its condition (was UNKNOWN)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    const file = path.join(dir, 'split.yaml');
    writeFileSync(file, template);
    try {
      const result = await scan({ paths: [file], checks: CHECKS });
      assert.deepEqual(result.findings.map(brief), [
        [
          'FAIL',
          'no-root-user',
          'app',
          'containerDefinitions[0].user',
          '15:17',
          'container "app": user "0:1000" is uid 0 (root) when condition IsDebug is true',
        ],
        [
          'FAIL',
          'no-privileged-containers',
          'app',
          'containerDefinitions[0].privileged',
          '16:51',
          'container "app": privileged is "true" when condition IsLegacy is true',
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
