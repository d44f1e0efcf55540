import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { fixFiles } from '../../src/fix/fix-files.js';
import { errorsMadeByFixes } from '../../src/fix/read-back.js';
import { DEFAULT_FIX_OPTIONS } from '../../src/fix/strategy.js';
import { pathGet } from '../../src/model/value.js';
import { jsonTaskDefinitionSource } from '../../src/sources/json/json-source.js';
import type { FileSource } from '../../src/sources/source.js';
import { workspace } from './helpers.js';

const TASK = `{
  "family": "web",
  "containerDefinitions": [{ "name": "web", "image": "nginx", "privileged": true }]
}
`;

describe('fix: each changed text is read back before it is written', () => {
  it('a text an edit broke names its first new error with line and column', async () => {
    const dir = workspace({ 'task.json': TASK });
    const file = path.join(dir, 'task.json');
    const broken = TASK.replace('"privileged": true', '"privileged": false,, "user": "1000:1000"');
    const made = await errorsMadeByFixes([{ file, before: TASK, after: broken }], [], {});
    assert.deepEqual([...made.keys()], [file]);
    const error = made.get(file);
    // At the second comma of `false,,`.
    const line = broken.split('\n')[2] as string;
    assert.deepEqual([error?.line, error?.column], [3, line.indexOf(',,') + 2]);
  });

  it('a fixed text that reads as the file did is not flagged, nor are errors the file already had', async () => {
    const dir = workspace({ 'task.json': TASK });
    const file = path.join(dir, 'task.json');
    const fixed = TASK.replace('"privileged": true', '"privileged": false');
    assert.equal((await errorsMadeByFixes([{ file, before: TASK, after: fixed }], [], {})).size, 0);
    // The file had an error already (a misspelt judged field), one line lower once fixed: the same error.
    const misspelt = TASK.replace('"image"', '"imagee"');
    const after = misspelt.replace('"privileged": true }', '"privileged": false,\n    "user": "1000:1000" }').replace('{\n', '{\n\n');
    assert.equal((await errorsMadeByFixes([{ file, before: misspelt, after }], [], {})).size, 0);
  });

  it('a file that had an error and no longer parses at all is flagged, though it has one error either way', async () => {
    const dir = workspace({ 'task.json': TASK });
    const file = path.join(dir, 'task.json');
    const misspelt = TASK.replace('"image"', '"imagee"');
    const broken = misspelt.replace('"privileged": true', '"privileged": false,,');
    const made = await errorsMadeByFixes([{ file, before: misspelt, after: broken }], [], {});
    assert.deepEqual([...made.keys()], [file]);
  });

  it('a Terraform file is read back with the other files of its folder, as the scan read it', async () => {
    const dir = workspace({
      'variables.tf': 'variable "user" {\n  default = "1000"\n}\n',
      'main.tf': 'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = "[]"\n}\n',
    });
    const file = path.join(dir, 'main.tf');
    const before = readFileSync(file, 'utf8');
    const after =
      'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n' +
      '  container_definitions = jsonencode([{ name = "app", image = "x", user = var.user }])\n}\n';
    assert.equal((await errorsMadeByFixes([{ file, before, after }], [], {})).size, 0);
    const cut = after.replace('"app" {', '"app" <false');
    const made = await errorsMadeByFixes([{ file, before, after: cut }], [], {});
    assert.equal(made.get(file)?.line, 1);
  });

  it("a module's file, read on its own with its variables' defaults, is compared with its old text read the same way", async () => {
    // Read on its own, the module's default names a file that is not there: an error before and after the fix alike.
    const module = [
      'variable "defs_file" {',
      '  type    = string',
      '  default = "containers.json"',
      '}',
      'resource "aws_ecs_task_definition" "from_file" {',
      '  family                = "from-file"',
      '  container_definitions = file(var.defs_file)',
      '}',
      'resource "aws_ecs_task_definition" "agent" {',
      '  family                = "agent"',
      '  container_definitions = jsonencode([{ name = "agent", image = "agent:1", user = "1000", privileged = true }])',
      '}',
      '',
    ].join('\n');
    const dir = workspace({
      'main.tf': 'module "svc" {\n  source    = "./mod"\n  defs_file = "${path.root}/containers.json"\n}\n',
      'containers.json': '[{ "name": "app", "image": "app:1", "user": "1000" }]\n',
      'mod/main.tf': module,
    });
    const run = await fixFiles({ paths: [dir], checks: CHECKS, fix: DEFAULT_FIX_OPTIONS });
    assert.deepEqual(run.errors, []);
    assert.deepEqual(
      run.changes.map((c) => [path.relative(dir, c.file), c.after]),
      [['mod/main.tf', module.replace('privileged = true', 'privileged = false')]],
    );
  });

  it('fixFiles does not write a file its edits would break: an error, and the changes become manual steps', async () => {
    // A source whose privileged values point two characters early (a bug in a reader): the edit would write over the colon.
    const skewed: FileSource = {
      ...jsonTaskDefinitionSource,
      async load(files, options) {
        const output = await jsonTaskDefinitionSource.load(files, options);
        for (const definition of output.definitions) {
          const container = pathGet(definition.body, ['containerDefinitions', 0]);
          const entry = container?.kind === 'object' ? container.entries.find((e) => e.key === 'privileged') : undefined;
          const range = entry?.value.range;
          if (entry && range) {
            const start = { ...range.start, offset: range.start.offset - 2, column: range.start.column - 2 };
            entry.value = { ...entry.value, range: { file: range.file, start, end: { ...range.end } } };
          }
        }
        return output;
      },
    };
    const dir = workspace({ 'task.json': TASK });
    const result = await fixFiles({ paths: [dir], checks: CHECKS, fix: DEFAULT_FIX_OPTIONS, fileSources: [skewed] });
    const file = path.join(dir, 'task.json');
    assert.deepEqual(result.changes, []);
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]?.message ?? '',
      /^not changed: ecsguard's edits would break the file \(.*task\.json:3:\d+: .+\); a bug in ecsguard/,
    );
    const manual = result.definitions.flatMap((d) => d.manual.map((m) => `${m.checkId}: ${m.reason}`));
    assert.ok(
      manual.includes(`no-privileged-containers: not changed: ecsguard's edits of ${file} would break it; change it by hand`),
      manual.join('\n'),
    );
    assert.deepEqual(
      result.definitions.flatMap((d) => d.changes),
      [],
    );
  });
});
