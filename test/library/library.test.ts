import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ALL_CHECKS,
  CHECKS,
  evaluatePlain,
  evaluateTaskDefinition,
  fixFiles,
  fixText,
  normalizeTaskDefinition,
  fromPlain,
  scan,
  scanAccount,
  scanText,
  selectChecks,
  type ObjectNode,
} from '../../src/index.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../support/ecs-emulator/index.js';

// The SDK's Node 20 notice is for SDK integrators; ecsguard's bin turns it off the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PRIVILEGED_ROOT = `{
  "family": "agent",
  "containerDefinitions": [
    { "name": "agent", "image": "datadog/agent:7", "privileged": true, "user": "0" }
  ]
}
`;

const failing = (findings: Array<{ checkId: string; status: string }>) =>
  findings
    .filter((f) => f.status === 'FAIL')
    .map((f) => f.checkId)
    .sort();

describe('scanText', () => {
  it('scans JSON in memory under the given name, with lines, and with the default checks', async () => {
    const result = await scanText(PRIVILEGED_ROOT, { filename: 'infra/agent.json' });
    assert.deepEqual(failing(result.findings), ['no-privileged-containers', 'no-root-user']);
    const privileged = result.findings.find((f) => f.checkId === 'no-privileged-containers');
    assert.equal(privileged?.location?.file, 'infra/agent.json');
    assert.equal(privileged?.location?.start.line, 4);
    assert.equal(privileged?.container, 'agent');
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.filesScanned, 1);
  });

  it('picks the reader by the file name: HCL named .tf, YAML named .yaml', async () => {
    const hcl = `resource "aws_ecs_task_definition" "agent" {
  family = "agent"
  container_definitions = jsonencode([{ name = "agent", image = "agent:1", privileged = true, user = "1000" }])
}
`;
    const tf = await scanText(hcl, { filename: 'agent.tf' });
    assert.deepEqual(failing(tf.findings), ['no-privileged-containers']);
    assert.equal(tf.findings[0]?.resource.id, 'aws_ecs_task_definition.agent');
    assert.equal(tf.findings[0]?.location?.start.line, 3);

    const yaml = `Resources:
  Agent:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: agent
          Image: agent:1
          User: root
