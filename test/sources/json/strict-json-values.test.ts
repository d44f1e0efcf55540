import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LineIndex, OffsetRange } from '../../../src/model/location.js';
import { type BuiltJson, type JsonGap, buildJsonValue } from '../../../src/sources/json/json-values.js';
import { buildStrictJsonValue } from '../../../src/sources/json/strict-json-values.js';
import { REPO_ROOT } from '../../support/cli.js';

/** A tree as text, ranges as their offsets, in the order the nodes hold their properties. */
function shown(built: BuiltJson): string {
  return JSON.stringify(built, (_key, value: unknown) =>
    value instanceof OffsetRange ? [value.file, value.startOffset, value.endOffset] : value,
  );
}

/** The tree each reader makes: the strict reader first where it reads the text, and jsonc-parser's. */
function bothReaders(text: string, gap?: JsonGap) {
  const ranges = new LineIndex(text).lazyRanges('task.json');
  const rangeOf = gap ? { ranges, base: 0, gap } : { ranges, base: 0 };
  return {
    any: buildJsonValue(text, rangeOf, true, true, false, true),
    jsonc: buildJsonValue(text, rangeOf, true, true, false, false),
    strict: buildStrictJsonValue(text, { rangeOf: () => undefined, sharedKey: (key) => key, gapAt: -1, gapValue: undefined }),
  };
}

const STRICT_TEXTS: Array<[string, string]> = [
  ['a task definition', readFileSync(path.join(REPO_ROOT, 'examples/json/monitoring-agent-host.json'), 'utf8')],
  ['every scalar', '{"s": "a", "n": -1.5e+3, "z": 0, "t": true, "f": false, "x": null, "e": [], "o": {}}'],
  ['escapes in keys and values', '{"im\\u0061ge": "a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9", "\\ud83d\\ude00": 1}'],
  ['a number written as it is', '[1.0E-2, -0, 10, 0.5]'],
  ['a top-level scalar', '  "just a string"\r\n'],
  ['a key written twice', '{"user": "root", "user": "1000"}'],
  ['deep nesting', `${'['.repeat(200)}1${']'.repeat(200)}`],
];

/** Texts jsonc-parser reads (or rejects) that are not strict JSON: the strict reader leaves them to it. */
const OTHER_TEXTS: Array<[string, string]> = [
  ['a comment', '{"user": "0" // root\n}'],
  ['a block comment', '/* task */ {"user": "0"}'],
  ['a trailing comma', '{"user": "0",}'],
  ['a no-break space', '{"user":\u00a0"0"}'],
  ['a leading zero', '{"cpu": 01}'],
  ['a bare decimal point', '{"cpu": 1.}'],
  ['an exponent without digits', '{"cpu": 1e}'],
  ['a minus alone', '[-]'],
  ['an unknown escape', '{"user": "\\x30"}'],
  ['a short unicode escape', '{"user": "\\u30"}'],
  ['a tab inside a string', '{"user": "a\tb"}'],
  ['a line break inside a string', '{"user": "a\nb"}'],
  ['an unterminated string', '{"user": "0'],
  ['a word that only starts like one', '{"privileged": truex}'],
  ['a single-quoted string', "{'user': '0'}"],
  ['two values', '{"a": 1} {"b": 2}'],
  ['an empty text', ''],
  ['only whitespace', ' \n '],
  ['a missing colon', '{"user" "0"}'],
  ['a missing comma', '{"a": 1 "b": 2}'],
  ['an unclosed object', '{"a": [1, 2]'],
];

