import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cloudFormationSource } from '../../../src/sources/cloudformation/cloudformation-source.js';
import { FILE_SOURCES } from '../../../src/sources/registry.js';
import { FIXTURES } from './load.js';

const detect = (text: string) => cloudFormationSource.detect({ path: 't', text });

describe('CloudFormation detection (by content; a parse only when a type is written unusually)', () => {
  it('accepts templates that name their format version, in YAML and JSON', () => {
    assert.equal(detect("AWSTemplateFormatVersion: '2010-09-09'\n"), true);
    assert.equal(detect('{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}'), true);
  });

  it('accepts a Resources section with AWS:: types (cdk synth omits the version)', () => {
    assert.equal(detect('Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n'), true);
    assert.equal(detect('{"Resources":{"T":{"Type":"AWS::ECS::TaskDefinition"}}}'), true);
    assert.equal(detect(readFileSync(path.join(FIXTURES, 'cdk-synth.template.json'), 'utf8')), true);
  });

  it('accepts a resource type YAML writes over two lines, with a standard tag or through an alias (parsed to decide)', () => {
    const template = (type: string) => `Resources:\n  T:\n    Type: ${type}\n    Properties: {}\n`;
    assert.equal(detect(template('|-\n      AWS::ECS::TaskDefinition')), true);
    assert.equal(detect(template('>-\n      AWS::ECS::TaskDefinition')), true);
    assert.equal(detect(template('!!str AWS::ECS::TaskDefinition')), true);
    assert.equal(detect(`x-types:\n  td: &td AWS::ECS::TaskDefinition\n${template('*td')}`), true);
    // Not a template: the resource type is elsewhere, not a resource's Type; or the file does not parse.
    assert.equal(detect('Resources:\n  notes: "see AWS::ECS::TaskDefinition"\nType: report\n'), false);
    assert.equal(detect('Type: x\nResources:\n  - AWS::S3::Bucket\n'), false);
    assert.equal(detect(`${template('|-\n      AWS::ECS::TaskDefinition')}  broken: [\n`), false);
  });

  it('rejects a template embedded under another key: an Ansible template_body, a cfn-guard test input', () => {
    const embedded = 'Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n';
    const indent = (text: string, by: string) => text.replace(/^/gm, by);
    assert.equal(
      detect(`- hosts: localhost\n  tasks:\n    - cloudformation:\n        template_body: |\n${indent(embedded, '          ')}`),
      false,
    );
    assert.equal(detect(`- name: privileged container\n  input:\n${indent(embedded, '    ')}`), false);
    // As a template writes them: at the margin, or in JSON at any indentation.
    assert.equal(detect(embedded), true);
    assert.equal(detect('{\n  "Resources": {\n    "T": {"Type": "AWS::ECS::TaskDefinition"}\n  }\n}\n'), true);
  });

  it("accepts keys and types written with escapes (\\u, and YAML's \\x), as readers decode them", () => {
    assert.equal(detect('{"Resources": {"T": {"Typ\\u0065": "AWS::ECS::TaskDefinition"}}}'), true);
    assert.equal(detect('{"Resourc\\u0065s": {"T": {"Type": "AWS::ECS::TaskDefinition"}}}'), true);
    assert.equal(detect('{"Resources": {"T": {"Type": "\\u0041WS::ECS::TaskDefinition"}}}'), true);
    assert.equal(detect('Resources:\n  T:\n    "Typ\\x65": AWS::ECS::TaskDefinition\n'), true);
    // A string that holds a template with escaped quotes is not one.
    assert.equal(
      detect('{"body": "{\\u0022Resources\\u0022: {\\u0022T\\u0022: {\\u0022Type\\u0022: \\u0022AWS::S3::Bucket\\u0022}}}"}'),
      false,
    );
  });

  it('rejects task-definition JSON, Terraform plans and unrelated YAML', () => {
    assert.equal(detect('{"family":"web","containerDefinitions":[{"name":"web"}]}'), false);
    assert.equal(detect('{"resource_changes":[{"type":"aws_ecs_task_definition"}]}'), false);
    assert.equal(detect('name: ci\non:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n'), false);
    assert.equal(detect('Resources:\n  - Type: Custom::Thing\n'), false);
  });

  it('is registered before the JSON source, so a template is never read as task-definition JSON', () => {
    const kinds = FILE_SOURCES.map((s) => s.kind);
    assert.ok(kinds.includes('cloudformation'));
    assert.ok(kinds.indexOf('cloudformation') < kinds.indexOf('json'));
  });
});
