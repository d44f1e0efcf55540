import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { FIXTURES } from './load.js';

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.resource.id,
  f.container ?? '-',
  f.location ? `${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

describe('a resource-level Condition: the task definition exists only when it is true', () => {
  it('findings say so, and an Fn::If on the same condition keeps only the branch that can coexist', async () => {
    const result = await scan({ paths: [path.join(FIXTURES, 'resource-condition.yaml')], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    // Every check still ran on AppTaskDefinition: a warning, not a read failure.
    assert.deepEqual(
      result.warnings.map((e) => [e.line, e.column, e.message]),
      [[21, 16, 'resource AppTaskDefinition: Condition NotDefined is not defined in Conditions']],
    );
    assert.deepEqual(result.findings.map(brief), [
      ['FAIL', 'no-host-network', 'DebugTaskDefinition', '-', '13:20', 'networkMode is "host" when condition IsDebug is true'],
      [
        'FAIL',
        'no-privileged-containers',
        'DebugTaskDefinition',
        'shell',
        '17:37',
        'container "shell": privileged is true when condition IsDebug is true',
      ],
      [
        'FAIL',
        'host-network-no-privilege',
        'DebugTaskDefinition',
        'shell',
        '17:37',
        'container "shell": in host network mode, privileged is true when condition IsDebug is true',
      ],
      // User is root only when IsDebug is false, when the resource does not exist: no finding for it.
    ]);
  });
});
