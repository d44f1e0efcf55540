import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, fixture, runBuiltCliAsync } from '../support/cli.js';

// Enough independent files (over the 300-file threshold) that --jobs 2 really uses worker threads, mixed with
// Terraform root modules (read one configuration at a time, in any lane), an unreadable file and a container without a name (a warning).
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
  let reports = '';
  const runs = new Map<string, CliRun>();
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ecsguard-jobs-'));
    reports = mkdtempSync(path.join(tmpdir(), 'ecsguard-jobs-reports-'));
    for (let copy = 0; copy < 34; copy++) {
      const dir = path.join(root, `team-${String(copy).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (const file of SOURCES) cpSync(file, path.join(dir, path.basename(file)));
    }
    // Terraform root modules in many directories: configurations read apart, in any lane.
    for (let copy = 0; copy < 12; copy++)
      cpSync('examples/terraform', path.join(root, `terraform-${String(copy).padStart(2, '0')}`), { recursive: true });
    cpSync(fixture('json', 'invalid-syntax.json'), path.join(root, 'team-07', 'invalid-syntax.json'));
    // One scan per thread count writes all three formats (text to standard output, JSON and SARIF to files): two
    // runs of the built CLI instead of one per format and thread count.
    await Promise.all(
      // 3: two workers and the main thread, which checks batches too and takes back the ones no worker started.
      ['1', '2', '3'].map(async (jobs) => {
        const args = ['scan', root, '--format', 'text', '--jobs', jobs, '--quiet'];
        for (const format of ['json', 'sarif']) args.push('--format', `${format}:${path.join(reports, `jobs-${jobs}.${format}`)}`);
        runs.set(jobs, await runBuiltCliAsync(args));
      }),
    );
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(reports, { recursive: true, force: true });
  });

  const report = (jobs: string, format: string): string =>
    format === 'text' ? (runs.get(jobs)?.stdout ?? '') : readFileSync(path.join(reports, `jobs-${jobs}.${format}`), 'utf8');

  for (const format of ['text', 'json', 'sarif']) {
    it(`${format}: --jobs 1, 2 and 3 write the same bytes and exit code`, () => {
      const one = runs.get('1');
      const two = runs.get('2');
      assert.ok(one && two);
      assert.equal(one.code, 2, one.stderr); // the invalid file makes the scan incomplete
      assert.equal(two.code, one.code);
      assert.ok(report('1', format).length > 10_000, 'a report of many findings');
      assert.equal(report('2', format), report('1', format));
      assert.equal(two.stderr, one.stderr);
      const three = runs.get('3');
      assert.ok(three);
      assert.equal(three.code, one.code);
      assert.equal(report('3', format), report('1', format));
      assert.equal(three.stderr, one.stderr);
      if (format === 'json') {
        const parsed = JSON.parse(report('1', format)) as { summary: { filesScanned: number; taskDefinitions: number } };
        assert.ok(parsed.summary.filesScanned > 340, `scanned ${parsed.summary.filesScanned} files`);
      }
    });
  }
});
