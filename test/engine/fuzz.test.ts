import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

/**
 * One hostile file beside a good one: whatever the hostile file holds (deep
 * nesting in JSON, YAML or HCL, unbalanced brackets, garbage bytes), the scan
 * ends, reports no internal error, and still reports the good file's failure.
 */

const GOOD = JSON.stringify({ family: 'good', containerDefinitions: [{ name: 'app', image: 'nginx', user: '0' }] });

const opener = fc.constantFrom('[', '{"a":', '{"containerDefinitions":', '[{"name":"c","x":');
const nested = fc.record({ depth: fc.integer({ min: 1, max: 3000 }), open: opener, close: fc.boolean() }).map(({ depth, open, close }) => {
  const closing = open.startsWith('[') ? ']' : '}';
  return open.repeat(depth) + (close ? `1${closing.repeat(depth)}` : '');
});

const jsonFile = fc.oneof(
  nested,
  nested.map((value) => `{"family":"f","containerDefinitions":[{"name":"c","image":"i","x":${value}}]}`),
  fc.json(),
);

const yamlFile = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map((depth) => `${'- '.repeat(depth)}x\n`),
  fc
    .integer({ min: 1, max: 3000 })
    .map(
      (depth) =>
        `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ` +
        `ContainerDefinitions: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
    ),
  fc.integer({ min: 1, max: 200 }).map((depth) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')),
);

const hclFile = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map((depth) => `${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}`),
  fc
    .integer({ min: 1, max: 3000 })
    .map(
      (depth) =>
        `resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = jsonencode([{ name = "c", x = ` +
        `${'['.repeat(depth)}${']'.repeat(depth)} }])\n}\n`,
    ),
  fc.integer({ min: 1, max: 500 }).map((depth) => `locals {\n  x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n}\n`),
);

const garbage = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc
    .array(fc.constantFrom('[', ']', '{', '}', '"', ':', ',', '\n', '- ', '${', '<<EOF\n', '!Ref ', '#', '\\'), { maxLength: 500 })
    .map((parts) => parts.join('')),
);

const hostile = fc.oneof(
  fc.record({ name: fc.constant('hostile.json'), text: fc.oneof(jsonFile, garbage) }),
  fc.record({ name: fc.constant('hostile.yaml'), text: fc.oneof(yamlFile, garbage) }),
  fc.record({ name: fc.constant('hostile.tf'), text: fc.oneof(hclFile, garbage) }),
);

describe('fuzz: one hostile file never takes the run down', () => {
  it('no internal error, and the good file is still reported, in a folder and named on the command line', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async ({ name, text }) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-fuzz-'));
        try {
          writeFileSync(path.join(dir, 'good.json'), GOOD);
          writeFileSync(path.join(dir, name), text);
          for (const paths of [[dir], [path.join(dir, name), path.join(dir, 'good.json')]]) {
            const result = await scan({ paths, checks: CHECKS });
            const internal = result.errors.filter((e) => /internal error/.test(e.message));
            assert.deepEqual(internal, []);
            const good = result.findings.filter((f) => f.resource.file?.endsWith('good.json'));
            assert.deepEqual(
              good.map((f) => [f.checkId, f.status]),
              [['no-root-user', 'FAIL']],
            );
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 100 },
    );
  });
});
