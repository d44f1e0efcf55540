import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { comparisonMarkdown, comparisonRows } from '../../src/peers/comparison.js';

const START = '<!-- comparison:start -->';
const END = '<!-- comparison:end -->';

/** The text between the markers; with UPDATE_COMPARISON=1, replaced by the computed table first. */
function section(file: string): string {
  let text = readFileSync(file, 'utf8');
  const [from, to] = [text.indexOf(START), text.indexOf(END)];
  assert.ok(from !== -1 && to > from, `${file} has the comparison markers`);
  if (process.env['UPDATE_COMPARISON'] === '1') {
    text = `${text.slice(0, from + START.length)}\n${comparisonMarkdown()}\n${text.slice(to)}`;
    writeFileSync(file, text);
  }
  return text.slice(text.indexOf(START) + START.length, text.indexOf(END)).trim();
}

describe('the comparison in README and docs/peers.md is what the functions compute', () => {
  for (const file of ['README.md', 'docs/peers.md']) {
    it(file, () => {
      assert.equal(section(file), comparisonMarkdown());
    });
  }

  it('the disagreements it claims hold', () => {
    const row = (title: RegExp) => {
      const found = comparisonRows().find((r) => title.test(r.case.title));
      assert.ok(found, String(title));
      return { ecsguard: found.ecsguard, peers: Object.fromEntries(found.peers.filter((p) => p.rule).map((p) => [p.rule, p.verdict])) };
    };
    assert.deepEqual(row(/user `"0:0"`/), {
      ecsguard: 'FAIL',
      peers: {
        'ecs-task-definition-user-for-host-mode-check': 'NOT_EVALUATED',
        ecs_task_definitions_host_networking_mode_users: 'PASS',
        '3.1': 'NOT_EVALUATED',
      },
    });
    assert.deepEqual(row(/privileged: true/).peers, {
      'ecs-task-definition-user-for-host-mode-check': 'PASS',
      ecs_task_definitions_host_networking_mode_users: 'PASS',
      '3.1': 'FAIL',
    });
    assert.equal(row(/privileged = true/).peers['CKV_AWS_334'], 'PASS');
    assert.equal(row(/pid_mode/).peers['CKV_AWS_335'], 'PASS');
    assert.equal(row(/first `ENABLED`/).peers['CKV_AWS_97'], 'PASS');
    assert.equal(row(/host volume and no EFS/).peers['AVD-AWS-0035'], 'FAIL');
    assert.deepEqual(row(/DescribeTaskDefinition failed/), {
      ecsguard: 'ERROR',
      peers: {
        'ecs-containers-nonprivileged': 'NOT_EVALUATED',
        ecs_task_definitions_no_privileged_containers: 'PASS',
        '3.4': 'NOT_EVALUATED',
        CKV_AWS_334: 'NOT_COVERED',
      },
    });
  });
});
