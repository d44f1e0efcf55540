import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { InputFile } from '../../../src/sources/source.js';
import { configurationUnits } from '../../../src/sources/terraform/configuration-units.js';

const ROOT = '/repo';

function files(tree: Record<string, string>): InputFile[] {
  return Object.entries(tree).map(([name, text]) => ({ path: `${ROOT}/${name}`, absolutePath: `${ROOT}/${name}`, text }));
}

/** Each unit as the directories of its files (relative to ROOT), in order. */
function unitDirectories(tree: Record<string, string>): string[][] {
  return configurationUnits(files(tree)).map((unit) => [...new Set(unit.files.map((f) => dirname(f.path).slice(ROOT.length + 1) || '.'))]);
}

const TASK = 'resource "aws_ecs_task_definition" "t" {\n  family = "x"\n  container_definitions = "[]"\n}\n';
const call = (source: string) => `module "m" {\n  source = ${source}\n}\n`;

describe('Terraform configuration units: root modules with the scanned directories they call', () => {
  const cases: Array<{ name: string; tree: Record<string, string>; units: string[][] }> = [
    {
      name: 'directories that call nothing are a unit each, in file order',
      tree: { 'b/main.tf': TASK, 'a/main.tf': TASK, 'b/vars.tf': 'variable "x" {}\n' },
      units: [['b'], ['a']],
    },
    {
      name: 'a local module call joins the caller with the called directory',
      tree: { 'svc/main.tf': call('"../modules/task"'), 'modules/task/main.tf': TASK, 'other/main.tf': TASK },
      units: [['svc', 'modules/task'], ['other']],
    },
    {
      name: 'two roots calling one module outside the scan are one unit (the module is read once per unit)',
      tree: { 'a/main.tf': call('"../../shared/task"'), 'b/main.tf': call('"../../shared/task"'), 'c/main.tf': TASK },
      units: [['a', 'b'], ['c']],
    },
    {
      name: 'a call in Terraform JSON joins as one in HCL',
      tree: { 'a/main.tf.json': '{"module": {"m": {"source": "../b"}}}', 'b/main.tf': TASK },
      units: [['a', 'b']],
    },
    {
      name: 'registry and git sources and a provider source join nothing',
      tree: {
        'a/main.tf':
          call('"terraform-aws-modules/ecs/aws"') + 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n',
        'b/main.tf': call('"git::https://example.com/m.git"'),
      },
      units: [['a'], ['b']],
    },
    {
      name: 'a file source that names a value (an upload) joins nothing',
      tree: { 'a/main.tf': 'resource "aws_s3_object" "o" {\n  source = "${path.module}/files/app.conf"\n}\n', 'b/main.tf': TASK },
      units: [['a'], ['b']],
    },
    {
      name: 'modules terraform init installed belong to the directory that installed them',
      tree: { 'app/main.tf': TASK, 'app/.terraform/modules/ecs/main.tf': TASK, 'other/main.tf': TASK },
      units: [['app', 'app/.terraform/modules/ecs'], ['other']],
    },
  ];
  for (const { name, tree, units } of cases) {
    it(name, () => {
      assert.deepEqual(unitDirectories(tree), units);
    });
  }

  // A source the texts cannot tell could be a call to any directory: nothing is split.
  for (const [form, source] of [
    ['a heredoc', '<<EOT\n../b\nEOT'],
    ['a template of constants', '"${"../"}b"'],
    ['an escape', '"..\\u002fb"'],
    ['a literal $${', '"../b$${x}"'],
    ['a comment before it', '/* pinned */ "../b"'],
    ['a value in parentheses', '("../b")'],
    ['a local path with an interpolation, which the evaluator takes as written', '"../b${path.module}"'],
  ] as const) {
    it(`a module source written as ${form} keeps every directory in one unit`, () => {
      assert.deepEqual(unitDirectories({ 'a/main.tf': call(source), 'b/main.tf': TASK, 'c/main.tf': TASK }), [['a', 'b', 'c']]);
    });
  }

  // Space as the HCL grammar reads it: form feeds, vertical tabs, and as much of it as `terraform fmt` aligns with.
  for (const [form, text] of [
    ['a form feed before =', 'module "m" {\n  source\f= "../b"\n}\n'],
    ['a vertical tab after =', 'module "m" {\n  source =\v"../b"\n}\n'],
    ['300 spaces before =', `module "m" {\n  source${' '.repeat(300)}= "../b"\n}\n`],
    ['300 spaces after =', `module "m" {\n  source =${' '.repeat(300)}"../b"\n}\n`],
  ] as const) {
    it(`a call with ${form} joins the caller with the called directory`, () => {
      assert.deepEqual(unitDirectories({ 'a/main.tf': text, 'b/main.tf': TASK, 'c/main.tf': TASK }), [['a', 'b'], ['c']]);
    });
  }

  it('a comment between the name source and its = keeps every directory in one unit', () => {
    const tree = { 'a/main.tf': 'module "m" {\n  source /* pinned */ = "../b"\n}\n', 'b/main.tf': TASK, 'c/main.tf': TASK };
    assert.deepEqual(unitDirectories(tree), [['a', 'b', 'c']]);
  });

  it('an escape anywhere in Terraform JSON (a key spelt sourc\\u0065) keeps every directory in one unit', () => {
    const tree = { 'a/main.tf.json': '{"module": {"m": {"sourc\\u0065": "../b"}}}', 'b/main.tf': TASK, 'c/main.tf': TASK };
    assert.deepEqual(unitDirectories(tree), [['a', 'b', 'c']]);
  });

  it('each unit knows whether other units hold configuration, and which is first', () => {
    const units = configurationUnits(files({ 'a/main.tf': TASK, 'b/terraform.tfvars': 'x = 1\n', 'c/main.tf': TASK }));
    assert.deepEqual(
      units.map((u) => u.place),
      [
        { others: true, first: true },
        { others: true, first: false },
        { others: true, first: false },
      ],
    );
    const alone = configurationUnits(files({ 'a/main.tf': TASK, 'b/terraform.tfvars': 'x = 1\n' }));
    assert.deepEqual(
      alone.map((u) => u.place),
      [
        { others: false, first: true },
        { others: true, first: false },
      ],
    );
  });
});

