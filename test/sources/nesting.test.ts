import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING, nestedTooDeep } from '../../src/sources/nesting.js';

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
