import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALIAS_EXPANSION_BUDGET } from '../../../src/sources/cloudformation/yaml-tree.js';
import { at, definition, loadFixture, loadText } from './load.js';

describe('bad CloudFormation input never crashes and never passes silently', () => {
  it('YAML syntax errors: every one, with positions, and no definitions from the file', async () => {
    const output = await loadFixture('broken-syntax.yaml');
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(
      output.errors.map((e) => [e.file, e.line, e.column, e.message]),
      [
        [
          'cloudformation/broken-syntax.yaml',
          9,
          11,
          'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        ],
        ['cloudformation/broken-syntax.yaml', 9, 23, 'invalid YAML: Nested mappings are not allowed in compact mappings'],
        ['cloudformation/broken-syntax.yaml', 9, 23, 'invalid YAML: Implicit keys need to be on a single line'],
        ['cloudformation/broken-syntax.yaml', 10, 20, 'invalid YAML: Nested mappings are not allowed in compact mappings'],
      ],
    );
  });

  it('JSON syntax errors in a JSON template that is not YAML either', async () => {
    const output = await loadText(
      '{\n  "Resources": {\n    "T": {"Type": "AWS::ECS::TaskDefinition" "Properties": {}}\n  }\n}\n',
      'stack.template.json',
    );
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(output.errors, [{ file: 'stack.template.json', line: 3, column: 46, message: 'invalid JSON: comma expected' }]);
  });

  it('a resource Type that is not a name is an error, not a resource passed over unread', async () => {
    const output = await loadText(
      'Resources:\n  T:\n    Type: [AWS::ECS::TaskDefinition]\n    Properties:\n' +
        '      ContainerDefinitions: [{Name: a, Image: x, Privileged: true}]\n',
    );
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.message]),
      [[3, 11, 'resource T: Type must be a resource type name, found an array']],
    );
  });

  it('a template that is JSON but for a trailing comma is read as JSON (comments too), with a warning; flow mappings: YAML', async () => {
    const template = (q: string) =>
      `{${q}Resources${q}: {${q}T${q}: {${q}Type${q}: "AWS::ECS::TaskDefinition", ${q}Properties${q}: ` +
      `{${q}ContainerDefinitions${q}: [{${q}Name${q}: "app", ${q}Image${q}: "nginx", ${q}Privileged${q}: true},]}}}}\n`;
    // A trailing comma: JSON as meant, read past it (YAML would misread a comment, JSON's `//`, as part of a key).
    const trailing = await loadText(template('"'), 'stack.template.json');
    assert.deepEqual(trailing.errors, []);
    assert.deepEqual(trailing.warnings, [
      {
        file: 'stack.template.json',
        line: 1,
        column: 152,
        message: 'invalid JSON: value expected: a trailing comma, which JSON does not allow (read past it)',
      },
    ]);
    assert.equal(at(definition(trailing, 'T'), 'containerDefinitions', 0, 'privileged').kind, 'boolean');
    assert.equal(definition(trailing, 'T').body.syntax, 'json');
    const commented = await loadText(
      '{"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{\n' +
        '  "Name": "agent",\n  // needs the host\'s devices\n  "Privileged": true,\n}]}}}}\n',
      'stack.json',
    );
    assert.equal(at(definition(commented, 'T'), 'containerDefinitions', 0, 'privileged').kind, 'boolean');
    // A YAML template written as one flow mapping, unquoted keys: no warning, and YAML it is.
    const flow = await loadText(template(''), 'stack.yaml');
    assert.deepEqual([flow.errors, flow.warnings ?? []], [[], []]);
    assert.equal(definition(flow, 'T').body.syntax, 'yaml');
    assert.equal(at(definition(flow, 'T'), 'containerDefinitions', 0, 'privileged').kind, 'boolean');
  });

  it('a billion-laughs alias bomb stops at the budget and is reported at the outermost alias', async () => {
    const output = await loadFixture('alias-bomb.yaml');
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(output.errors, [
      {
        file: 'cloudformation/alias-bomb.yaml',
        line: 6,
        column: 47,
        message: `YAML aliases expand to too many nodes (more than ${ALIAS_EXPANSION_BUDGET})`,
      },
    ]);
  });

  it('ordinary aliases are expanded', async () => {
    const output = await loadText(`AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: a
          User: &user "1000:1000"
        - Name: b
          User: *user
`);
    assert.deepEqual(output.errors, []);
    const b = at(definition(output, 'Task'), 'containerDefinitions', 1, 'user');
    assert.deepEqual([b.kind, b.kind === 'string' && b.value, b.range?.start.line], ['string', '1000:1000', 8]);
  });

  it('a recursive alias is reported, not followed forever', async () => {
    const output = await loadText("AWSTemplateFormatVersion: '2010-09-09'\nLoop: &loop\n  - *loop\nResources: {}\n");
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.message]),
      [[3, 5, 'YAML alias *loop refers to a node that contains it']],
    );
  });

  it('unknown tags, a wrong Fn::If, and Properties that are not a mapping', async () => {
    const output = await loadFixture('invalid-shapes.yaml');
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.resource, e.message]),
      [[13, 35, undefined, 'unknown YAML tag !Bogus: not a CloudFormation intrinsic function']],
    );
    // The malformed Fn::If leaves its value unknown in place: a warning, every verdict is still produced.
    assert.deepEqual(
      (output.warnings ?? []).map((e) => [e.line, e.column, e.resource, e.message]),
      [
        [
          12,
          23,
          'BadIfTaskDefinition',
          'resource BadIfTaskDefinition: Fn::If needs [condition name, value if true, value if false], found 2 arguments',
        ],
      ],
    );
    const readonly = at(definition(output, 'BadIfTaskDefinition'), 'containerDefinitions', 0, 'readonlyRootFilesystem');
    assert.deepEqual([readonly.kind, readonly.kind === 'unresolved' && readonly.expression], ['unresolved', '!Bogus yes']);
    assert.deepEqual(output.failures, [
      {
        resource: {
          kind: 'file',
          source: 'cloudformation',
          id: 'StringPropertiesTaskDefinition',
          file: 'cloudformation/invalid-shapes.yaml',
        },
        error: {
          file: 'cloudformation/invalid-shapes.yaml',
          line: 28,
          column: 17,
          resource: 'StringPropertiesTaskDefinition',
          message: 'resource StringPropertiesTaskDefinition: Properties must be a mapping, found a string',
        },
        // Its ERROR findings point at the resource, from its logical id to its last line.
        range: {
          file: 'cloudformation/invalid-shapes.yaml',
          start: { line: 26, column: 3, offset: 638 },
          end: { line: 28, column: 30, offset: 734 },
        },
      },
    ]);
    // Shapes inside Properties are passed through for normalizeTaskDefinition to report.
    assert.equal(at(definition(output, 'NotAListTaskDefinition'), 'containerDefinitions').kind, 'object');
    assert.equal(at(definition(output, 'NoNameTaskDefinition'), 'containerDefinitions', 0).kind, 'object');
  });

  it('a template that is not a mapping, or whose Resources is not a mapping', async () => {
    const list = await loadText("- AWSTemplateFormatVersion: '2010-09-09'\n");
    assert.deepEqual(
      list.errors.map((e) => [e.line, e.column, e.message]),
      [[1, 1, 'a CloudFormation template must be a mapping, found array']],
    );
    const resources = await loadText("AWSTemplateFormatVersion: '2010-09-09'\nResources: [a, b]\n");
    assert.deepEqual(
      resources.errors.map((e) => [e.line, e.column, e.message]),
      [[2, 12, 'Resources must be a mapping, found array']],
    );
  });

  it('a task definition without Properties is passed on empty (the engine says it has no containers)', async () => {
    const output = await loadText("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Empty:\n    Type: AWS::ECS::TaskDefinition\n");
    assert.deepEqual(output.errors, []);
    assert.deepEqual(definition(output, 'Empty').body.entries, []);
  });
});
