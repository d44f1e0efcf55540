import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FIXTURES, loadText } from './load.js';

const SEEDS = ['conditions.yaml', 'cdk-synth.template.json', 'seed-004-no-privileged.yaml'].map((name) =>
  readFileSync(path.join(FIXTURES, name), 'utf8'),
);

// Edits that break templates the way people do: cut text, stray characters, tags, aliases, brackets.
const edit = fc.record({
  seed: fc.nat(SEEDS.length - 1),
  at: fc.nat(),
  cut: fc.nat(40),
  insert: fc.constantFrom('', ':', '- ', '!If [', '!Ref ', '*a', '&a ', '{', ']', '"', '\n  ', '\t', '!Bogus ', '{"Fn::If": 1}', '\u00e9\u{1F600}'),
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
        // Definitions are only produced from a file that parsed.
        if (output.errors.some((e) => e.message.startsWith('invalid '))) assert.deepEqual(output.definitions, []);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