describe('buildStrictJsonValue', () => {
  for (const [name, text] of STRICT_TEXTS) {
    it(`reads ${name} into the tree jsonc-parser's events give, ranges included`, () => {
      const { any, jsonc, strict } = bothReaders(text);
      assert.ok(strict, 'the strict reader reads it');
      assert.ok('root' in jsonc);
      assert.equal(shown(any), shown(jsonc));
    });
  }

  for (const [name, text] of OTHER_TEXTS) {
    it(`leaves ${name} to jsonc-parser, whose result stands`, () => {
      const { any, jsonc, strict } = bothReaders(text);
      assert.equal(strict, undefined);
      assert.equal(shown(any), shown(jsonc));
    });
  }

  it('leaves to jsonc-parser a text nested deeper than its own stack allows (nested JSON in a string passes the file guard)', () => {
    const text = `[{"name": "app", "user": "0", "x": ${'['.repeat(3500)}${']'.repeat(3500)}}]`;
    const { any, jsonc } = bothReaders(text);
    assert.ok('root' in jsonc, 'jsonc-parser reads it');
    assert.ok('root' in any && any.root.kind === 'array');
    // Compared without recursion (JSON.stringify would run out of stack too): the user, and the depth of x.
    const [container] = any.root.items;
    assert.ok(container?.kind === 'object');
    assert.deepEqual(container.entries[1]?.value, { kind: 'string', value: '0', range: container.entries[1]?.value.range, syntax: 'json' });
    let depth = 0;
    for (let node = container.entries[2]?.value; node?.kind === 'array'; node = node.items[0]) depth++;
    assert.equal(depth, 3500);
  });

  it('reports the first error where jsonc-parser does', () => {
    const { any } = bothReaders('{"a": 1,\n "b": }');
    assert.deepEqual(any, { error: { code: 4, offset: 15, length: 1 } });
  });

  it('gives a cut-out literal its value and maps the offsets after it past the cut (a plan value read apart)', () => {
    // The file writes `"containers"` (12 characters) where the text has `""`: 10 more.
    const text = '{"family": "web", "container_definitions": "", "cpu": 256}';
    const gap: JsonGap = { at: text.indexOf('""'), width: 10, value: '[{"name":"app"}]' };
    const { any, jsonc } = bothReaders(text, gap);
    assert.equal(shown(any), shown(jsonc));
    assert.ok('root' in any && any.root.kind === 'object');
    const [, definitions, cpu] = any.root.entries;
    assert.deepEqual(definitions?.value, { kind: 'string', value: '[{"name":"app"}]', range: definitions?.value.range, syntax: 'json' });
    assert.ok(cpu?.keyRange instanceof OffsetRange);
    assert.equal(cpu.keyRange.startOffset, text.indexOf('"cpu"') + 10);
  });

  it('keeps a number as written beside its value', () => {
    const { any } = bothReaders('{"memory": 5.120e2}');
    assert.ok('root' in any && any.root.kind === 'object');
    assert.deepEqual(
      { ...any.root.entries[0]?.value, range: undefined },
      { kind: 'number', value: 512, raw: '5.120e2', range: undefined, syntax: 'json' },
    );
  });
});

/** A small seeded generator (mulberry32), so a failure names a reproducible case. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the strict reader against jsonc-parser, on damaged texts', () => {
  it('gives jsonc-parser result for 3,000 edits of a task definition (a character removed, inserted or doubled)', () => {
    const original = readFileSync(path.join(REPO_ROOT, 'examples/json/monitoring-agent-host.json'), 'utf8');
    const pieces = [
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '0',
      '1',
      'e',
      '.',
      '-',
      '+',
      't',
      'n',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '/',
      '*',
      'u',
    ];
    const random = seeded(20261203);
    let readStrictly = 0;
    for (let n = 0; n < 3000; n++) {
      const at = Math.floor(random() * original.length);
      const kind = Math.floor(random() * 3);
      const piece = pieces[Math.floor(random() * pieces.length)] as string;
      const text =
        kind === 0
          ? original.slice(0, at) + original.slice(at + 1)
          : kind === 1
            ? original.slice(0, at) + piece + original.slice(at)
            : original.slice(0, at) + original.slice(at, at + 8) + original.slice(at);
      const { any, jsonc, strict } = bothReaders(text);
      if (strict) readStrictly++;
      assert.equal(shown(any), shown(jsonc), `edit ${n}: ${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}`);
    }
    // Both kinds of text were met: edits that keep strict JSON (inside strings, mostly) and edits that do not.
    assert.ok(readStrictly > 300 && readStrictly < 2700, `${readStrictly} read strictly`);
  });
});