`;
    const cfn = await scanText(yaml, { filename: 'agent.yaml' });
    assert.deepEqual(failing(cfn.findings), ['no-root-user']);
    assert.equal(cfn.findings[0]?.location?.start.line, 8);
  });

  it('a broken text is an error naming the file, line and column, never a pass', async () => {
    const result = await scanText('{ "containerDefinitions": [ { "name": "a", } ', { filename: 'broken.json' });
    assert.ok(result.errors.length > 0);
    assert.equal(result.errors[0]?.file, 'broken.json');
    assert.equal(result.errors[0]?.line, 1);
    assert.equal(typeof result.errors[0]?.column, 'number');
  });

  it('takes its own checks, and without a name reports standard input', async () => {
    const result = await scanText(PRIVILEGED_ROOT, { checks: selectChecks(['no-root-user'], undefined) });
    assert.deepEqual(failing(result.findings), ['no-root-user']);
    assert.equal(result.findings[0]?.location?.file, '<stdin>');
  });
});

describe('evaluatePlain', () => {
  it('judges a plain object (register input, describe output), with no location', async () => {
    const body = JSON.parse(PRIVILEGED_ROOT) as unknown;
    const result = await evaluatePlain(body);
    assert.deepEqual(failing(result.findings), ['no-privileged-containers', 'no-root-user']);
    assert.equal(result.findings[0]?.location, undefined);
    assert.equal(result.findings[0]?.resource.id, 'agent');
    const described = await evaluatePlain({ taskDefinition: body, tags: [] });
    assert.deepEqual(failing(described.findings), ['no-privileged-containers', 'no-root-user']);
  });

  it('something that is not a task definition is an error, with no findings', async () => {
    const result = await evaluatePlain({ family: 'x' });
    assert.deepEqual(result.findings, []);
    assert.match(result.errors[0]?.message ?? '', /not a task definition/);
  });

  it('a container list that is not a list: ERROR findings, never PASS', async () => {
    const result = await evaluatePlain({ family: 'x', containerDefinitions: 'web' }, { includePassed: true });
    assert.ok(result.findings.some((f) => f.checkId === 'no-privileged-containers' && f.status === 'ERROR'));
    assert.ok(!result.findings.some((f) => f.checkId === 'no-privileged-containers' && f.status === 'PASS'));
  });
});

describe('checks default to CHECKS everywhere (a JavaScript caller passes none)', () => {
  it('scan, evaluateTaskDefinition, fixFiles', async () => {
    const scanned = await scan({ paths: ['examples/json/monitoring-agent-host.json'] });
    assert.ok(scanned.findings.some((f) => f.checkId === 'no-privileged-containers' && f.status === 'FAIL'));
    const { taskDefinition } = normalizeTaskDefinition(
      { kind: 'file', source: 'json', id: 'agent' },
      fromPlain(JSON.parse(PRIVILEGED_ROOT)) as ObjectNode,
    );
    assert.ok(taskDefinition);
    const findings = evaluateTaskDefinition(taskDefinition);
    assert.deepEqual(failing(findings), ['no-privileged-containers', 'no-root-user']);
    assert.ok(CHECKS.length < ALL_CHECKS.length, 'opt-in checks exist, and are not the default');
    assert.ok(!findings.some((f) => !CHECKS.some((c) => c.meta.id === f.checkId)));
    const planned = await fixFiles({ paths: ['examples/json/monitoring-agent-host.json'] });
    assert.equal(planned.changes.length, 1);
  });
});

describe('fixText', () => {
  it('returns the fixed text, keeping the layout; writes nothing', async () => {
    const fixed = await fixText(PRIVILEGED_ROOT, { filename: 'agent.json', user: '1000:1000' });
    assert.equal(fixed.changed, true);
    assert.equal(
      fixed.text,
      `{
  "family": "agent",
  "containerDefinitions": [
    { "name": "agent", "image": "datadog/agent:7", "privileged": false, "user": "1000:1000" }
  ]
}
`,
    );
    assert.deepEqual(fixed.errors, []);
    assert.equal(fixed.definitions[0]?.resource.id, 'agent');
  });

  it('a text with nothing to fix comes back unchanged; a byte order mark is kept', async () => {
    const clean = '\uFEFF{ "family": "ok", "containerDefinitions": [ { "name": "a", "image": "x", "user": "1000" } ] }\n';
    const result = await fixText(clean, { filename: 'ok.json' });
    assert.equal(result.changed, false);
    assert.equal(result.text, clean);
    const bad = '\uFEFF{ "family": "x", "containerDefinitions": [ { "name": "a", "image": "x", "user": "root" } ] }\n';
    const fixed = await fixText(bad, { filename: 'x.json', user: '2000' });
    assert.equal(fixed.text, '\uFEFF{ "family": "x", "containerDefinitions": [ { "name": "a", "image": "x", "user": "2000" } ] }\n');
  });
});

describe('scanAccount (live AWS source, against the emulator)', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startEcsEmulator({ regions: ['eu-west-1'] });
    emulator.account.registerTaskDefinition('eu-west-1', {
      family: 'agent',
      containerDefinitions: [{ name: 'agent', image: 'agent:1', privileged: true, user: '1000' }],
    });
  });
  after(() => emulator?.stop());

  it('reports the revision by ARN with the default checks', async () => {
    const result = await scanAccount({ regions: ['eu-west-1'], endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(failing(result.findings), ['no-privileged-containers']);
    assert.match(result.findings[0]?.resource.arn ?? '', /^arn:aws:ecs:eu-west-1:\d{12}:task-definition\/agent:1$/);
    assert.equal(result.summary.liveRevisions, 1);
  });
});
