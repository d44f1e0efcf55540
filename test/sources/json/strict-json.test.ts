import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { visit } from 'jsonc-parser';
import { parseJsonWithPositions } from '../../../src/sources/json/json-tree.js';
import { visitStrictJson } from '../../../src/sources/json/json-values.js';
import { REPO_ROOT } from '../../support/paths.js';

type Event = [string, ...unknown[]];

/** The events jsonc-parser's visit() gives buildJsonValue (comments allowed, as for task-definition files). */
function jsoncEvents(text: string): { events: Event[]; errors: number } {
  const events: Event[] = [];
  let errors = 0;
  visit(
    text,
    {
      onObjectBegin: (offset) => void events.push(['objectBegin', offset]),
      onObjectProperty: (property, offset, length) => void events.push(['property', property, offset, length]),
      onObjectEnd: (offset, length) => void events.push(['objectEnd', offset, length]),
      onArrayBegin: (offset) => void events.push(['arrayBegin', offset]),
      onArrayEnd: (offset, length) => void events.push(['arrayEnd', offset, length]),
      onLiteralValue: (value: unknown, offset, length) => void events.push(['literal', value, offset, length]),
      onError: () => {
        errors++;
      },
    },
    { disallowComments: false, allowTrailingComma: false },
  );
  return { events, errors };
}

function strictEvents(text: string): { read: boolean; events: Event[] } {
  const events: Event[] = [];
  const read = visitStrictJson(text, {
    onObjectBegin: (offset) => void events.push(['objectBegin', offset]),
    onObjectProperty: (property, offset, length) => void events.push(['property', property, offset, length]),
    onObjectEnd: (offset, length) => void events.push(['objectEnd', offset, length]),
    onArrayBegin: (offset) => void events.push(['arrayBegin', offset]),
    onArrayEnd: (offset, length) => void events.push(['arrayEnd', offset, length]),
    onLiteralValue: (value, offset, length) => void events.push(['literal', value, offset, length]),
  });
  return { read, events };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name));
}

const nested = (depth: number) => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;

/** Texts JSON.parse accepts: the strict reader must give exactly jsonc-parser's events. */
const STRICT: Array<[string, string]> = [
  ['duplicate keys', '{"user":"1000","user":"root","user":"0"}'],
  ['huge and odd numbers', '[1e400, -1e400, 1E-400, 123456789012345678901234567890, -0, 0.5e+3, 2.50, 1e3]'],
  ['escapes in keys and values', '{"us\\u0065r":"r\\u006Fot","a\\"b":"\\/\\\\\\b\\f\\n\\r\\t","lone":"\\ud800x"}'],
  ['raw non-ASCII, separators and lone surrogates', '{"\u00e9":"\u2028\u2029","s":"\ud800","e":"😀"}'],
  ['comment-like text inside strings', '{"a":"// not a comment","b":"/* nor this */"}'],
  ['bare literals', 'true'],
  ['bare null', ' null '],
  ['bare string', '"root"'],
  ['bare number', '-12.5e-3'],
  ['whitespace everywhere', ' \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n[ 1 , 2 ] \t\r\n} \t\r\n'],
  ['empties', '{"a":{},"b":[],"c":[{}],"d":[[]]}'],
  ['deep nesting', nested(900)],
  ['a key "__proto__"', '{"__proto__":{"privileged":true},"privileged":false}'],
];

/** Texts JSON.parse rejects: the strict reader declines (no events), and jsonc-parser decides as before. */
const NOT_STRICT: Array<[string, string]> = [
  ['line comment', '// task\n{"a":1}'],
  ['block comment', '{"a":1 /* x */}'],
  ['trailing comma in an object', '{"a":1,}'],
  ['trailing comma in a list', '{"a":[1,2,]}'],
  ['a byte order mark left in the text', '\ufeff{"a":1}'],
  ['two byte order marks', '\ufeff\ufeff{"a":1}'],
  ['empty', ''],
  ['only whitespace', '  \n'],
  ['two documents', '{} {}'],
  ['single quotes', "{'a':1}"],
  ['unquoted key', '{a:1}'],
  ['leading zero', '{"a":01}'],
  ['plus sign', '{"a":+1}'],
  ['NaN and Infinity', '[NaN, Infinity]'],
  ['a raw control character in a string', '{"a":"x\u0001y"}'],
  ['a raw line feed in a string', '{"a":"x\ny"}'],
  ['an invalid escape', '{"a":"\\x41"}'],
  ['a short unicode escape', '{"a":"\\u12"}'],
  ['vertical tab and no-break space as whitespace', '{"a":\u000b1,\u00a0"b":2}'],
  ['unterminated string', '{"a":"abc'],
  ['unclosed object', '{"a":1'],
  ['a replacement character where invalid UTF-8 was', '{"a":"\ufffd"\ufffd}'],
  ['truncated literal', '[tru]'],
];

