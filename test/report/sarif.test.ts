import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { runCli } from '../support/cli.js';
import { assertValidSarif } from '../support/sarif-schema.js';

const doc = (prefix: string) =>
  `${prefix}${JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', user: 'root' }] }, null, 2)}`;

async function sarifFor(text: string) {
  const result = await scan({ paths: ['-'], checks: CHECKS, readStdin: async () => Buffer.from(text) });
  return validSarif(sarifReporter({ result, exitCode: 1 }, { color: false }));
}

/** Every log a test produces is checked against the official SARIF 2.1.0 schema. */
function validSarif(text: string) {
  const log = JSON.parse(text);
  assertValidSarif(log);
  return log;
}

async function sarifForFile(name: string, text: string, includePassed = false) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-sarif-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const result = await scan({ paths: [file], checks: CHECKS, includePassed });
  return { log: validSarif(sarifReporter({ result, exitCode: 1 }, { color: false })), file };
}

/** The documented fingerprint input: resource identity, container, check, field without the container index. */
const sha = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

describe('SARIF 2.1.0', () => {
  it('has one rule per check and a located result per finding', async () => {
    const log = await sarifFor(doc(''));
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.deepEqual(
      run.tool.driver.rules.map((r: { id: string }) => r.id),
      ALL_CHECKS.map((c) => c.meta.id),
    );
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const { fixes, ...result } = run.results[0];
    // The fix replaces the user's value, in the region the result points at.
    const text = doc('');
    const start = text.indexOf('"root"');
    assert.deepEqual(fixes, [
      {
        description: { text: 'set containerDefinitions[0].user to "1000:1000"' },
        artifactChanges: [
          {
            artifactLocation: { uri: '%3Cstdin%3E' },
            replacements: [
              {
                deletedRegion: { charOffset: start, charLength: '"root"'.length, startLine: 7, startColumn: 15, endLine: 7, endColumn: 21 },
                insertedContent: { text: '"1000:1000"' },
              },
            ],
          },
        ],
      },
    ]);
    assert.deepEqual(result, {
      ruleId: 'no-root-user',
      ruleIndex: 1,
      level: 'warning',
      kind: 'fail',
      message: { text: 'container "app": user "root" is the root user' },
      partialFingerprints: { 'ecsguard/v2': sha('file|<stdin>|web|app|no-root-user|containerDefinitions.user') },
      properties: {
        status: 'FAIL',
        // SARIF carries the cross-tool verdicts (src/peers/) in the result's property bag.
        peers: [
          {
            tool: 'aws-config',
            rule: 'ecs-task-definition-linux-user-non-root',
            control: 'ECS.20',
            verdict: 'FAIL',
            why: 'user "root" is one of the documented default root users for Linux ("root", "0")',
          },
          {
            tool: 'aws-config',
            rule: 'ecs-task-definition-windows-user-non-admin',
            control: 'ECS.21',
            verdict: 'PASS',
            why: 'user "root" is not one of the documented default administrator users for Windows',
          },
          {
            tool: 'aws-config',
            rule: 'ecs-task-definition-nonroot-user',
            verdict: 'FAIL',
            why: 'user "root" is one of the documented root users ("root")',
          },
          { tool: 'prowler', verdict: 'NOT_COVERED', why: 'Prowler has no rule for this check' },
          { tool: 'cis', verdict: 'NOT_COVERED', why: 'CIS AWS Compute v1.1.0 has no rule for this check' },
          { tool: 'checkov', verdict: 'NOT_COVERED', why: 'Checkov has no rule for this check' },
          { tool: 'trivy', verdict: 'NOT_COVERED', why: 'Trivy has no rule for this check' },
        ],
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: '%3Cstdin%3E' },
            region: { startLine: 7, startColumn: 15, endLine: 7, endColumn: 21 },
          },
          logicalLocations: [{ fullyQualifiedName: 'web', kind: 'resource' }],
        },
      ],
    });
    assert.equal(run.invocations[0].executionSuccessful, true);
  });

  it('fingerprints survive line shifts', async () => {
    const before = await sarifFor(doc(''));
    const after = await sarifFor(doc('\n\n\n'));
    assert.notEqual(
      before.runs[0].results[0].locations[0].physicalLocation.region.startLine,
      after.runs[0].results[0].locations[0].physicalLocation.region.startLine,
    );
    assert.equal(before.runs[0].results[0].partialFingerprints['ecsguard/v2'], after.runs[0].results[0].partialFingerprints['ecsguard/v2']);
  });

  it('input errors are tool execution notifications and mark the run unsuccessful', async () => {
    const result = await scan({ paths: ['-'], checks: CHECKS, readStdin: async () => Buffer.from('{"containerDefinitions": [') });
    const log = validSarif(sarifReporter({ result, exitCode: 2 }, { color: false }));
    const invocation = log.runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications[0].message.text, 'invalid JSON: close bracket expected');
    assert.deepEqual(invocation.toolExecutionNotifications[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 27 });
  });

  it('results that are not failures have level "none" (SARIF 2.1.0 §3.27.10)', async () => {
    const template = [
      'Parameters:',
      '  User: { Type: String }',
      'Resources:',
      '  Task:',
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      '      Family: web',
      '      ContainerDefinitions:',
      '        - Name: app',
      '          Image: nginx',
      '          User: !Ref User',
      '',
    ].join('\n');
    const { log } = await sarifForFile('template.yaml', template, true);
    const byRule = (id: string) => log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === id);
    assert.deepEqual(
      { kind: byRule('no-root-user').kind, level: byRule('no-root-user').level, status: byRule('no-root-user').properties.status },
      { kind: 'review', level: 'none', status: 'UNKNOWN' },
    );
    assert.deepEqual(
      { kind: byRule('no-privileged-containers').kind, level: byRule('no-privileged-containers').level },
      { kind: 'pass', level: 'none' },
    );
    for (const result of log.runs[0].results) {
      if (result.kind !== 'fail') assert.equal(result.level, 'none', `${result.ruleId} is ${result.kind}`);
    }
  });

  it('two task definitions with the same Family in one template have different fingerprints', async () => {
    const task = (id: string) => [
      `  ${id}:`,
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      '      Family: web',
      '      ContainerDefinitions:',
      '        - Name: app',
      '          Image: nginx',
      '          Privileged: true',
    ];
    const { log, file } = await sarifForFile('template.yaml', ['Resources:', ...task('Blue'), ...task('Green'), ''].join('\n'));
    const privileged = log.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'no-privileged-containers');
    assert.deepEqual(
      privileged.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['ecsguard/v2']),
      [
        sha(`file|${file}|Blue|app|no-privileged-containers|containerDefinitions.privileged`),
        sha(`file|${file}|Green|app|no-privileged-containers|containerDefinitions.privileged`),
      ],
    );
    const all = log.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['ecsguard/v2']);
    assert.equal(new Set(all).size, all.length, 'every result has its own fingerprint');
  });

  it('the CLI writes schema-valid SARIF for the examples and for unreadable inputs', async () => {
    const examples = await runCli(['scan', 'examples', '--format', 'sarif', '--include-passed']);
    assert.equal(examples.code, 1, examples.stderr);
    const log = validSarif(examples.stdout);
    assert.deepEqual([...new Set(log.runs[0].results.map((r: { kind: string; level: string }) => `${r.kind}/${r.level}`))].sort(), [
      'fail/error',
      'fail/warning',
      'pass/none',
    ]);
    const broken = await runCli(['scan', 'test/fixtures/cloudformation/invalid-shapes.yaml', '--format', 'sarif']);
    assert.equal(broken.code, 2);
    assert.equal(validSarif(broken.stdout).runs[0].invocations[0].executionSuccessful, false);
  });

  it('rejects what is not SARIF (the schema check can fail)', () => {
    assert.throws(() => {
      assertValidSarif({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }],
      });
    }, /\/runs\/0\/results\/0\/level must be equal to one of the allowed values/);
  });
});
