import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlain } from '../../../src/model/value.js';
import { at, definition, loadText, span } from './load.js';

// CloudFormation accepts a key written twice and deploys the last one (for YAML as for JSON), so a duplicate
// is not an input error here either: the last occurrence is what is checked.
describe('duplicate keys: the last occurrence wins, as CloudFormation deploys it', () => {
  it('a property written twice in YAML: the last value is read, at its own line', async () => {
    const output = await loadText(`Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Privileged: false
          Image: nginx
          Privileged: true
`);
    assert.deepEqual(output.errors, []);
    const privileged = at(definition(output, 'Task'), 'containerDefinitions', 0, 'privileged');
    assert.deepEqual([toPlain(privileged), span(privileged)], [true, '9:23-9:27']);
  });

  it('a logical id written twice: one task definition, the last one', async () => {
    for (const [syntax, text] of [
      [
        'yaml',
        `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: old, Privileged: true}]
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: new, User: "1000"}]
`,
      ],
      [
        'json',
        `{"Resources": {
  "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "old", "Privileged": true}]}},
  "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "new", "User": "1000"}]}}
}}
`,
      ],
    ] as const) {
      const output = await loadText(text, `template.${syntax}`);
      assert.deepEqual(output.errors, [], syntax);
      assert.deepEqual(
        output.definitions.map((d) => [d.resource.id, toPlain(at(d, 'containerDefinitions')), d.range?.start.line]),
        [['Task', [{ name: 'new', user: '1000' }], syntax === 'yaml' ? 6 : 3]],
        syntax,
      );
    }
  });
});
