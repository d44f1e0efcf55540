import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { FIXTURES } from './load.js';

async function scanFixture(name: string) {
  const file = path.join(FIXTURES, name);
  return scan({ paths: [file], checks: CHECKS });
}

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.resource.id,
  f.container ?? '-',
  f.location ? `${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

describe('CloudFormation end to end through scan()', () => {
  it('!If [UsePriv, true, false] on Privileged fails for the true branch; Ref defaults and "TRUE" strings are judged', async () => {
    const result = await scanFixture('conditions.yaml');
    assert.deepEqual(result.errors, []);
    const agent = result.findings.filter((f) => f.resource.id === 'AgentTaskDefinition' && f.container === 'agent').map(brief);
    assert.deepEqual(agent, [
      // user comes from `AgentUser`'s Default "0" (line 11), reached through !Ref.
      ['FAIL', 'no-root-user', 'AgentTaskDefinition', 'agent', '11:14', 'container "agent": user "0" is uid 0 (root)'],
      [
        'FAIL',
        'host-network-nonroot-user',
        'AgentTaskDefinition',
        'agent',
        '11:14',
        'container "agent": in host network mode, user "0" is uid 0 (root)',
      ],
      // The root user fails whatever UsePriv says: stated without the condition (privileged is reported below).
      [
        'FAIL',
        'host-network-no-privilege',
        'AgentTaskDefinition',
        'agent',
        '11:14',
        'container "agent": in host network mode, user "0" is uid 0 (root)',
      ],
      [
        'FAIL',
        'no-privileged-containers',
        'AgentTaskDefinition',
        'agent',
        '57:37',
        'container "agent": privileged is true when condition UsePriv is true',
      ],
    ]);
    const rootByNumber = result.findings.filter((f) => f.container === 'root-by-number' && f.checkId === 'no-privileged-containers');
    assert.deepEqual(rootByNumber.map(brief), [
      [
        'FAIL',
        'no-privileged-containers',
        'AgentTaskDefinition',
        'root-by-number',
        '82:23',
        'container "root-by-number": privileged is "TRUE"',
      ],
    ]);
    const sidecar = result.findings.filter((f) => f.container === 'sidecar' && f.checkId === 'no-root-user');
    assert.deepEqual(sidecar.map(brief), [
      [
        'UNKNOWN',
        'no-root-user',
        'AgentTaskDefinition',
        'sidecar',
        '76:19',
        'container "sidecar": user is !Ref SidecarUser, which cannot be resolved when condition WithSidecar is true',
      ],
    ]);
    const listUnderIf = result.findings.filter((f) => f.resource.id === 'ConditionalListTaskDefinition').map(brief);
    assert.deepEqual(listUnderIf, [
      [
        'FAIL',
        'no-root-user',
        'ConditionalListTaskDefinition',
        'web',
        '97:19',
        'container "web": user "root" is the root user when condition IsProduction is false',
      ],
    ]);
  });

  it('seed 000 host-mode template: only no-host-network fails; the awsvpc one only lacks a user', async () => {
    const host = await scanFixture('seed-000-host-nonroot.yaml');
    assert.deepEqual(host.errors, []);
    assert.deepEqual(host.findings.map(brief), [['FAIL', 'no-host-network', 'ECSTaskDefinition', '-', '13:20', 'networkMode is "host"']]);
    const awsvpc = await scanFixture('seed-000-awsvpc.yaml');
    assert.deepEqual(
      awsvpc.findings.map((f) => [f.status, f.checkId]),
      [['FAIL', 'no-root-user']],
    );
  });

  it('seed 004 template passes every check', async () => {
    const result = await scanFixture('seed-004-no-privileged.yaml');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.findings, []);
    assert.equal(result.summary.taskDefinitions, 1);
  });

  it('cdk synth JSON: the privileged root container in host mode fails every check', async () => {
    const result = await scanFixture('cdk-synth.template.json');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.map((f) => [f.status, f.checkId, f.container ?? '-']),
      [
        ['FAIL', 'no-privileged-containers', 'web'],
        ['FAIL', 'host-network-no-privilege', 'web'],
        ['FAIL', 'no-root-user', 'web'],
        ['FAIL', 'host-network-nonroot-user', 'web'],
        ['FAIL', 'no-host-network', '-'],
      ],
    );
  });

  it('shape problems become errors with positions and ERROR findings, never a pass', async () => {
    const result = await scanFixture('invalid-shapes.yaml');
    assert.deepEqual(
      result.errors.map((e) => [e.line, e.column, e.resource, e.message]),
      [
        [13, 35, undefined, 'unknown YAML tag !Bogus: not a CloudFormation intrinsic function'],
        // A resource that could not be read is an error entry as well as ERROR findings.
        [28, 17, 'StringPropertiesTaskDefinition', 'resource StringPropertiesTaskDefinition: Properties must be a mapping, found a string'],
        [18, 9, 'NotAListTaskDefinition', 'task definition NotAListTaskDefinition: container definitions must be a list, found object'],
      ],
    );
    // A container without a name and a malformed Fn::If (its value is UNKNOWN in place) stop no check: warnings, not errors.
    assert.deepEqual(
      result.warnings.map((e) => [e.line, e.column, e.resource, e.message]),
      [
        [
          12,
          23,
          'BadIfTaskDefinition',
          'resource BadIfTaskDefinition: Fn::If needs [condition name, value if true, value if false], found 2 arguments',
        ],
        [24, 11, 'NoNameTaskDefinition', 'task definition NoNameTaskDefinition: container definition #0 has no name (ECS requires one)'],
      ],
    );
    const statuses = (id: string) => [...new Set(result.findings.filter((f) => f.resource.id === id).map((f) => f.status))];
    assert.deepEqual(statuses('NotAListTaskDefinition'), ['ERROR']);
    assert.deepEqual(statuses('StringPropertiesTaskDefinition'), ['ERROR']);
    assert.deepEqual(result.findings.filter((f) => f.resource.id === 'BadIfTaskDefinition').map(brief), [
      [
        'UNKNOWN',
        'no-privileged-containers',
        'BadIfTaskDefinition',
        'web',
        '12:23',
        'container "web": privileged is !If [UsePriv, true], which cannot be resolved',
      ],
    ]);
  });

  it('broken YAML and the alias bomb are errors with no findings', async () => {
    for (const name of ['broken-syntax.yaml', 'alias-bomb.yaml']) {
      const result = await scanFixture(name);
      assert.deepEqual(result.findings, [], name);
      assert.ok(result.errors.length > 0, name);
      assert.ok(
        result.errors.every((e) => e.file?.endsWith(name) && typeof e.line === 'number'),
        name,
      );
      assert.equal(result.summary.filesScanned, 1, name);
    }
  });
});
