import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withCharacterEscapesDecoded } from '../../src/sources/escaped-text.js';

describe('withCharacterEscapesDecoded (what content sniffing asks again)', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['a letter', '"container\\u0044efinitions":', '"containerDefinitions":'],
    ['upper- and lower-case hex', '\\u0041\\u0061', 'Aa'],
    ['several in one text', '{"\\u0066amily": "x", "Typ\\u0065": 1}', '{"family": "x", "Type": 1}'],
    ['no escape', '{"family": "x"}', undefined],
    ['a quote stays escaped: it would end the string', '"a\\u0022b"', undefined],
    ['a backslash stays escaped', '"a\\u005cu0041"', undefined],
    ['a control character stays escaped', '"a\\u000ab"', undefined],
    ['an escaped backslash before u is no escape', '"a\\\\u0041"', undefined],
    ['after two escaped backslashes it is one', '"a\\\\\\\\\\u0041"', '"a\\\\\\\\A"'],
    ['too few hex digits', '"\\u004"', undefined],
    ["YAML's \\x and \\U escapes", '"container\\x44efinitions": "\\U00000041"', '"containerDefinitions": "A"'],
    ['a single quote stays escaped', '"a\\x27b"', undefined],
    ['only printable ASCII is decoded (the copy stays one byte a character)', '"\\u00e9\\u4e2d\\U0001F600"', undefined],
    ['a large text too', `${' '.repeat(20 * 1024 * 1024)}"\\u0041"`, `${' '.repeat(20 * 1024 * 1024)}"A"`],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      assert.equal(withCharacterEscapesDecoded(text), expected);
    });
  }
});
