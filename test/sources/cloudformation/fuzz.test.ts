import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ValueNode } from '../../../src/model/value.js';
import { FIXTURES, loadText } from './load.js';

const SEEDS = [
  'conditions.yaml',
  'cdk-synth.template.json',
  'seed-004-no-privileged.yaml',
  'quoted-continuation.yaml',
  'for-each-services.yaml',
  'rules-and-functions.yaml',
].map((name) => readFileSync(path.join(FIXTURES, name), 'utf8'));

// Edits that break templates the way people do: cut text, stray characters, tags, aliases, brackets.
const edit = fc.record({
  seed: fc.nat(SEEDS.length - 1),
  at: fc.nat(),
  cut: fc.nat(40),
  insert: fc.constantFrom(
    '',
    ':',
    '- ',
    '!If [',
    '!Ref ',
    '*a',
    '&a ',
    '{',
    ']',
    '"',
    '\n  ',
    '\t',
    '!Bogus ',
    '{"Fn::If": 1}',
    '\u00e9\u{1F600}',
    "'",
    "''",
    '\n',
    'Fn::ForEach::L: ',
    '!ValueOf ',
    'yes',
  ),
});

describe('mangled templates never crash the source', () => {
  it('every output has a definition or an error with a line, or is a template with no task definitions', async () => {
    await fc.assert(
      fc.asyncProperty(edit, async ({ seed, at, cut, insert }) => {
        const original = SEEDS[seed] ?? '';
        const start = at % (original.length + 1);
        const text = original.slice(0, start) + insert + original.slice(start + cut);
        const output = await loadText(text, 'mangled.yaml');
        for (const error of output.errors) {
          assert.equal(error.file, 'mangled.yaml');
          assert.equal(typeof error.message, 'string');
        }
        const positioned = output.errors.filter((e) => typeof e.line === 'number' && typeof e.column === 'number');
        assert.equal(positioned.length, output.errors.length, JSON.stringify(output.errors));
        // Every position is inside the text (the quoted-scalar repair maps its offsets back to the file's).
        const walk = (node: ValueNode | undefined): void => {
          if (!node) return;
          const r = node.range;
          if (r) assert.ok(0 <= r.start.offset && r.start.offset <= r.end.offset && r.end.offset <= text.length, JSON.stringify(r));
          if (node.kind === 'object') for (const e of node.entries) walk(e.value);
          if (node.kind === 'array') node.items.forEach(walk);
          if (node.kind === 'conditional') {
            walk(node.whenTrue);
            walk(node.whenFalse);
          }
        };
        for (const definition of output.definitions) walk(definition.body);
        // Definitions are only produced from a file that parsed.
        if (output.errors.some((e) => e.message.startsWith('invalid '))) assert.deepEqual(output.definitions, []);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
