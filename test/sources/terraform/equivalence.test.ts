import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURES, scanPaths } from './helpers.js';

describe('Terraform and JSON give the same verdicts for the same task definitions', () => {
  it('statuses, containers, fields and messages match family by family', async () => {
    const json = await scanPaths([`${FIXTURES}/equivalence/task-definitions.json`]);
    const terraform = await scanPaths([`${FIXTURES}/equivalence/main.tf`]);
    const verdicts = (result: typeof json) =>
      result.findings
        .map((f) => [f.resource.family ?? '?', f.checkId, f.status, f.container ?? '-', f.field ?? '-', f.message].join(' | '))
        .sort();
    assert.deepEqual(verdicts(terraform), verdicts(json));
    assert.deepEqual(json.errors, []);
    assert.deepEqual(terraform.errors, []);
    // Not vacuous: the corpus has failures, notes and passes.
    const statuses = new Set(terraform.findings.map((f) => f.status));
    assert.deepEqual([...statuses].sort(), ['FAIL', 'NOTE', 'PASS']);
    assert.equal(terraform.summary.taskDefinitions, 3);
  });
});
