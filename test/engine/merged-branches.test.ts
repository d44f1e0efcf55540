import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { runFix, workspace } from '../fix/helpers.js';

/** A conditional container list whose branches hold the same container, privileged in both. */
const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
Conditions:
  Debug: !Equals [!Ref Env, debug]
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: !If
        - Debug
        - - Name: app
            Image: nginx:debug
            User: "1000"
            Privileged: true
        - - Name: app
            Image: nginx
            User: "1000"
            Privileged: true
`;

describe('the same verdict on both branches of a conditional container list', () => {
  it('is reported once, without the condition, at the first branch', async () => {
    const dir = workspace({ 'task.yaml': TEMPLATE });
    try {
      const result = await scan({ paths: [dir], checks: CHECKS });
      assert.deepEqual(result.errors, []);
      assert.deepEqual(
        result.findings.map((f) => [f.checkId, f.status, f.field, `${f.location?.start.line}:${f.location?.start.column}`, f.message]),
        [['no-privileged-containers', 'FAIL', 'containerDefinitions[0].privileged', '16:25', 'container "app": privileged is true']],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is fixed in every branch', async () => {
    const dir = workspace({ 'task.yaml': TEMPLATE });
    try {
      const run = await runFix(dir);
      assert.equal(run.after['task.yaml'], TEMPLATE.replaceAll('Privileged: true', 'Privileged: false'));
      assert.equal(path.basename(run.result.changes[0]?.file ?? ''), 'task.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
