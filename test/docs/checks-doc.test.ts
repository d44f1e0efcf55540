import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ALL_CHECKS } from '../../src/checks/catalogue.js';
import { catalogueMarkdown } from '../../src/report/catalogue.js';

it('docs/checks.md is the catalogue as the code has it (regenerate: see its header)', () => {
  const doc = readFileSync('docs/checks.md', 'utf8');
  const body = doc.slice(doc.indexOf('-->') + 3).trim();
  assert.equal(body, catalogueMarkdown(ALL_CHECKS).trim());
});
