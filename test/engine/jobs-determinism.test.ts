import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, runBuiltCliAsync } from '../support/cli.js';

// Enough independent files (over the 300-file threshold) that --jobs 2 really uses worker threads, mixed with
// Terraform (in-process), an unreadable file and a container without a name (a warning).
const SOURCES = [
  'examples/json/monitoring-agent-host.json',
  'examples/json/payments-api-describe-output.json',
  'examples/json/web-secure-host.json',
  'examples/cloudformation/host-mode-nonroot.yaml',
  'examples/cloudformation/monitoring-agent-insecure.yaml',
  'examples/cloudformation/web-fargate-secure.yaml',
  fixture('json', 'register-input.json'),
  fixture('json', 'container-without-name.json'),
  fixture('cloudformation', 'conditions.yaml'),
  fixture('cloudformation', 'multi-document.yaml'),
];

describe('scan --jobs: output does not depend on the number of worker threads', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ecsguard-jobs-'));
    for (let copy = 0; copy < 34; copy++) {
      const dir = path.join(root, `team-${String(copy).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (const file of SOURCES) cpSync(file, path.join(dir, path.basename(file)));
    }
    cpSync('examples/terraform', path.join(root, 'terraform'), { recursive: true });
    cpSync(fixture('json', 'invalid-syntax.json'), path.join(root, 'team-07', 'invalid-syntax.json'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  for (const format of ['text', 'json', 'sarif']) {
    it(`${format}: --jobs 1 and --jobs 2 write the same bytes and exit code`, async () => {
      const one = await runBuiltCliAsync(['scan', root, '--format', format, '--jobs', '1', '--quiet']);
      const two = await runBuiltCliAsync(['scan', root, '--format', format, '--jobs', '2', '--quiet']);
      assert.equal(one.code, 2, one.stderr); // the invalid file makes the scan incomplete
      assert.equal(two.code, one.code);
      assert.ok(one.stdout.length > 10_000, 'a report of many findings');
      assert.equal(two.stdout, one.stdout);
      assert.equal(two.stderr, one.stderr);
      if (format === 'json') {
        // Three lanes: two workers and the main thread, which checks batches too and takes back unstarted ones.
        const three = await runBuiltCliAsync(['scan', root, '--format', format, '--jobs', '3', '--quiet']);
        assert.equal(three.code, one.code);
        assert.equal(three.stdout, one.stdout);
        assert.equal(three.stderr, one.stderr);
        const report = JSON.parse(one.stdout) as { summary: { filesScanned: number; taskDefinitions: number } };
        assert.ok(report.summary.filesScanned > 340, `scanned ${report.summary.filesScanned} files`);
      }
    });
  }
});
