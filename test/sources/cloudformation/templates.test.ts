import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { field, toPlain } from '../../../src/model/value.js';
import { FIXTURES, at, definition, loadFixture, span } from './load.js';

describe('seed 000, option 1: host networking with a non-root user', () => {
  it('reads the task definition with ECS keys, every property and exact ranges', async () => {
    const output = await loadFixture('seed-000-host-nonroot.yaml');
    assert.deepEqual(output.errors, []);
    assert.deepEqual(output.failures, []);
    assert.equal(output.definitions.length, 1);
    const def = definition(output, 'ECSTaskDefinition');
    assert.deepEqual(def.resource, {
      kind: 'file',
      source: 'cloudformation',
      id: 'ECSTaskDefinition',
      file: 'cloudformation/seed-000-host-nonroot.yaml',
      family: 'my-secure-task',
    });
    // The definition spans the resource, from its logical id to its last property.
    assert.equal(span(def), '9:3-29:22');
    assert.deepEqual(toPlain(def.body), {
      family: 'my-secure-task',
      networkMode: 'host',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: 'my-container',
          image: 'nginx:latest',
          essential: true,
          user: '1000:1000',
          portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
          linuxParameters: { capabilities: { drop: ['ALL'] } },
          memory: 512,
        },
      ],
    });
    const user = at(def, 'containerDefinitions', 0, 'user');
    assert.equal(span(user), '20:17-20:28');
    assert.equal(user.syntax, 'yaml');
    const userEntry = at(def, 'containerDefinitions', 0);
    assert.equal(userEntry.kind, 'object');
    if (userEntry.kind === 'object') {
      const entry = userEntry.entries.find((e) => e.key === 'user');
      assert.equal(entry?.sourceKey, 'User');
      assert.equal(span({ range: entry?.keyRange }), '20:11-20:15');
    }
    // Offsets index the file text, so a fixer can splice exactly the value.
    const text = readFileSync(path.join(FIXTURES, 'seed-000-host-nonroot.yaml'), 'utf8');
    assert.equal(text.slice(user.range?.start.offset, user.range?.end.offset), '"1000:1000"');
  });

  it('resolves !Ref to a parameter Default: the Default node, with the Ref as its origin', async () => {
    const def = definition(await loadFixture('seed-000-host-nonroot.yaml'), 'ECSTaskDefinition');
    const family = at(def, 'family');
    assert.equal(family.kind, 'string');
    assert.equal(span(family), '6:14-6:28'); // where `Default: my-secure-task` is written
    assert.equal(family.origin?.expression, '!Ref TaskDefinitionFamily');
    assert.equal(span({ range: family.origin?.range }), '12:15-12:40');
  });
});

describe('seed 004: Fargate task without privileged containers', () => {
  it('keeps user-defined map keys, leaves parameters without Default unresolved', async () => {
    const output = await loadFixture('seed-004-no-privileged.yaml');
    assert.deepEqual(output.errors, []);
    const def = definition(output, 'TaskDefinition');
    assert.equal(def.resource.family, undefined); // !Ref TaskFamily has no Default
    assert.deepEqual(at(def, 'family'), {
      kind: 'unresolved',
      expression: '!Ref TaskFamily',
      reason: 'parameter TaskFamily has no Default',
      range: at(def, 'family').range,
      syntax: 'yaml',
    });
    assert.equal(span(at(def, 'family')), '19:15-19:30');
    const options = at(def, 'containerDefinitions', 0, 'logConfiguration', 'options');
    assert.equal(options.kind, 'object');
    if (options.kind === 'object') {
      assert.deepEqual(
        options.entries.map((e) => e.key),
        ['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix'],
      );
    }
    const group = at(def, 'containerDefinitions', 0, 'logConfiguration', 'options', 'awslogs-group');
    assert.equal(group.kind, 'unresolved');
    if (group.kind === 'unresolved') {
      assert.equal(group.expression, '!Sub "/ecs/${TaskFamily}"');
      assert.equal(group.reason, '${TaskFamily} cannot be resolved: parameter TaskFamily has no Default');
    }
    const region = at(def, 'containerDefinitions', 0, 'logConfiguration', 'options', 'awslogs-region');
    assert.deepEqual(
      [region.kind, region.kind === 'unresolved' && region.reason],
      ['unresolved', 'pseudo parameter AWS::Region depends on the deployment'],
    );
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0)), {
      name: 'app',
      essential: true,
      privileged: false,
      readonlyRootFilesystem: true,
      user: '1000:1000',
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'app' } },
    });
    // Quoted numbers stay strings, as CloudFormation passes them.
    assert.deepEqual(at(def, 'cpu'), { kind: 'string', value: '256', range: at(def, 'cpu').range, syntax: 'yaml' });
  });
});

describe('cdk synth output (JSON, long-form intrinsics, asset parameters)', () => {
  it('reads only the task definition, with JSON ranges and unresolved asset images', async () => {
    const output = await loadFixture('cdk-synth.template.json');
    assert.deepEqual(output.errors, []);
    assert.deepEqual(
      output.definitions.map((d) => d.resource),
      [
        {
          kind: 'file',
          source: 'cloudformation',
          id: 'WebTaskDef9B4D1E59',
          file: 'cloudformation/cdk-synth.template.json',
          family: 'WebStackWebTaskDef1A2B3C4D',
        },
      ],
    );
    const def = definition(output, 'WebTaskDef9B4D1E59');
    const privileged = at(def, 'containerDefinitions', 0, 'privileged');
    assert.deepEqual([privileged.kind, privileged.syntax, span(privileged)], ['boolean', 'json', '40:21-40:25']);
    const image = at(def, 'containerDefinitions', 1, 'image');
    assert.equal(image.kind, 'unresolved');
    if (image.kind === 'unresolved') {
      assert.equal(image.expression, '{ "Ref": "AssetParameters4f2c1b9aImageName" }');
      assert.equal(image.reason, 'parameter AssetParameters4f2c1b9aImageName has no Default');
    }
    const role = at(def, 'taskRoleArn');
    assert.equal(role.kind === 'unresolved' && role.reason, 'Fn::GetAtt is known only after deployment');
    // FirelensConfiguration.Options is the user's map; its keys stay as written.
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 1, 'firelensConfiguration')), {
      type: 'fluentbit',
      options: { 'enable-ecs-log-metadata': 'true' },
    });
    assert.equal(field(def.body, 'Metadata'), undefined);
  });
});

describe('a template without task definitions', () => {
  it('yields nothing and no error', async () => {
    assert.deepEqual(await loadFixture('no-task-definitions.yaml'), { definitions: [], failures: [], errors: [] });
  });
});

describe('multi-document YAML', () => {
  it('reads every document', async () => {
    const output = await loadFixture('multi-document.yaml');
    assert.deepEqual(output.errors, []);
    assert.deepEqual(
      output.definitions.map((d) => [d.resource.id, span(d)]),
      [
        ['ApiTaskDefinition', '4:3-11:28'],
        ['WorkerTaskDefinition', '15:3-22:21'],
      ],
    );
    assert.deepEqual(toPlain(at(definition(output, 'WorkerTaskDefinition'), 'containerDefinitions', 0, 'user')), 'root');
  });
});
