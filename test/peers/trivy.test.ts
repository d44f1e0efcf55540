/**
 * Trivy's own cases, rewritten: aquasecurity/trivy-checks
 * checks/cloud/aws/ecs/enable_in_transit_encryption.yaml (Terraform and
 * CloudFormation good/bad examples) and *_test.rego for AWS-0035 and AWS-0036;
 * the adapters' defaults from aquasecurity/trivy pkg/iac/adapters/{terraform,cloudformation}/aws/ecs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avdAws0035, avdAws0036, trivySensitiveName } from '../../src/peers/trivy.js';
import { model, modelsFrom } from './support.js';

describe('AVD-AWS-0035 (enable-in-transit-encryption)', () => {
  it('Terraform good and bad examples', async () => {
    const resource = (name: string, transit: string) => `
resource "aws_ecs_task_definition" "${name}" {
  family                = "service"
  container_definitions = jsonencode([{ name = "app", image = "app" }])
  volume {
    name = "service-storage"
    efs_volume_configuration {
      file_system_id = "fs-0123456789abcdef0"
      root_directory = "/opt/data"
      ${transit}
      authorization_config {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  }
}`;
    const models = await modelsFrom(
      'main.tf',
      resource('good_example', 'transit_encryption = "ENABLED"\n      transit_encryption_port = 2999') + resource('bad_example', ''),
    );
    assert.equal(avdAws0035.task(model(models, 'aws_ecs_task_definition.good_example')).verdict, 'PASS');
    assert.equal(avdAws0035.task(model(models, 'aws_ecs_task_definition.bad_example')).verdict, 'FAIL');
  });

  it('Terraform: a host volume counts as encrypted (the adapter defaults it to true)', async () => {
    const models = await modelsFrom(
      'main.tf',
      `
resource "aws_ecs_task_definition" "host" {
  family                = "service"
  container_definitions = jsonencode([{ name = "app", image = "app" }])
  volume {
    name      = "cache"
    host_path = "/srv/cache"
  }
}`,
    );
    assert.equal(avdAws0035.task(model(models, 'aws_ecs_task_definition.host')).verdict, 'PASS');
  });

  it('CloudFormation good and bad examples, and a host volume, which the adapter reads as unencrypted', async () => {
    const task = (name: string, volume: string) => `
  ${name}:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: cfsec-scan
      Cpu: 512
      Memory: 1024
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE, EC2]
      ContainerDefinitions:
        - Name: cfsec
          Image: cfsec/cfsec:latest
          MountPoints: [{ SourceVolume: jenkins-home, ContainerPath: /src }]
          LogConfiguration: { LogDriver: awslogs, Options: { awslogs-group: cfsec-logs, awslogs-stream-prefix: cfsec } }
      Volumes:
        - ${volume}`;
    const models = await modelsFrom(
      'template.yaml',
      `Resources:${task(
        'GoodTask',
        'Name: jenkins-home\n          EFSVolumeConfiguration: { FilesystemId: fs1, TransitEncryption: ' + 'ENABLED }',
      )}${task(
        'BadTask',
        'Name: jenkins-home\n          EFSVolumeConfiguration: { FilesystemId: fs1, TransitEncryption: ' + 'DISABLED }',
      )}${task(
        'LowerCase',
        'Name: jenkins-home\n          EFSVolumeConfiguration: { FilesystemId: fs1, ' + 'TransitEncryption: enabled }',
      )}${task('HostVolume', 'Name: jenkins-home\n          Host: { SourcePath: /srv/jenkins }')}\n`,
    );
    assert.equal(avdAws0035.task(model(models, 'GoodTask')).verdict, 'PASS');
    assert.equal(avdAws0035.task(model(models, 'BadTask')).verdict, 'FAIL');
    assert.equal(avdAws0035.task(model(models, 'LowerCase')).verdict, 'PASS');
    assert.deepEqual(avdAws0035.task(model(models, 'HostVolume')), {
      verdict: 'FAIL',
      why: `volume "jenkins-home" has no EFSVolumeConfiguration, which Trivy's CloudFormation adapter reads as unencrypted`,
    });
  });

  it('does not read task-definition JSON or live revisions', () => {
    assert.match(avdAws0035.reads!('json') ?? '', /Terraform and CloudFormation/);
    assert.match(avdAws0035.reads!('aws') ?? '', /Terraform and CloudFormation/);
  });
});

describe('AVD-AWS-0036 (no-plaintext-secrets)', () => {
  it('test_deny_definiton_with_plaintext_sensitive_information and test_allow_task_without_sensitive_information', async () => {
    const models = await modelsFrom(
      'main.tf',
      `
resource "aws_ecs_task_definition" "deny" {
  family = "service"
  container_definitions = jsonencode([{ name = "app", image = "app", environment = [{ name = "ENVIRONMENT", value = "development" }, { ` +
        `name = "DATABASE_PASSWORD", value = "password123" }] }])
}
resource "aws_ecs_task_definition" "allow" {
  family = "service"
  container_definitions = jsonencode([{ name = "app", image = "app", environment = [{ name = "ENVIRONMENT", value = "development" }] }])
}`,
    );
    assert.equal(avdAws0036.task(model(models, 'aws_ecs_task_definition.deny')).verdict, 'FAIL');
    assert.equal(avdAws0036.task(model(models, 'aws_ecs_task_definition.allow')).verdict, 'PASS');
  });

  it('the name rule: tokens anywhere in the name, except names starting with token_type or version', () => {
    assert.equal(trivySensitiveName('DATABASE_PASSWORD'), true);
    assert.equal(trivySensitiveName('token'), true);
    assert.equal(trivySensitiveName('GITHUB_TOKEN_TTL'), true);
    assert.equal(trivySensitiveName('TOKEN_TYPE_HINT'), false);
    assert.equal(trivySensitiveName('VERSION_SECRET'), false);
    assert.equal(trivySensitiveName('ENVIRONMENT'), false);
  });
});
