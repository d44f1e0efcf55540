import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { type EvaluatedDefinition, scan } from '../../src/engine/scan.js';
import { field } from '../../src/model/value.js';
import { workspace } from './helpers.js';

/** The origin of one container field, as the source recorded it. */
async function originsOf(files: Record<string, string>, key: string) {
  const dir = workspace(files);
  try {
    const seen: EvaluatedDefinition[] = [];
    const result = await scan({ paths: [dir], checks: CHECKS, onEvaluated: (e) => seen.push(e) });
    assert.deepEqual(result.errors, []);
    return seen.map((e) => {
      const definition = field(e.taskDefinition.containers[0]?.node, key)?.origin?.definition;
      return definition
        ? {
            ...definition,
            range: definition.range ? `${path.relative(dir, definition.range.file)}:${definition.range.start.line}` : undefined,
          }
        : undefined;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('sources count the references to a parameter, variable or local while resolving', () => {
  it('CloudFormation: Ref (short and long form) and Fn::Sub variables anywhere in the template; a Sub variable map shadows', async () => {
    const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  AgentUser:
    Type: String
    Default: root
  Shadowed:
    Type: String
    Default: app
Conditions:
  IsRoot: !Equals [!Ref AgentUser, root]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: example/agent:1
          User: !Ref AgentUser
          Environment:
            - Name: WHO
              Value: !Sub 'runs as \${AgentUser}, not \${!AgentUser}'
            - Name: OTHER
              Value: !Sub ['\${Shadowed}', { Shadowed: x }]
        - Name: sidecar
          Image: example/sidecar:1
          User: { Ref: Shadowed }
Outputs:
  User:
    Value: { "Ref": "AgentUser" }
`;
    assert.deepEqual(await originsOf({ 'template.yaml': template }, 'user'), [
      { name: 'parameter AgentUser', references: 4, range: 'template.yaml:3' },
    ]);
  });

  it('Terraform: var and local traversals in every file of the module, templates and heredocs included', async () => {
    const main = `resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  container_definitions = jsonencode([{ name = "agent", image = "example/agent:1", user = var.user }])
}
`;
    const other = `variable "user" {
  default = "root"
}
locals {
  banner = "runs as \${var.user}"
  script = <<-EOT
    echo \${var.user}
  EOT
  unrelated = var.user_name
}
variable "user_name" {
  default = "x"
}
`;
    assert.deepEqual(await originsOf({ 'main.tf': main, 'variables.tf': other }, 'user'), [
      { name: 'variable user', references: 3, range: 'variables.tf:1' },
    ]);
  });
});

describe('Terraform references in files that were not named, and in .tf.json', () => {
  it('a variable used in a sibling file, or in a .tf.json string, has those references too', async () => {
    const dir = workspace({
      'main.tf':
        'variable "agent_user" {\n  default = "root"\n}\nresource "aws_ecs_task_definition" "a" {\n  family = "a"\n' +
        '  container_definitions = jsonencode([{ name = "a", image = "x", user = var.agent_user }])\n}\n',
      'other.tf':
        'resource "aws_ecs_task_definition" "b" {\n  family = "b"\n' +
        '  container_definitions = jsonencode([{ name = "b", image = "x", user = var.agent_user }])\n}\n',
      'ssm.tf.json': '{"resource": {"aws_ssm_parameter": {"p": {"name": "u", "type": "String", "value": "${var.agent_user}"}}}}\n',
    });
    try {
      const references = async (paths: string[]) => {
        const seen: EvaluatedDefinition[] = [];
        await scan({ paths, checks: CHECKS, onEvaluated: (e) => seen.push(e) });
        return seen.map((e) => field(e.taskDefinition.containers[0]?.node, 'user')?.origin?.definition?.references);
      };
      // main.tf named alone: other.tf and ssm.tf.json still count.
      assert.deepEqual(await references([path.join(dir, 'main.tf')]), [3]);
      assert.deepEqual(await references([dir]), [3, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
