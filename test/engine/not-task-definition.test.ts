import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

const APPSPEC_YAML = `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/web:4"
        LoadBalancerInfo:
          ContainerName: web
          ContainerPort: 80
Hooks:
  - BeforeAllowTraffic: "arn:aws:lambda:us-east-1:111122223333:function:smoke-test"
`;

const APPSPEC_JSON = JSON.stringify(
  {
    version: 0.0,
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: 'web:4' } } }],
  },
  null,
  2,
);

const JINJA_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
{% for name in containers %}
        - Name: {{ name }}
          Image: nginx
{% endfor %}
`;

const files: Record<string, string> = {
  'appspec.yaml': APPSPEC_YAML,
  'appspec.json': APPSPEC_JSON,
  'run-task.json': JSON.stringify({ cluster: 'prod', taskDefinition: 'web:4', count: 1, launchType: 'EC2' }),
  'create-service.json': JSON.stringify({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web:4', desiredCount: 2 }),
  'update-service.json': JSON.stringify({ cluster: 'prod', service: 'web', taskDefinition: 'web:5' }),
  'services.json': JSON.stringify({
    services: [{ serviceName: 'web', taskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:4' }],
    failures: [],
  }),
  'go-template.json':
    '{"family": "web", "containerDefinitions": [{"name": "web", "image": "{{ .Image }}", "privileged": {{ .Privileged }}}]}',
  'jinja.yaml': JINJA_YAML,
  // A Jinja comment first: the file breaks at it, before any {{ }}.
  'jinja-comment.json':
    '{# rendered by ansible #}\n{"family": "{{ family }}", "containerDefinitions": [{"name": "a", "memory": {{ mem }}}]}\n',
  // Placeholders only inside strings: the file reads as it is, and its literal privileged: true counts.
  'placeholder-in-strings.json':
    '{"family": "tpl", "containerDefinitions": [{"name": "web", "image": "{{ .Image }}", "user": "1000", "privileged": true}]}',
  'td.json': JSON.stringify({ family: 'real', containerDefinitions: [{ name: 'app', image: 'nginx', user: '0' }] }),
};

describe('files that are not task definitions', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-not-td-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('in a folder they are skipped and counted, and the task definitions beside them are checked', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.skipped.map((s) => [path.basename(s.file), s.reason]),
      [
        ['appspec.json', 'not a task definition: a CodeDeploy AppSpec'],
        ['appspec.yaml', 'not a task definition: a CodeDeploy AppSpec'],
        ['create-service.json', 'not a task definition: an ECS service definition (create-service input)'],
        ['go-template.json', 'not a task definition: a template with {{ }} or {% %} placeholders (render it first, then scan the result)'],
        [
          'jinja-comment.json',
          'not a task definition: a template with {{ }} or {% %} placeholders (render it first, then scan the result)',
        ],
        ['jinja.yaml', 'not a task definition: a template with {{ }} or {% %} placeholders (render it first, then scan the result)'],
        ['run-task.json', 'not a task definition: an ECS run-task input'],
        ['services.json', 'not a task definition: ECS describe-services output'],
        ['update-service.json', 'not a task definition: an ECS update-service input'],
      ],
    );
    assert.equal(result.summary.filesSkipped, 9);
    assert.deepEqual(
      result.findings.map((f) => [path.basename(f.resource.file ?? ''), f.checkId, f.status, f.message]),
      [
        ['placeholder-in-strings.json', 'no-privileged-containers', 'FAIL', 'container "web": privileged is true'],
        ['td.json', 'no-root-user', 'FAIL', 'container "app": user "0" is uid 0 (root)'],
      ],
    );
  });

  it('named on the command line, each gets one clear line', async () => {
    const named = ['appspec.yaml', 'run-task.json', 'go-template.json'].map((n) => path.join(dir, n));
    const result = await scan({ paths: named, checks: CHECKS });
    assert.deepEqual(
      result.errors.map((e) => [path.basename(e.file ?? ''), e.message]),
      [
        ['appspec.yaml', 'not a task definition: a CodeDeploy AppSpec'],
        ['run-task.json', 'not a task definition: an ECS run-task input'],
        ['go-template.json', 'not a task definition: a template with {{ }} or {% %} placeholders (render it first, then scan the result)'],
      ],
    );
    assert.deepEqual(result.findings, []);
  });
});

describe('at most a few error lines per file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-many-errors-'));
    const numbers = Array.from({ length: 12 }, (_, i) => i);
    writeFileSync(
      path.join(dir, 'many.json'),
      JSON.stringify([...numbers, { family: 'ok', containerDefinitions: [{ name: 'a', image: 'i', user: '1000' }] }]),
    );
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('five, then "and N more"', async () => {
    const result = await scan({ paths: [path.join(dir, 'many.json')], checks: CHECKS });
    assert.deepEqual(
      result.errors.map((e) => [e.column ?? null, e.message]),
      [
        [2, 'element #0: expected a task definition object, found number'],
        [4, 'element #1: expected a task definition object, found number'],
        [6, 'element #2: expected a task definition object, found number'],
        [8, 'element #3: expected a task definition object, found number'],
        [10, 'element #4: expected a task definition object, found number'],
        [null, 'and 7 more in this file'],
      ],
    );
    assert.equal(result.summary.errors, 6);
    assert.equal(result.summary.taskDefinitions, 1);
  });
});

describe('templates that only look like AppSpecs or placeholder templates are read', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-look-alike-'));
    // A blue/green pipeline: the buildspec writes an appspec.json, inside a string of the template.
    write(
      'pipeline.yaml',
      `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Privileged: true
  BuildProject:
    Type: AWS::CodeBuild::Project
    Properties:
      Source:
        Type: CODEPIPELINE
        BuildSpec: |
          version: 0.2
          phases:
            build:
              commands:
                - echo '{"Resources":[{"TargetService":{"Type":"AWS::ECS::Service"}}]}' > appspec.json
`,
    );
    // Dynamic references are resolved by CloudFormation; a repeated key is allowed (the last wins).
    write(
      'dynamic-reference.yaml',
      `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: '{{resolve:ssm:/app/image}}'
          Privileged: false
          Privileged: true
`,
    );
    // Broken far from its placeholder: a syntax error, not a template.
    write(
      'broken.yaml',
      `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: '{{ image }}'
          User: root
          Environment:
            - Name: MODE
              Value: prod
           - Name: EXTRA
             Value: x
`,
    );
    write(
      'label.json',
      `{
  "family": "web",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "nginx",
      "dockerLabels": {"traefik.http.routers.web.rule": "Host(\`{{ .Name }}.example.com\`)"},
    }
  ]
}
`,
    );
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the templates, and reports the broken files at their errors (walked: never a quiet skip)', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(
      result.errors.map((e) => [path.basename(e.file ?? ''), e.line, e.column, e.message]),
      [
        ['broken.yaml', 12, 1, 'invalid YAML: A block sequence may not be used as an implicit map key'],
        ['broken.yaml', 12, 12, 'invalid YAML: Implicit keys need to be on a single line'],
        ['broken.yaml', 12, 12, 'invalid YAML: Implicit map keys need to be followed by map values'],
        ['label.json', 8, 5, 'invalid JSON: property name expected'],
      ],
    );
    assert.deepEqual(
      result.findings
        .filter((f) => f.checkId === 'no-privileged-containers')
        .map((f) => [path.basename(f.resource.file ?? ''), f.status, f.location?.start.line]),
      [
        ['dynamic-reference.yaml', 'FAIL', 9],
        ['pipeline.yaml', 'FAIL', 9],
      ],
    );
  });
});
