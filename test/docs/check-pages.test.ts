import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../../src/checks/catalogue.js';
import { evaluateTaskDefinition } from '../../src/engine/evaluate.js';
import { checkPage } from '../../src/report/check-pages.js';
import { taskDefinition } from '../support/task-definitions.js';
import { findingsIn } from '../support/rule-tester.js';

describe('docs/checks/<id>.md is generated from the metadata', () => {
  if (process.env['UPDATE_CHECK_PAGES'] === '1') {
    mkdirSync('docs/checks', { recursive: true });
    for (const check of ALL_CHECKS) writeFileSync(`docs/checks/${check.meta.id}.md`, checkPage(check));
  }
  for (const check of ALL_CHECKS) {
    it(`${check.meta.id}: the page matches, and its examples have the verdicts they claim`, () => {
      assert.equal(readFileSync(`docs/checks/${check.meta.id}.md`, 'utf8'), checkPage(check));
      const examples = check.meta.examples;
      assert.ok(examples, 'every check has a failing and a passing example');
      const statuses = (body: Record<string, unknown>) => evaluateTaskDefinition(taskDefinition(body), [check], false).map((f) => f.status);
      assert.deepEqual(statuses(examples.failing), ['FAIL']);
      assert.deepEqual(statuses(examples.passing), []);
    });
    it(`${check.meta.id}: the page's CloudFormation and Terraform examples give the same verdicts through the real sources`, async () => {
      const examples = check.meta.examples;
      assert.ok(examples);
      for (const shape of ['cloudformation', 'terraform'] as const) {
        assert.deepEqual(
          (await findingsIn(check.meta.id, examples.failing, shape)).map((f) => f.status),
          ['FAIL'],
          shape,
        );
        assert.deepEqual(await findingsIn(check.meta.id, examples.passing, shape), [], shape);
      }
    });
  }
});
