import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { describeValue } from '../../../src/model/value.js';
import { FIXTURES, at, definition, loadFixture, loadText } from './load.js';

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.container ?? '-',
  f.field ?? '-',
  f.location ? `${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

describe("a parameter's AllowedValues: what a deployment may choose instead of the Default", () => {
  it('the resolved value carries the other allowed values, as strings, where they are written', async () => {
    const def = definition(await loadFixture('parameter-allowed-values.yaml'), 'MetricsAgentTaskDefinition');
    const networkMode = at(def, 'networkMode');
    assert.equal(describeValue(networkMode), '"awsvpc"');
    assert.deepEqual(
      networkMode.origin?.alternatives?.values.map((v) => [v.kind, describeValue(v), v.range?.start.line, v.range?.start.column]),
      [['string', '"host"', 9, 29]],
    );
    assert.equal(networkMode.origin?.alternatives?.source, 'parameter NetworkMode, AllowedValues');
    const user = at(def, 'containerDefinitions', 1, 'user');
    assert.deepEqual(user.origin?.alternatives?.values.map(describeValue), ['"root"']);
  });

  it('checks that pass as written NOTE the allowed value, or combination, under which they would fail', async () => {
    const result = await scan({ paths: [path.join(FIXTURES, 'parameter-allowed-values.yaml')], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    const host = 'networkMode allows "host" (parameter NetworkMode, AllowedValues)';
    assert.deepEqual(result.findings.map(brief), [
      [
        'NOTE',
        'host-network-nonroot-user',
        'agent',
        'networkMode',
        '8:14',
        `container "agent": ${host}; under "host", in host network mode, user is not set, so the container runs as the image's ` +
          'default user, which is root unless the image sets USER',
      ],
      [
        'NOTE',
        'host-network-nonroot-user',
        'exporter',
        'networkMode',
        '8:14',
        `container "exporter": ${host} and user allows "root" (parameter AgentUser, AllowedValues); under "host" and "root", in host ` +
          'network mode, user "root" is the root user',
      ],
      [
        'NOTE',
        'host-network-no-privilege',
        'agent',
        'networkMode',
        '8:14',
        `container "agent": ${host} and privileged allows "true" (parameter AgentPrivileged, AllowedValues); under "host" and ` +
          '"true", in host network mode, privileged is "true"',
      ],
      [
        'NOTE',
        'host-network-no-privilege',
        'exporter',
        'networkMode',
        '8:14',
        `container "exporter": ${host} and user allows "root" (parameter AgentUser, AllowedValues); under "host" and "root", in host ` +
          'network mode, user "root" is the root user',
      ],
      ['NOTE', 'no-host-network', '-', 'networkMode', '8:14', `${host}; under "host", the task would use host network mode`],
      [
        'NOTE',
        'no-privileged-containers',
        'agent',
        'containerDefinitions[0].privileged',
        '13:14',
        'container "agent": privileged allows "true" (parameter AgentPrivileged, AllowedValues); under "true", privileged is "true"',
      ],
      [
        'NOTE',
        'no-root-user',
        'exporter',
        'containerDefinitions[1].user',
        '17:14',
        'container "exporter": user allows "root" (parameter AgentUser, AllowedValues); under "root", user "root" is the root user',
      ],
      [
        'FAIL',
        'no-root-user',
        'agent',
        'containerDefinitions[0].user',
        '29:11',
        'container "agent": user is not set, so the container runs as the image\'s default user, which is root unless the image sets USER',
      ],
    ]);
  });

  it('no NOTE when every allowed value passes, and a FAIL under the Default stays a FAIL', async () => {
    const template = (defaultMode: string) => `Parameters:
  Mode:
    Type: String
    Default: ${defaultMode}
    AllowedValues: [awsvpc, bridge, host]
  Uid:
    Type: Number
    Default: 1000
    AllowedValues: [1000, 2000]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: !Ref Mode
      ContainerDefinitions:
        - Name: app
          User: !Ref Uid
`;
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    try {
      writeFileSync(path.join(dir, 'bridge.yaml'), template('bridge'));
      writeFileSync(path.join(dir, 'host.yaml'), template('host'));
      const bridge = await scan({ paths: [path.join(dir, 'bridge.yaml')], checks: CHECKS });
      // Uid's allowed values are non-root, so only no-host-network notes the allowed host mode.
      assert.deepEqual(bridge.findings.map(brief), [
        [
          'NOTE',
          'no-host-network',
          '-',
          'networkMode',
          '4:14',
          'networkMode allows "host" (parameter Mode, AllowedValues); under "host", the task would use host network mode',
        ],
      ]);
      const host = await scan({ paths: [path.join(dir, 'host.yaml')], checks: CHECKS });
      assert.deepEqual(host.findings.map(brief), [['FAIL', 'no-host-network', '-', 'networkMode', '4:14', 'networkMode is "host"']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a list parameter and AllowedValues that are not a list carry no alternatives', async () => {
    const output = await loadText(`Parameters:
  Users:
    Type: CommaDelimitedList
    Default: "1000,2000"
    AllowedValues: ["1000,2000", "0,0"]
  Mode:
    Type: String
    Default: awsvpc
    AllowedValues: host
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: !Ref Mode
      ContainerDefinitions:
        - Name: app
          User: !Select [0, !Ref Users]
`);
    const def = definition(output, 'Task');
    assert.equal(at(def, 'networkMode').origin?.alternatives, undefined);
    assert.equal(at(def, 'containerDefinitions', 0, 'user').origin?.alternatives, undefined);
  });

  it('a key of Fn::FindInMap with AllowedValues: the entries other values select are the alternatives', async () => {
    const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Environment:
    Type: String
    Default: production
    AllowedValues: [production, staging]
Mappings:
  NetworkByEnvironment:
    production:
      Mode: awsvpc
    staging:
      Mode: host
Resources:
  AgentTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: !FindInMap [NetworkByEnvironment, !Ref Environment, Mode]
      ContainerDefinitions:
        - Name: agent
          Image: example/agent
          User: '1000'
`;
    const output = await loadText(template);
    assert.deepEqual(output.errors, []);
    const networkMode = at(definition(output, 'AgentTaskDefinition'), 'networkMode');
    assert.deepEqual(
      [describeValue(networkMode), networkMode.origin?.alternatives?.values.map((v) => [describeValue(v), v.range?.start.line])],
      ['"awsvpc"', [['"host"', 12]]],
    );
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    try {
      writeFileSync(path.join(dir, 'agent.yaml'), template);
      const result = await scan({ paths: [path.join(dir, 'agent.yaml')], checks: CHECKS });
      // The container sets a non-root user, so only no-host-network has something to note.
      assert.deepEqual(result.findings.map(brief), [
        [
          'NOTE',
          'no-host-network',
          '-',
          'networkMode',
          '10:13',
          'networkMode allows "host" (parameter Environment, AllowedValues, through Fn::FindInMap); under "host", the task would use ' +
            'host network mode',
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an allowed value that would fail and a note on the value as written are said together', async () => {
    const template = `Parameters:
  Privileged:
    Type: String
    Default: 'false'
    AllowedValues: ['false', 'true']
  AppUser:
    Type: String
    Default: '1000:0'
    AllowedValues: ['1000:0', root]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          User: !Ref AppUser
          Privileged: !Ref Privileged
`;
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-cfn-'));
    try {
      writeFileSync(path.join(dir, 'task.yaml'), template);
      const result = await scan({ paths: [path.join(dir, 'task.yaml')], checks: CHECKS });
      assert.deepEqual(result.findings.map(brief), [
        [
          'NOTE',
          'no-privileged-containers',
          'app',
          'containerDefinitions[0].privileged',
          '4:14',
          'container "app": privileged allows "true" (parameter Privileged, AllowedValues); under "true", privileged is "true"',
        ],
        [
          'NOTE',
          'no-root-user',
          'app',
          'containerDefinitions[0].user',
          '8:14',
          'container "app": user allows "root" (parameter AppUser, AllowedValues); under "root", user "root" is the root user; note: ' +
            'user "1000:0" is not root, but its group is root (gid 0): files owned by group root are open to it',
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
