import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { sarifReporter } from '../../src/report/sarif.js';

const doc = (prefix: string) =>
  `${prefix}${JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', user: 'root' }] }, null, 2)}`;

async function sarifFor(text: string) {
  const result = await scan({ paths: ['-'], checks: CHECKS, readStdin: async () => Buffer.from(text) });
  return JSON.parse(sarifReporter({ result, exitCode: 1 }, { color: false }));
}

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
    assert.deepEqual(run.results[0], {
      ruleId: 'no-root-user',
      ruleIndex: 1,
      level: 'warning',
      kind: 'fail',
      message: { text: 'container "app": user "root" is the root user' },
      partialFingerprints: { 'ecsguard/v1': run.results[0].partialFingerprints['ecsguard/v1'] },
      properties: { status: 'FAIL' },
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
    assert.notEqual(before.runs[0].results[0].locations[0].physicalLocation.region.startLine, after.runs[0].results[0].locations[0].physicalLocation.region.startLine);
    assert.equal(before.runs[0].results[0].partialFingerprints['ecsguard/v1'], after.runs[0].results[0].partialFingerprints['ecsguard/v1']);
  });

  it('input errors are tool execution notifications and mark the run unsuccessful', async () => {
    const result = await scan({ paths: ['-'], checks: CHECKS, readStdin: async () => Buffer.from('{"containerDefinitions": [') });
    const log = JSON.parse(sarifReporter({ result, exitCode: 2 }, { color: false }));
    const invocation = log.runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, false);
    assert.equal(invocation.toolExecutionNotifications[0].message.text, 'invalid JSON: close bracket expected');
    assert.deepEqual(invocation.toolExecutionNotifications[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 27 });
  });
});