describe('visitStrictJson: the events of jsonc-parser for strict JSON, nothing for anything else', () => {
  it('every JSON fixture and example, and strict hostile texts: the same events, offsets and values', () => {
    const inputs: Array<[string, string]> = [
      ...[...jsonFiles(path.join(REPO_ROOT, 'test/fixtures')), ...jsonFiles(path.join(REPO_ROOT, 'examples'))].map(
        (f): [string, string] => [f, readFileSync(f, 'utf8')],
      ),
      ...STRICT,
    ];
    let strict = 0;
    for (const [name, text] of inputs) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      const expected = jsoncEvents(text);
      const actual = strictEvents(text);
      assert.equal(actual.read, parses, `${name}: read strictly exactly when JSON.parse accepts it`);
      if (!parses) {
        assert.deepEqual(actual.events, [], name);
        continue;
      }
      assert.equal(expected.errors, 0, `${name}: jsonc-parser accepts what JSON.parse accepts`);
      assert.deepStrictEqual(actual.events, expected.events, name);
      strict++;
    }
    assert.ok(strict > 20 + STRICT.length, `read ${strict} texts strictly`);
  });

  it('texts JSON.parse rejects: no events, and the same first error as before (line, column, message)', () => {
    for (const [name, text] of NOT_STRICT) {
      const actual = strictEvents(text);
      assert.equal(actual.read, false, name);
      assert.deepEqual(actual.events, [], name);
      assert.ok(jsoncEvents(text).errors > 0 || name.includes('comment'), `${name}: jsonc-parser reports it`);
    }
    assert.deepEqual(parseJsonWithPositions('\ufeff{"a":1}', 'bom.json').errors, [
      { file: 'bom.json', line: 1, column: 1, message: 'invalid JSON: invalid symbol' },
    ]);
    assert.deepEqual(parseJsonWithPositions('{"a":1,}', 'trailing.json').errors, [
      { file: 'trailing.json', line: 1, column: 8, message: 'invalid JSON: property name expected' },
    ]);
    assert.deepEqual(parseJsonWithPositions('{"a":"x\u0001y"}', 'control.json').errors, [
      { file: 'control.json', line: 1, column: 6, message: 'invalid JSON: invalid character' },
    ]);
    // Comments are read (task-definition files), through jsonc-parser.
    const commented = parseJsonWithPositions('// c\n{"user": /* here */ "root"}', 'c.json');
    assert.deepEqual(commented.errors, []);
    assert.equal(commented.root?.kind === 'object' && commented.root.entries[0]?.value.range?.start.column, 21);
  });

  it('every key and value keeps its position in a corpus-like file (a differential over 300 generated files)', () => {
    for (let n = 0; n < 300; n++) {
      const containers = Array.from({ length: 1 + (n % 5) }, (_, i) => ({
        name: i ? `sidecar-${i}` : 'app',
        image: `repo/service-${n}:1.${i}`,
        ...(n % 3 === 0 ? { user: n % 2 ? 'root' : '1000:1000' } : {}),
        ...(n % 7 === 0 ? { privileged: true } : {}),
        portMappings: [{ containerPort: 8080 + i, hostPort: 8080 + i }],
        environment: [{ name: 'A\u00e9', value: `x\\"y\n${n}` }],
      }));
      const text = JSON.stringify(
        { family: `f-${n}`, networkMode: n % 4 ? 'awsvpc' : 'host', containerDefinitions: containers },
        null,
        n % 2 ? 2 : 0,
      );
      assert.deepStrictEqual(strictEvents(text).events, jsoncEvents(text).events, `file ${n}`);
    }
  });
});
