import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectChecks } from '../../src/checks/catalogue.js';
import { manualReasons, runFix, workspace } from './helpers.js';

const HOST_ONLY = selectChecks(['host-network-nonroot-user', 'host-network-no-privilege'], undefined);
const shared = (where: string, other: string) =>
  `the text to edit (${where}) is shared with ${other} (a YAML anchor and its alias, a Terraform local, a file read by both, or ` +
  'instances of one block), which would change too and does not need this: give this task definition its own value, then run fix again';

describe('fix: text two task definitions share is edited only when both need the edit', () => {
  it('a YAML anchor its alias repeats in a bridge-mode task: manual for the host-mode one', async () => {
    const dir = workspace({
      'alias.yaml': `Resources:
  HostTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: host
      ContainerDefinitions:
        - &agent
          Name: agent
          Image: example/agent
  BridgeTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: bridge
      ContainerDefinitions:
        - *agent
`,
    });
    const run = await runFix(dir, {}, HOST_ONLY);
    assert.deepEqual(run.result.changes, []);
    assert.deepEqual(manualReasons(run), [`host-network-nonroot-user: user: ${shared(`${dir}/alias.yaml:8:11`, 'BridgeTask')}`]);
    // Both need the user when no-root-user is checked: the anchor is fixed once, for both.
    const both = await runFix(dir);
    assert.match(both.after['alias.yaml'] ?? '', /Image: example\/agent\n {10}User: "1000:1000"\n {2}BridgeTask:/);
  });

  it('a Terraform local object and a file() that two resources read', async () => {
    const dir = workspace({
      'main.tf': `locals {
  agent = { name = "agent", image = "x", user = "root" }
}
resource "aws_ecs_task_definition" "host" {
  family                = "host"
  network_mode          = "host"
  container_definitions = jsonencode([local.agent])
}
resource "aws_ecs_task_definition" "bridge" {
  family                = "bridge"
  container_definitions = jsonencode([local.agent])
}
resource "aws_ecs_task_definition" "file_host" {
  family                = "file_host"
  network_mode          = "host"
  container_definitions = file("\${path.module}/containers.json")
}
resource "aws_ecs_task_definition" "file_bridge" {
  family                = "file_bridge"
  container_definitions = file("\${path.module}/containers.json")
}
`,
      'containers.json': '[{"name": "side", "image": "x", "privileged": true, "user": "1000"}]\n',
    });
    const run = await runFix(dir, {}, HOST_ONLY);
    assert.deepEqual(run.result.changes, []);
    assert.deepEqual(manualReasons(run), [
      `host-network-nonroot-user: user: ${shared(`${dir}/main.tf:2:11`, 'aws_ecs_task_definition.bridge')}`,
      `host-network-no-privilege: user: ${shared(`${dir}/main.tf:2:11`, 'aws_ecs_task_definition.bridge')}`,
      `host-network-no-privilege: privileged: ${shared(`${dir}/containers.json:1:2`, 'aws_ecs_task_definition.file_bridge')}`,
    ]);
  });
});

describe('fix: an anchored value read at another place of the same task definition', () => {
  it('is edited only when that place needs the same edit (two containers from one anchor), manual otherwise', async () => {
    const dir = workspace({
      'env.yaml': `family: agent
containerDefinitions:
  - name: agent
    image: example/agent
    user: &runas "0"
    environment:
      - name: RUN_AS
        value: *runas
`,
      'twins.yaml': `family: twins
containerDefinitions:
  - &worker
    name: worker
    image: example/worker
    user: "0"
  - *worker
`,
    });
    const run = await runFix(dir);
    assert.deepEqual(manualReasons(run), [
      'no-root-user: user: the text to edit is also containerDefinitions[0].environment[0].value in this task definition ' +
        '(a YAML anchor and its alias or merge key), which would change too and does not need this: give each its own value, ' +
        'then run fix again',
    ]);
    assert.deepEqual(Object.keys(run.after), ['twins.yaml']);
    // Read by another task definition's field, not its containers' text: still shared.
    const other = await runFix(
      workspace({
        'revisions.yaml': `- family: a
  containerDefinitions:
    - name: c
      image: x
      user: &u "0"
- family: b
  containerDefinitions:
    - name: c
      image: x
      user: "1000"
      environment:
        - {name: RUN_AS, value: *u}
`,
      }),
    );
    assert.deepEqual(other.result.changes, []);
    assert.match(manualReasons(other)[0] ?? '', /^no-root-user: user: the text to edit \(.*revisions\.yaml:3:7\) is shared with b /);
    assert.match(run.after['twins.yaml'] ?? '', /^ {4}user: "1000:1000"\n {2}- \*worker\n$/m);
  });
});
