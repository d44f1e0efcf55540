import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/cli.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: Step[] };
};

/** Evaluates the `${{ … }}` expressions a step's env uses, as the runner would for these inputs. */
function expand(text: string, inputs: Record<string, string>, outputs: Record<string, string> = {}): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.action_path') return REPO_ROOT;
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1] as string] ?? action.inputs[input[1] as string]?.default ?? '';
    const output = /^steps\.scan\.outputs\.([\w-]+)$/.exec(expr);
    if (output) return outputs[output[1] as string] ?? '';
    throw new Error(`unexpected expression ${expr}`);
  });
}

function runStep(step: Step, cwd: string, inputs: Record<string, string>, outputs: Record<string, string> = {}) {
  const githubOutput = path.join(cwd, `github-output-${step.id}`);
  writeFileSync(githubOutput, '');
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs, outputs)]));
  const result = spawnSync('bash', ['-e', '-c', step.run as string], {
    cwd,
    env: { ...process.env, ...env, NO_COLOR: '1', GITHUB_OUTPUT: githubOutput },
    encoding: 'utf8',
  });
  const written = Object.fromEntries(
    readFileSync(githubOutput, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, outputs: written };
}

describe('GitHub Action (action.yml)', () => {
  const steps = Object.fromEntries(action.runs.steps.map((s) => [s.id ?? s.uses, s]));

  it('is a composite action that scans, uploads SARIF to code scanning, then gates', () => {
    assert.equal(action.runs.using, 'composite');
    assert.deepEqual(
      action.runs.steps.map((s) => s.id ?? s.uses),
      ['actions/setup-node@v4', 'install', 'scan', 'upload', 'gate'],
    );
    assert.equal(steps.upload?.uses, 'github/codeql-action/upload-sarif@v3');
    assert.deepEqual(steps.upload?.with, { sarif_file: '${{ steps.scan.outputs.sarif-file }}', category: 'ecsguard' });
    assert.match(steps.upload?.if ?? '', /always\(\)/);
  });

  it('its scan and gate steps run here as a script: SARIF written, exit code passed on, job failed', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ecsguard-action-'));
    mkdirSync(path.join(work, 'infra'));
    writeFileSync(
      path.join(work, 'infra/task.json'),
      JSON.stringify({ family: 'api', containerDefinitions: [{ name: 'api', image: 'nginx', user: 'root' }] }, null, 2),
    );
    const inputs = { paths: 'infra', args: '--fail-on medium' };
    const scan = runStep(steps.scan as Step, work, inputs);
    assert.equal(scan.code, 0, scan.stderr);
    assert.deepEqual(scan.outputs, { 'exit-code': '1', 'sarif-file': 'ecsguard.sarif' });
    assert.match(scan.stdout, /FAIL {4}medium {3}no-root-user/);
    const sarif = JSON.parse(readFileSync(path.join(work, 'ecsguard.sarif'), 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(
      sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId),
      ['no-root-user'],
    );

    const gate = runStep(steps.gate as Step, work, inputs, scan.outputs);
    assert.equal(gate.code, 1);
    assert.equal(gate.stdout, '::error::ecsguard exited 1 (1: failing findings, 2: usage error or unreadable input)\n');
  });

  it('a clean scan passes the gate', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'ecsguard-action-'));
    writeFileSync(
      path.join(work, 'task.json'),
      JSON.stringify({ family: 'api', containerDefinitions: [{ name: 'api', image: 'nginx', user: '1000:1000' }] }),
    );
    const scan = runStep(steps.scan as Step, work, { paths: 'task.json' });
    assert.equal(scan.outputs['exit-code'], '0');
    assert.equal(runStep(steps.gate as Step, work, {}, scan.outputs).code, 0);
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const [hook] = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
    id: string;
    entry: string;
    files: string;
    pass_filenames: boolean;
    language: string;
  }>;

  it('runs its entry on the staged files that match, as pre-commit does', () => {
    assert.ok(hook, '.pre-commit-hooks.yaml lists a hook');
    assert.equal(hook.id, 'ecsguard');
    assert.equal(hook.pass_filenames, true);
    const repo = mkdtempSync(path.join(tmpdir(), 'ecsguard-precommit-'));
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(repo, '.github/workflows/ci.yml'), 'on: push\njobs: {}\n');
    writeFileSync(path.join(repo, 'README.md'), '# app\n');
    writeFileSync(
      path.join(repo, 'main.tf'),
      'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([{ name = "app", image = ' +
        '"nginx", privileged = true, user = "1000" }])\n}\n',
    );
    git('add', '.');

    const staged = () => {
      const names = git('diff', '--cached', '--name-only').stdout.split('\n').filter(Boolean);
      return names.filter((n) => new RegExp(hook.files).test(n));
    };
    assert.deepEqual(staged(), ['.github/workflows/ci.yml', 'main.tf']);
    const [command, ...args] = hook.entry.split(' ');
    assert.equal(command, 'ecsguard');
    const runHook = () =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args, ...staged()], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    const failing = runHook();
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stdout, /main\.tf › aws_ecs_task_definition\.app/);
    assert.match(failing.stdout, /FAIL {4}high {5}no-privileged-containers/);
    assert.equal(failing.stderr, '');

    writeFileSync(
      path.join(repo, 'main.tf'),
      'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([{ name = "app", image = ' +
        '"nginx", user = "1000" }])\n}\n',
    );
    git('add', 'main.tf');
    const passing = runHook();
    assert.equal(passing.status, 0, passing.stdout);
  });
});
