import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../src/model/location.js';
import { jsonStringOrigin } from '../../../src/sources/terraform/json-string.js';

/** The origin of the first string literal in `text` (a plan's `"container_definitions": "…"`). */
function originOf(text: string) {
  const start = text.indexOf('"', text.indexOf(':'));
  const end = text.lastIndexOf('"');
  return jsonStringOrigin('plan.json', new LineIndex(text), start, end - start + 1);
}

describe('jsonStringOrigin', () => {
  it('maps each character of the value to where the plan writes it, through every kind of escape', () => {
    // The value is: {"a":"é\n"} then a backslash that starts no escape (\x stays two characters) and a tab.
    const text = String.raw`{"container_definitions": "{\"a\":\"\u00e9\n\"}\x\t"}`;
    const origin = originOf(text);
    const value = JSON.parse(`"${String.raw`{\"a\":\"\u00e9\n\"}`}"`) as string;
    const quote = text.indexOf('"', text.indexOf(':'));
    // {  "  a  "  :  "  é  \n  "  }  \  x  \t
    const expected = [1, 2, 4, 5, 7, 8, 10, 16, 18, 20, 21, 22, 23].map((k) => quote + k);
    assert.equal(value.length + 3, expected.length); // `\x` (two characters) and the tab follow the JSON
    assert.deepEqual(
      expected.map((_, index) => origin.offsetAt(index)),
      expected,
    );
    // Asked out of order, and past the end (the closing quote).
    assert.equal(origin.offsetAt(7), quote + 16);
    assert.equal(origin.offsetAt(0), quote + 1);
    assert.equal(origin.offsetAt(12), quote + 23);
    assert.equal(origin.offsetAt(13), text.lastIndexOf('"'));
    assert.equal(origin.offsetAt(500), text.lastIndexOf('"'));
  });

  it('maps a string without escapes one to one, and a long run of escapes by search', () => {
    const plain = originOf('{"k": "abc"}');
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => plain.offsetAt(i)),
      [7, 8, 9, 10],
    );
    const text = `{"k": "${'\\"'.repeat(40)}z"}`;
    const escaped = originOf(text);
    const quote = text.indexOf('"', text.indexOf(':'));
    assert.equal(escaped.offsetAt(40), quote + 81); // the z, after 40 two-character escapes
    assert.equal(escaped.offsetAt(3), quote + 7);
    assert.equal(escaped.offsetAt(39), quote + 79);
  });
});
