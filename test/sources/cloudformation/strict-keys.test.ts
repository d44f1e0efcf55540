import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { field } from '../../../src/model/value.js';
import { workspace } from '../../fix/helpers.js';
import { at, definition, loadText } from './load.js';

const MERGED = `Resources:
  A:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - &base
          Name: c
          Image: i
          User: "0"
          Privileged: true
        - <<: *base
          Name: d
`;

describe('YAML merge keys (<<), which CloudFormation does not support', () => {
  it('are reported at the << key, and the mapping holding one is unreadable, not missing fields', async () => {
    const output = await loadText(MERGED);
    assert.deepEqual(
      output.errors.map((e) => `${e.message} @${e.line}:${e.column}`),
      ['YAML merge keys (<<) are not supported by CloudFormation @11:11'],
    );
    const containers = at(definition(output, 'A'), 'containerDefinitions');
    assert.equal(containers.kind, 'array');
    assert.equal(containers.kind === 'array' && containers.items[1]?.kind, 'unresolved');
    // The anchored container itself is read as usual.
    assert.equal(at(definition(output, 'A'), 'containerDefinitions', 0, 'privileged').kind, 'boolean');
  });

  it('scan: container d is UNKNOWN for every check, never "user is not set"', async () => {
    const result = await scan({ paths: [workspace({ 'a.yaml': MERGED })], checks: CHECKS });
    const messages = result.findings.map((f) => `${f.status} ${f.checkId} ${f.message}`);
    assert.ok(!messages.some((m) => m.includes('"d"')), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('UNKNOWN no-root-user') && m.includes('<<: *base')),
      messages.join('\n'),
    );
    assert.ok(result.errors.some((e) => e.message === 'YAML merge keys (<<) are not supported by CloudFormation'));
  });

  it('a quoted "<<" is an ordinary key, not a merge', async () => {
    const output = await loadText(MERGED.replace('<<: *base', "'<<': x"));
    assert.ok(!output.errors.some((e) => e.message.includes('merge')), output.errors.map((e) => e.message).join('\n'));
  });
});

const WRONG_CASE = `Resources:
  A:
    Type: AWS::ECS::TaskDefinition
    Properties:
      family: f
      ContainerDefinitions:
        - Name: c
          Image: i
          user: root
          PRIVILEGED: true
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: g, mode: non-blocking}
          DockerLabels: {user: x, Privileged: y}
`;

describe('property names are case-sensitive, as in CloudFormation', () => {
  it('a key that matches a property only case-insensitively is reported at the key, and is not that field', async () => {
    const output = await loadText(WRONG_CASE);
    // A field no check judges (Family) is a warning; one a check judges (User, Privileged) hides its verdict: an error.
    assert.deepEqual(
      (output.warnings ?? []).map((e) => `${e.message} @${e.line}:${e.column}`),
      ['unknown property family in resource A: CloudFormation property names are case-sensitive (did you mean Family?) @5:7'],
    );
    assert.deepEqual(
      output.errors.map((e) => `${e.message} @${e.line}:${e.column}`),
      [
        'unknown property user in container definition c: CloudFormation property names are case-sensitive (did you mean User?) @9:11',
        'unknown property PRIVILEGED in container definition c: CloudFormation property names are case-sensitive (did you mean ' +
          'Privileged?) @10:11',
      ],
    );
    const def = definition(output, 'A');
    assert.equal(field(def.body, 'family'), undefined);
    assert.equal(def.resource.family, undefined);
    const container = at(def, 'containerDefinitions', 0);
    // A judged field is there, unresolved: its checks are UNKNOWN, never PASS on a "not set" nobody meant.
    const unread = (key: string) => {
      const node = field(container, key);
      return node?.kind === 'unresolved' ? node.expression : node?.kind;
    };
    assert.equal(unread('user'), 'user (not the property User: CloudFormation rejects it)');
    assert.equal(unread('privileged'), 'PRIVILEGED (not the property Privileged: CloudFormation rejects it)');
    assert.equal(at(def, 'containerDefinitions', 0, 'logConfiguration', 'logDriver').kind, 'string');
  });

  it('keys of user-defined maps stay exactly as written', async () => {
    const def = definition(await loadText(WRONG_CASE), 'A');
    const labels = at(def, 'containerDefinitions', 0, 'dockerLabels');
    const options = at(def, 'containerDefinitions', 0, 'logConfiguration', 'options');
    assert.deepEqual(labels.kind === 'object' && labels.entries.map((e) => e.key), ['user', 'Privileged']);
    assert.deepEqual(options.kind === 'object' && options.entries.map((e) => e.key), ['awslogs-group', 'mode']);
  });

  it('the same rule holds for JSON templates', async () => {
    const json = JSON.stringify({
      Resources: { A: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Name: 'c', privileged: true }] } } },
    });
    const output = await loadText(json, 'template.json');
    assert.deepEqual(
      output.errors.map((e) => e.message),
      [
        'unknown property privileged in container definition c: CloudFormation property names are case-sensitive (did you mean ' +
          'Privileged?)',
      ],
    );
    assert.equal(field(at(definition(output, 'A'), 'containerDefinitions', 0), 'privileged')?.kind, 'unresolved');
  });
});

// The misspelt key of AWS CloudFormation Guard's own ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK test case.
const MISSPELT = `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: host
      ContainerDefinitions:
        - Name: ContainerA
          User: root
          Privileged': true
        - Name: ContainerB
          Priviliged: true
          Usr: "1000"
          HealthCheck: {Command: [CMD, "true"]}
`;

describe('a misspelt property a check reads is an error, never "not set"', () => {
  it('reports keys within two edits of a judged property at the key, and reads the field as unresolved', async () => {
    const output = await loadText(MISSPELT);
    assert.deepEqual(
      output.errors.map((e) => `${e.message} @${e.line}:${e.column}`),
      [
        "unknown property Privileged' in container definition ContainerA: not a CloudFormation property (did you mean Privileged?) @9:11",
        'unknown property Priviliged in container definition ContainerB: not a CloudFormation property (did you mean Privileged?) @11:11',
      ],
    );
    // Too short to guess (Usr) and known names (HealthCheck) are left alone.
    assert.deepEqual(output.warnings ?? [], []);
    const container = at(definition(output, 'TaskDefinition'), 'containerDefinitions', 0);
    assert.equal(field(container, 'privileged')?.kind, 'unresolved');
    // ContainerB writes it twice wrong; Usr is no guess: user stays absent (root by default, as the check says).
    assert.equal(field(at(definition(output, 'TaskDefinition'), 'containerDefinitions', 1), 'user'), undefined);
  });
});