describe('Terraform scans read each configuration on its own', () => {
  function tree(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'ecsguard-units-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    return root;
  }
  const PRIVILEGED =
    'resource "aws_ecs_task_definition" "t" {\n  family = "f"\n' +
    '  container_definitions = jsonencode([{ name = "app", image = "a", privileged = true }])\n}\n';

  it('two directories that call each other are read, even beside another root (they were skipped as called modules)', async () => {
    const root = tree({
      'svc/main.tf': PRIVILEGED,
      'loop-a/main.tf': `${call('"../loop-b"')}${PRIVILEGED}`,
      'loop-b/main.tf': call('"../loop-a"'),
    });
    try {
      const result = await scan({ paths: [root], checks: CHECKS });
      const privileged = result.findings.filter((f) => f.checkId === 'no-privileged-containers' && f.status === 'FAIL');
      assert.deepEqual(privileged.map((f) => f.resource.file?.slice(root.length + 1)).sort(), [
        'loop-a/main.tf',
        'loop-a/main.tf',
        'svc/main.tf',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  // The loader follows calls through directories outside the scan (and modules.json): the split follows them too, so
  // no two units read one directory (each would report its errors, and read it from disk, not as the scan read it).
  it('a scanned directory reached through a module outside the scan is read by one unit: its syntax error is told once', async () => {
    const root = tree({
      'envs/prod/main.tf': 'module "w" {\n  source = "../../modules/wrapper"\n}\n',
      'modules/wrapper/main.tf': 'module "inner" {\n  source = "../svc"\n}\n',
      'modules/svc/main.tf': `${PRIVILEGED}locals {\n  x =\n}\n`,
      'other/main.tf': PRIVILEGED,
    });
    try {
      const paths = ['envs/prod', 'modules/svc', 'other'].map((p) => join(root, p));
      const result = await scan({ paths, checks: CHECKS });
      assert.deepEqual(
        result.errors.map((e) => `${(e.file ?? '').slice(root.length + 1)}:${e.line}`),
        ['modules/svc/main.tf:6'],
      );
      assert.deepEqual(
        configurationUnits(
          ['envs/prod/main.tf', 'modules/svc/main.tf', 'other/main.tf'].map((name) => {
            const path = join(root, name);
            return { path, absolutePath: path, text: readFileSync(path, 'utf8') };
          }),
        ).map((u) => u.files.map((f) => f.path.slice(root.length + 1))),
        [['envs/prod/main.tf', 'modules/svc/main.tf'], ['other/main.tf']],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('links that make one module outside the scan reachable under many paths keep one unit, without walking them all', () => {
    const root = tree({
      'scan/a/main.tf': 'module "u" {\n  source = "../../out/u"\n}\n',
      'scan/b/main.tf': PRIVILEGED,
      'out/u/main.tf': 'module "x" {\n  source = "./l1"\n}\nmodule "y" {\n  source = "./l2"\n}\n',
    });
    try {
      symlinkSync('.', join(root, 'out/u/l1'));
      symlinkSync('.', join(root, 'out/u/l2'));
      const inputs = ['scan/a/main.tf', 'scan/b/main.tf'].map((name) => {
        const path = join(root, name);
        return { path, absolutePath: path, text: readFileSync(path, 'utf8') };
      });
      assert.deepEqual(
        configurationUnits(inputs).map((u) => u.files.length),
        [2],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a --var-file that cannot be read is one error, however many configurations the scan holds', async () => {
    const root = tree({ 'a/main.tf': PRIVILEGED, 'b/main.tf': PRIVILEGED, 'c/main.tf': PRIVILEGED });
    try {
      const result = await scan({ paths: [root], checks: CHECKS, varFiles: [join(root, 'missing.tfvars')] });
      assert.deepEqual(
        result.errors.map((e) => e.message),
        ['cannot read the --var-file: ENOENT'],
      );
      assert.equal(result.findings.filter((f) => f.checkId === 'no-privileged-containers' && f.status === 'FAIL').length, 3);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
