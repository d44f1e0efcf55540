import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { catalogueJson, catalogueMarkdown, catalogueText } from '../../src/report/catalogue.js';

/** The specification documents' internal names must never reach users: they cite public references instead. */
const INTERNAL = /\bseeds?\b|\b00[0-4]_[0-9a-f]{6,}/i;

it('check metadata and the `checks` output in every format cite public references only', () => {
  for (const [format, text] of [
    ['text', catalogueText(CHECKS)],
    ['json', catalogueJson(CHECKS)],
    ['markdown', catalogueMarkdown(CHECKS)],
  ] as const) {
    assert.doesNotMatch(text, INTERNAL, format);
  }
  for (const check of CHECKS) assert.equal('seeds' in check.meta, false, check.meta.id);
  const hostNoPrivilege = CHECKS.find((c) => c.meta.id === 'host-network-no-privilege');
  assert.match(hostNoPrivilege?.meta.description ?? '', /CIS AWS Compute Services Benchmark 3\.1/);
});

it('README and docs use no internal vocabulary', () => {
  const files = [
    'README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join('docs', f)),
  ];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const hits = lines.map((line, i) => [i + 1, line] as const).filter(([, line]) => INTERNAL.test(line));
    assert.deepEqual(hits, [], file);
  }
});
