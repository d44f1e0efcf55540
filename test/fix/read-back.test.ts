import assert from 'node:assert/strict';
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
    const made = await errorsMadeByFixes([{ file, after: broken }], [], {});
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
    assert.equal((await errorsMadeByFixes([{ file, after: fixed }], [], {})).size, 0);
    // The file had one error already (a misspelt judged field); the fixed text still has it, and no other.
    const misspelt = fixed.replace('"image"', '"imagee"');
    const before = [{ file, message: 'an error the scan reported', line: 3, column: 42 }];
    const again = await errorsMadeByFixes([{ file, after: misspelt }], before, {});
    assert.equal(again.size, 0);
  });

  it('a Terraform file is read back with the other files of its folder, as the scan read it', async () => {
    const dir = workspace({
      'variables.tf': 'variable "user" {\n  default = "1000"\n}\n',
      'main.tf': 'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = "[]"\n}\n',
    });
    const file = path.join(dir, 'main.tf');
    const after =
      'resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n' +
      '  container_definitions = jsonencode([{ name = "app", image = "x", user = var.user }])\n}\n';
    assert.equal((await errorsMadeByFixes([{ file, after }], [], {})).size, 0);
    const cut = after.replace('"app" {', '"app" <false');
    const made = await errorsMadeByFixes([{ file, after: cut }], [], {});
    assert.equal(made.get(file)?.line, 1);
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
