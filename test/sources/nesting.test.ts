import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_NESTING, MAX_YAML_NESTING, nestedTooDeep, yamlTooDeepAt } from '../../src/sources/nesting.js';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('nestedTooDeep: brackets nested over the limit, before any parser reads the text', () => {
  it('the limit itself is read; one level more is refused, for [ and { and a mix', () => {
    assert.equal(nestedTooDeep(nested(MAX_NESTING)), false);
    assert.equal(nestedTooDeep(nested(MAX_NESTING + 1)), true);
    assert.equal(nestedTooDeep(`${'{"a":'.repeat(MAX_NESTING + 1)}1${'}'.repeat(MAX_NESTING + 1)}`), true);
    assert.equal(nestedTooDeep(`${'[{'.repeat(501)}${'}]'.repeat(501)}`), true);
    assert.equal(nestedTooDeep(nested(10), 10), false);
    assert.equal(nestedTooDeep(nested(11), 10), true);
  });

  it('many brackets side by side, or inside strings, are not depth', () => {
    assert.equal(nestedTooDeep(`[${'[],'.repeat(5000)}[]]`), false);
    assert.equal(nestedTooDeep(`{"a": "${'['.repeat(5000)}", "b": "\\"${'{'.repeat(5000)}"}`), false);
    // An unclosed string ends at the line's end (YAML, broken JSON): brackets after it count again.
    assert.equal(nestedTooDeep(`"open\n${nested(MAX_NESTING + 1)}`), true);
  });

  it('a string ends at its first quote after an even run of backslashes, or at a line break not escaped', () => {
    const deep = nested(MAX_NESTING + 1);
    // Escaped quotes (one or three backslashes) keep the string open; two or four backslashes close it.
    assert.equal(nestedTooDeep(`"a\\" ${deep}"`), false);
    assert.equal(nestedTooDeep(`"a\\\\\\" ${deep}"`), false);
    assert.equal(nestedTooDeep(`"a\\\\" ${deep}`), true);
    assert.equal(nestedTooDeep(`"\\\\\\\\" ${deep}`), true);
    // A line break before the closing quote ends the string, unless a backslash escapes it.
    assert.equal(nestedTooDeep(`"a\n${deep}"`), true);
    assert.equal(nestedTooDeep(`"a\\\n${deep}"`), false);
    assert.equal(nestedTooDeep(`"a\\\n${deep}\n${deep}`), true);
    // Strings after a line break far ahead, and an unclosed string at the end.
    assert.equal(nestedTooDeep(`${'"x" '.repeat(3000)}\n"${deep}`), false);
    assert.equal(nestedTooDeep(`${'"x" '.repeat(3000)}\n"a\n${deep}`), true);
  });

  it('texts with few brackets (YAML, a small JSON file) are never too deep', () => {
    assert.equal(nestedTooDeep('Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties: { Cpu: 256 }\n'), false);
    assert.equal(nestedTooDeep(''), false);
  });
});

describe('yamlTooDeepAt: YAML nested past what every thread reads, before any parser reads it', () => {
  const line = (indent: number, text: string) => `${' '.repeat(indent)}${text}`;
  /** Mappings nested `depth` levels by indentation, one space deeper each. */
  const block = (depth: number) => `${Array.from({ length: depth }, (_, i) => line(i, `k${i}:`)).join('\n')}\n${line(depth, 'v: 1')}\n`;
  const cases: Array<{ name: string; text: string; at: number | undefined }> = [
    { name: 'indentation: the limit is read', text: block(MAX_YAML_NESTING - 1), at: undefined },
    // Level 401 opens at the line of k400 (its 400 spaces), after 400 lines.
    {
      name: 'indentation: one level more, at its line',
      text: block(MAX_YAML_NESTING + 5),
      at: block(MAX_YAML_NESTING + 5).indexOf(`\n${line(400, 'k400:')}`) + 1,
    },
    { name: 'compact entries on one line', text: `${'- '.repeat(MAX_YAML_NESTING + 1)}x\n`, at: 0 },
    {
      name: 'flow collections, at the bracket',
      text: `a: ${'['.repeat(MAX_YAML_NESTING + 1)}${']'.repeat(MAX_YAML_NESTING + 1)}\n`,
      at: 3 + MAX_YAML_NESTING - 1,
    },
    {
      name: 'flow inside block levels: both count',
      text: block(200).replace('v: 1', `v: ${'{a: '.repeat(201)}1${'}'.repeat(201)}`),
      at: block(200).indexOf('v: 1') + 3 + 4 * 199,
    },
    {
      name: 'brackets in a quoted scalar',
      text: `a: "${'['.repeat(900)}"\nb: '${'{'.repeat(900)}'\n${'- x\n'.repeat(300)}`,
      at: undefined,
    },
    { name: 'brackets inside a plain scalar', text: Array.from({ length: 900 }, (_, i) => `k${i}: image[${i}`).join('\n'), at: undefined },
    {
      name: "a block scalar's content, however indented",
      text: `script: |\n${Array.from({ length: 900 }, (_, i) => line(i + 2, 'echo')).join('\n')}\nnext: 1\n`,
      at: undefined,
    },
    {
      name: 'a double-quoted scalar over several lines',
      text: `a: "one\n${Array.from({ length: 900 }, (_, i) => line(i + 2, '[{ - ')).join('\n')}"\nb: 1\n`,
      at: undefined,
    },
    {
      name: 'a long template of siblings',
      text: `Resources:\n${Array.from({ length: 2000 }, (_, i) => `  R${i}:\n    List:\n      - a\n      - [b]`).join('\n')}\n`,
      at: undefined,
    },
  ];
  for (const { name, text, at } of cases) {
    it(name, () => assert.equal(yamlTooDeepAt(text), at));
  }

  it('every YAML file of the examples and fixtures is far within: none is over 30 levels', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.(?:ya?ml|template)$/.test(entry.name) && yamlTooDeepAt(readFileSync(file, 'utf8'), 30) !== undefined) found.push(file);
      }
    };
    walk('examples');
    walk('test/fixtures');
    assert.deepEqual(found, []);
  });
});
