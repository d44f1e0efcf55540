import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scanText } from '../../src/library/scan.js';
import { junitReporter } from '../../src/report/junit.js';
import { runCli } from '../support/cli.js';

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])/;

describe('reports keep what their consumers accept', () => {
  it('ASFF: a long emoji name is cut between characters; empty and over-long values are left out or cut', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-asff-limits-'));
    writeFileSync(
      path.join(dir, 't.yaml'),
      `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: "${'😀'.repeat(3000)}"
          Image: x
          User: root # ecsguard:ignore no-root-user reason="vendor image"
          Privileged: true
`,
    );
    const run = await runCli(['scan', 't.yaml', '-f', 'asff', '--asff-account-id', '123456789012', '--asff-region', 'eu-west-1'], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr);
    const findings = JSON.parse(run.stdout) as Array<{ Description: string; Title: string; ProductFields: Record<string, string> }>;
    assert.ok(findings.length >= 2);
    for (const f of findings) {
      assert.ok(f.Description.length <= 1024 && f.Title.length <= 256);
      assert.doesNotMatch(f.Description, loneSurrogate);
      for (const [key, value] of Object.entries(f.ProductFields)) {
        assert.ok(value.length > 0 && value.length <= 2048, `${key}: ${value.length}`);
        assert.doesNotMatch(value, loneSurrogate, key);
      }
    }
    const muted = findings.find((f) => f.ProductFields['ecsguard/Status'] === 'MUTED');
    assert.ok(muted, 'the inline suppression mutes no-root-user');
    assert.deepEqual(
      Object.keys(muted.ProductFields).filter((k) => k.startsWith('ecsguard/Suppress')),
      ['ecsguard/SuppressedBy'],
    );
  });

  it('JUnit: a line break in a file name is kept in attributes as a character reference', async () => {
    const result = await scanText(JSON.stringify({ family: 'f', containerDefinitions: [{ name: 'a', image: 'x', user: 'root' }] }), {
      checks: CHECKS,
      filename: 'new\nline.json',
    });
    const xml = junitReporter({ result, exitCode: 1 }, { color: false });
    assert.match(xml, / file="new&#10;line\.json"/);
    assert.doesNotMatch(xml, / file="new\nline/);
  });
});
