import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type ScanResult, scan } from '../../../src/engine/scan.js';
import { cloudFormationSource } from '../../../src/sources/cloudformation/cloudformation-source.js';

/** A service as teams write them: functions, and raw CloudFormation for what the framework has no syntax for. */
const SERVICE = `service: nightly-reports
frameworkVersion: '3'

custom:
  worker:
    privileged: true

provider:
  name: aws
  runtime: nodejs18.x
  stage: \${opt:stage, 'dev'}

functions:
  schedule:
    handler: src/schedule.handler
    events:
      - schedule: rate(1 day)

resources:
  - Resources:
      ReportWorker:
        Type: AWS::ECS::TaskDefinition
        Properties:
          Family: nightly-report-worker
          NetworkMode: awsvpc
          RequiresCompatibilities: [FARGATE]
          Cpu: '512'
          Memory: '1024'
          ContainerDefinitions:
            - Name: worker
              Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/reports:\${self:provider.stage}
              Privileged: \${self:custom.worker.privileged}
              User: \${env:WORKER_USER}
            - Name: sidecar
              Image: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0
              Privileged: \${self:custom.sidecar.privileged, true}
              User: '1000'
  - \${file(resources/bucket.yml)}
`;

const detect = (text: string) => cloudFormationSource.detect({ path: 'serverless.yml', text });

describe('Serverless Framework services: the CloudFormation under resources', () => {
  let dir: string;
  let result: ScanResult;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-serverless-'));
    writeFileSync(path.join(dir, 'serverless.yml'), SERVICE);
    mkdirSync(path.join(dir, 'resources'));
    writeFileSync(path.join(dir, 'resources', 'bucket.yml'), 'Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n');
    result = await scan({ paths: [dir], checks: CHECKS });
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recognized by its service, provider and resources; a service without resources is not a template', () => {
    assert.equal(detect(SERVICE), true);
    assert.equal(detect('service: api\nprovider:\n  name: aws\nfunctions:\n  hello:\n    handler: handler.hello\n'), false);
    // Keys of some other file, indented under another: not a service.
    assert.equal(detect('stack:\n  service: api\n  provider: aws\n  resources:\n    Type: AWS::S3::Bucket\n'), false);
  });

  it('checks each task definition: self: read where defined, its default when the path is missing, env: unresolved', () => {
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings
        .filter((f) => f.status !== 'PASS')
        .map((f) => [f.checkId, f.status, f.container, f.location?.start.line, f.location?.start.column, f.message]),
      [
        ['no-privileged-containers', 'FAIL', 'worker', 6, 17, 'container "worker": privileged is true'],
        ['no-root-user', 'UNKNOWN', 'worker', 33, 21, 'container "worker": user is ${env:WORKER_USER}, which cannot be resolved'],
        ['no-privileged-containers', 'FAIL', 'sidecar', 36, 27, 'container "sidecar": privileged is true'],
      ],
    );
    assert.deepEqual(
      [...new Set(result.findings.map((f) => `${path.basename(f.resource.file ?? '')} ${f.resource.id}`))],
      ['serverless.yml ReportWorker'],
    );
  });

  it('text holding variables is unresolved, an option with a default counts both, a ${file()} resource is a warning', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'ecsguard-serverless-vars-'));
    try {
      const copies = Array.from({ length: 8 }, () => "'${self:custom.many}'").join(', ');
      writeFileSync(
        path.join(other, 'serverless.yml'),
        [
          'service: svc',
          'provider: {name: aws}',
          'custom: {uid: 0, stage: prod, prod: {user: root}, many: [' + copies + ']}',
          'resources:',
          '  Resources:',
          '    Topic: ${file(topic.yml)}',
          '    Task:',
          '      Type: AWS::ECS::TaskDefinition',
          '      Properties:',
          '        NetworkMode: awsvpc',
          '        ContainerDefinitions:',
          '          - {Name: a, Image: nginx, User: "${self:custom.uid}:${self:custom.uid}"}',
          '          - {Name: b, Image: nginx, User: "${self:custom.${self:custom.stage}.user}"}',
          '          - {Name: c, Image: nginx, User: "1000", Privileged: "${opt:privileged, true}", Command: "${self:custom.many}"}',
          '',
        ].join('\n'),
      );
      const scanned = await scan({ paths: [other], checks: CHECKS });
      assert.deepEqual(scanned.errors, []);
      assert.deepEqual(
        scanned.warnings.map((w) => `${w.line}:${w.column} ${w.message}`),
        ['6:12 resource Topic is ${file(topic.yml)}: not followed; its file is checked when it is scanned'],
      );
      assert.deepEqual(
        scanned.findings.filter((f) => f.status !== 'PASS').map((f) => [f.checkId, f.status, f.container, f.message]),
        [
          ['no-root-user', 'UNKNOWN', 'a', 'container "a": user is ${self:custom.uid}:${self:custom.uid}, which cannot be resolved'],
          ['no-root-user', 'UNKNOWN', 'b', 'container "b": user is ${self:custom.${self:custom.stage}.user}, which cannot be resolved'],
          ['no-privileged-containers', 'FAIL', 'c', 'container "c": privileged is true when condition ${opt:privileged} is set is false'],
        ],
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('fix leaves each variable to its author, saying where it is defined or written', async () => {
    const { runCli } = await import('../../support/cli.js');
    const fixed = await runCli(['fix', dir]);
    assert.match(fixed.stdout, /nothing to change; 3 manual fixes/);
    const lines = fixed.stdout.split('\n');
    const worker = lines.find((line) => line.includes('[no-privileged-containers] container "worker"'));
    assert.ok(worker?.includes('serverless.yml:6:17 ReportWorker'), worker);
    assert.ok(worker?.includes('privileged comes from ${self:custom.worker.privileged} (referenced at '), worker);
    assert.ok(worker?.endsWith('serverless.yml:6:17; set it to false there'), worker);
    const sidecar = lines.find((line) => line.includes('[no-privileged-containers] container "sidecar"'));
    assert.ok(sidecar?.includes('serverless.yml:36:27 ReportWorker'), sidecar);
    assert.ok(sidecar?.includes('privileged is written as the template expression ${self:custom.sidecar.privileged, true}'), sidecar);
  });
});
