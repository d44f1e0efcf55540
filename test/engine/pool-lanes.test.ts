import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { ALL_FINDING_DETAILS } from '../../src/engine/evaluate.js';
import { ScanPool } from '../../src/engine/pool.js';
import { FILE_SOURCES } from '../../src/sources/registry.js';
import { runBuiltCliAsync } from '../support/cli.js';

// The pool's workers start while the main thread reads (when the walk finds enough JSON or YAML files) and load the
// YAML parser before their first batch; which lane checks a batch never changes the output (jobs-determinism.test.ts).
describe('scan pool: workers started early', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ecsguard-pool-lanes-'));
    // 320 JSON files that are not task definitions (package manifests) and two that are: the walk sees enough JSON
    // to start a worker, but too few files turn out to be task definitions for the pool to be used.
    for (let i = 0; i < 320; i++) {
      const dir = path.join(root, `package-${String(i).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `package-${i}`, version: '1.0.0', private: true }, null, 2));
    }
    cpSync('examples/json/monitoring-agent-host.json', path.join(root, 'package-100', 'task-definition.json'));
    cpSync('examples/cloudformation/host-mode-nonroot.yaml', path.join(root, 'package-200', 'template.yaml'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  // A worker left running would keep the process alive: the timeout turns that into a failure.
  it('a worker started for files that turn out not to be task definitions is stopped; the scan ends as with --jobs 1', {
    timeout: 120_000,
  }, async () => {
    const one = await runBuiltCliAsync(['scan', root, '--format', 'json', '--jobs', '1', '--quiet']);
    const two = await runBuiltCliAsync(['scan', root, '--format', 'json', '--jobs', '2', '--quiet']);
    assert.equal(one.code, 1, one.stderr);
    assert.equal(two.code, one.code);
    assert.equal(two.stderr, one.stderr);
    assert.equal(two.stdout, one.stdout);
    const report = JSON.parse(two.stdout) as { summary: { filesScanned: number; filesSkipped: number; taskDefinitions: number } };
    assert.equal(report.summary.filesScanned, 2);
    assert.equal(report.summary.filesSkipped, 320);
  });

  it('a worker that preloaded the CloudFormation source checks a template batch as the main thread does', async () => {
    const cloudFormation = FILE_SOURCES.findIndex((s) => s.kind === 'cloudformation');
    const pool = new ScanPool(1, { sourceIndexes: [cloudFormation], findingDetails: ALL_FINDING_DETAILS });
    const file = path.join(root, 'package-200', 'template.yaml');
    try {
      const result = await pool.run({
        sourceIndex: cloudFormation,
        files: [{ path: file, text: readFileSync(file, 'utf8') }],
        checkIds: CHECKS.map((c) => c.meta.id),
        includePassed: false,
        varFiles: [],
        findingLines: false,
        findingDetails: ALL_FINDING_DETAILS,
      });
      assert.equal(result.taskDefinitions, 1);
      assert.deepEqual(result.errors, []);
      assert.ok(
        result.findings.some((f) => f.checkId === 'no-host-network' && f.status === 'FAIL'),
        result.findings.map((f) => `${f.checkId} ${f.status}`).join(', '),
      );
    } finally {
      await pool.close();
    }
  });

  it('a worker checks one Terraform configuration unit knowing its place: a module outside the root is labelled by root', async () => {
    const terraform = FILE_SOURCES.findIndex((s) => s.kind === 'terraform');
    const unitRoot = mkdtempSync(path.join(tmpdir(), 'ecsguard-pool-unit-'));
    mkdirSync(path.join(unitRoot, 'shared'));
    mkdirSync(path.join(unitRoot, 'live', 'app'), { recursive: true });
    writeFileSync(
      path.join(unitRoot, 'shared', 'main.tf'),
      'resource "aws_ecs_task_definition" "t" {\n  family = "f"\n' +
        '  container_definitions = jsonencode([{ name = "app", image = "a", privileged = true }])\n}\n',
    );
    const main = path.join(unitRoot, 'live', 'app', 'main.tf');
    writeFileSync(main, 'module "m" {\n  source = "../../shared"\n}\n');
    const pool = new ScanPool(1, { sourceIndexes: [terraform], findingDetails: ALL_FINDING_DETAILS });
    const task = (others: boolean) => ({
      sourceIndex: terraform,
      files: [{ path: main, absolutePath: main, text: readFileSync(main, 'utf8') }],
      checkIds: ['no-privileged-containers'],
      includePassed: false,
      varFiles: [],
      findingLines: false,
      findingDetails: ALL_FINDING_DETAILS,
      unit: { others, first: true },
    });
    try {
      const ids = async (others: boolean) => (await pool.run(task(others))).findings.map((f) => `${f.resource.id} ${f.status}`);
      assert.deepEqual(await ids(true), [`module.m.aws_ecs_task_definition.t (root ${path.join(unitRoot, 'live', 'app')}) FAIL`]);
      assert.deepEqual(await ids(false), ['module.m.aws_ecs_task_definition.t FAIL']);
    } finally {
      await pool.close();
      rmSync(unitRoot, { recursive: true, force: true });
    }
  });
});
