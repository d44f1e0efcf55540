/**
 * Checkov's own test cases, rewritten as Terraform and CloudFormation here:
 * bridgecrewio/checkov tests/terraform/checks/resource/aws/example_ECSContainerPrivilege/main.tf,
 * example_ECSContainerHostProcess/main.tf, example_ECSContainerReadOnlyRoot/main.tf,
 * test_ECSTaskDefinitionEFSVolumeEncryption.py, and the CloudFormation
 * example_ECSTaskDefinitionEFSVolumeEncryption cases. Their `file("…")`
 * container lists are written as jsonencode() so the fixtures stand alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ckvAws334, ckvAws335, ckvAws336, ckvAws97 } from '../../src/peers/checkov.js';
import { model, modelsFrom } from './support.js';

const td = (name: string, containers: string, extra = '') => `
resource "aws_ecs_task_definition" "${name}" {
  family                = "service"
  container_definitions = jsonencode([${containers}])
  ${extra}
}
`;
const first = (extra = '') =>
  `{ name = "first", image = "service-first", cpu = 10, memory = 512, essential = true, portMappings = [{ containerPort = 80, hostPort = ` +
  `80 }] ${extra} }`;
const second = (extra = '') =>
  `{ name = "second", image = "service-second", cpu = 10, memory = 256, essential = true, portMappings = [{ containerPort = 443, ` +
  `hostPort = 443 }] ${extra} }`;
const hostVolume = 'volume {\n    name      = "service-storage"\n    host_path = "/ecs/service-storage"\n  }';

describe('CKV_AWS_334 (ECSContainerPrivilege)', () => {
  it("passes and fails Checkov's example resources; ecsguard reports the key Checkov reads as a misspelling", async () => {
    const models = await modelsFrom(
      'main.tf',
      [td('pass', `${first()}, ${second()}`, hostVolume), td('fail', `${first()}, ${second(', privilege = true')}`, hostVolume)].join('\n'),
      [/unknown field "privilege" in container_definitions: the AWS provider ignores it \(did you mean privileged\?\)/],
    );
    assert.equal(ckvAws334.task(model(models, 'aws_ecs_task_definition.pass')).verdict, 'PASS');
    assert.equal(ckvAws334.task(model(models, 'aws_ecs_task_definition.fail')).verdict, 'FAIL');
  });

  it('passes the ECS key privileged = true: it reads "privilege"', async () => {
    const models = await modelsFrom('main.tf', td('real', `${first()}, ${second(', privileged = true')}`));
    const real = model(models, 'aws_ecs_task_definition.real');
    assert.deepEqual(ckvAws334.task(real), { verdict: 'PASS', why: 'no container sets the key "privilege"' });
    const [, privileged] = real.containers;
    assert.match(
      ckvAws334.container!(real, privileged!).why,
      /reads the key "privilege", not ECS's "privileged", so privileged true is never seen/,
    );
  });

  it('is not run on CloudFormation or task-definition JSON', () => {
    assert.match(ckvAws334.reads!('cloudformation') ?? '', /Terraform .* only/);
    assert.equal(ckvAws334.reads!('terraform-plan'), undefined);
  });
});

describe('CKV_AWS_335 (ECSContainerHostProcess)', () => {
  it("passes pass and pass2 and fails fail, as Checkov's example does", async () => {
    const models = await modelsFrom(
      'main.tf',
      [
        td('pass', `${first()}, ${second()}`, hostVolume),
        td('pass2', `${first(', pidMode = "task"')}, ${second()}`, hostVolume),
        td('fail', `${first()}, ${second(', privilege = true, pidMode = "host"')}`, hostVolume),
      ].join('\n'),
      [/unknown field "privilege"/],
    );
    assert.equal(ckvAws335.task(model(models, 'aws_ecs_task_definition.pass')).verdict, 'PASS');
    assert.equal(ckvAws335.task(model(models, 'aws_ecs_task_definition.pass2')).verdict, 'PASS');
    assert.equal(ckvAws335.task(model(models, 'aws_ecs_task_definition.fail')).verdict, 'FAIL');
  });

  it('passes the task-level pid_mode = "host" that ECS actually reads', async () => {
    const models = await modelsFrom('main.tf', td('host', first(), 'pid_mode = "host"'));
    const outcome = ckvAws335.task(model(models, 'aws_ecs_task_definition.host'));
    assert.equal(outcome.verdict, 'PASS');
    assert.match(outcome.why, /task-level pid_mode "host" is never seen/);
  });
});

describe('CKV_AWS_336 (ECSContainerReadOnlyRoot)', () => {
  it("passes pass and fails fail and fail2, as Checkov's example does", async () => {
    const ro = ', readonlyRootFilesystem = true';
    const models = await modelsFrom(
      'main.tf',
      [
        td('pass', `${first(ro)}, ${second(ro)}`, hostVolume),
        td('fail', `${first(`, pidMode = "task"${ro}`)}, ${second()}`, hostVolume),
        td(
          'fail2',
          `${first(', readonlyRootFilesystem = false')}, ${second(', privilege = true, pidMode = "host", readonlyRootFilesystem = false')}`,
          hostVolume,
        ),
      ].join('\n'),
      [/unknown field "privilege"/],
    );
    assert.equal(ckvAws336.task(model(models, 'aws_ecs_task_definition.pass')).verdict, 'PASS');
    assert.equal(ckvAws336.task(model(models, 'aws_ecs_task_definition.fail')).verdict, 'FAIL');
    assert.equal(ckvAws336.task(model(models, 'aws_ecs_task_definition.fail2')).verdict, 'FAIL');
  });
});

describe('CKV_AWS_97 (ECSTaskDefinitionEFSVolumeEncryption)', () => {
  const efs = (transit: string) => `volume {
    name = "service-storage"
    efs_volume_configuration {
      file_system_id          = "fs-0123456789abcdef0"
      root_directory          = "/opt/data"
      ${transit}
      transit_encryption_port = 2999
    }
  }`;

  it('test_success_no_volume, test_success, test_failure, test_failure_explicit', async () => {
    const models = await modelsFrom(
      'main.tf',
      [
        td('no_volume', first(), hostVolume),
        td('success', first(), efs('transit_encryption = "ENABLED"')),
        td('failure', first(), efs('')),
        td('failure_explicit', first(), efs('transit_encryption = "DISABLED"')),
      ].join('\n'),
    );
    assert.equal(ckvAws97.task(model(models, 'aws_ecs_task_definition.no_volume')).verdict, 'PASS');
    assert.equal(ckvAws97.task(model(models, 'aws_ecs_task_definition.success')).verdict, 'PASS');
    assert.equal(ckvAws97.task(model(models, 'aws_ecs_task_definition.failure')).verdict, 'FAIL');
    assert.equal(ckvAws97.task(model(models, 'aws_ecs_task_definition.failure_explicit')).verdict, 'FAIL');
  });

  it('decides on the first EFS volume: a second one without encryption passes', async () => {
    const models = await modelsFrom(
      'main.tf',
      td(
        'two',
        first(),
        `${efs('transit_encryption = "ENABLED"')}\n  ${efs('transit_encryption = "DISABLED"').replace('service-storage', 'scratch')}`,
      ),
    );
    const outcome = ckvAws97.task(model(models, 'aws_ecs_task_definition.two'));
    assert.equal(outcome.verdict, 'PASS');
    assert.match(outcome.why, /EFS volume "scratch" without it is never read/);
  });

  it('reads CloudFormation too (its CloudFormation check)', async () => {
    const models = await modelsFrom(
      'template.yaml',
      `Resources:
  Enabled:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{ Name: app, Image: app }]
      Volumes:
        - Name: data
          EFSVolumeConfiguration: { FilesystemId: fs-1, TransitEncryption: ENABLED }
  Disabled:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{ Name: app, Image: app }]
      Volumes:
        - Name: data
          EFSVolumeConfiguration: { FilesystemId: fs-1, TransitEncryption: DISABLED }
`,
    );
    assert.equal(ckvAws97.reads!('cloudformation'), undefined);
    assert.equal(ckvAws97.task(model(models, 'Enabled')).verdict, 'PASS');
    assert.equal(ckvAws97.task(model(models, 'Disabled')).verdict, 'FAIL');
  });
});
