/**
 * The one-pass reader of common template YAML (yaml-simple-events.ts) against js-yaml's parseEvents, the reference:
 * for every input it either declines or gives exactly parseEvents's events, field for field, for an input js-yaml
 * reads without error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import type * as JsYaml from 'js-yaml';
import { seededRandom } from '../../../bench/support/corpus.js';
import { cloudFormationTemplate } from '../../../bench/support/mixed-corpus.js';
import { readSimpleYamlEvents } from '../../../src/sources/cloudformation/yaml-simple-events.js';
import { REPO_ROOT } from '../../support/paths.js';
import { REPOSITORY_YAML, TEMPLATE_CASES, YamlVariants } from './yaml-variants.js';

const { parseEvents } = createRequire(import.meta.url)('js-yaml') as typeof JsYaml;

/** The reader's events equal js-yaml's, or the reader declines; returns whether it took the input. */
function assertSameOrDeclined(text: string, label: string): boolean {
  const events = readSimpleYamlEvents(text);
  if (!events) return false;
  const shown = `${label} (${JSON.stringify(text).slice(0, 2000)})`;
  let reference: JsYaml.Event[];
  try {
    reference = parseEvents(text, {});
  } catch (error) {
    assert.fail(`${shown}: taken, but js-yaml rejects it: ${(error as Error).message}`);
  }
  assert.deepEqual(events, reference, shown);
  return true;
}

const TAKEN: Record<string, string> = {
  'a tag before a block mapping on the next lines, and an empty value at the end': 'Tags: !If\n  Key: v\n  # c\nEmpty:',
  "a sequence at its key's indentation, nested compact sequences and mappings": [
    'Resources:',
    '  T:',
    '    Properties:',
    '      Volumes:',
    '      - Name: a',
    '      - - Name: b',
    '          Host: {}',
    '        - c',
    '      Family: f',
  ].join('\n'),
  'block scalars with each chomping, blank lines, a shallow line ending one': [
    'Description: >',
    '  folded text',
    '  more',
    'Resources:',
    '  T:',
    '    Properties:',
    '      Command:',
    '        - |',
    '          echo one',
    '',
    '          echo two',
    '        - >-',
    '            folded',
    '',
    '            stripped',
    '',
    '        - |+',
    '          kept',
    '',
    '      UserData: !Base64 |   # a comment after the header',
    '        #!/bin/bash',
    '         indented more',
    'Outputs: |',
  ].join('\n'),
  'quoted scalars with escapes, and quoted keys': [
    'A: "tab\\there \\"q\\" \\x41 \\u263A \\U0001F600 \\\\ \\/ \\N \\_ \\e"',
    "B: 'it''s'",
    '"C": \'\'',
    '\'D d\': ""',
  ].join('\n'),
  'a document start marker with a comment': '--- # the template\nResources: {}\n',
  'plain scalars that js-yaml does not mark fast: a deeper comment or flow end on the next line': [
    'A: one',
    '  # deeper than its key',
    'B: [a',
    '  , b]',
    'C: [a,',
    '  b',
    '  ]',
  ].join('\n'),
  'plain scalars with indicators inside, and trailing spaces': 'A: a:b c#d  \nB: http://x/y?z=1&w=*   \nC: -1\nD: ?x\nE: a - b\n',
  'keys that are numbers, booleans, intrinsic names, duplicated': '80: a\ntrue: b\nFn::If: c\nq: f\nq: g\n',
  'no line feed at the end': 'A:\n  - x\n  - y',
};

const DECLINED: Record<string, string> = {
  'an anchor and an alias': 'A: &x 1\nB: *x\n',
  'an explicit key': '? A\n: 1\n',
  'a second document': 'A: 1\n---\nB: 2\n',
  'a document end marker': 'A: 1\n...\n',
  'a directive': '%YAML 1.2\n---\nA: 1\n',
  "the root on the document marker's line": '--- A: 1\n',
  'a root sequence': '- a\n- b\n',
  'a root scalar': 'text\n',
  'a root indented': '  A: 1\n',
  'an empty text': '',
  'a comment only': '# nothing\n',
  'a tab': 'A:\n\t- 1\n',
  'a carriage return without a line feed': 'A: 1\rB: 2\n',
  'a character outside the basic plane': 'A: "\u{1F600}"\n',
  'a C1 control character': 'A: "\u0085"\n',
  'a plain scalar over two lines': 'A: one\n  two\n',
  'a quoted scalar over two lines': 'A: "one\n  two"\n',
  'an unterminated quoted scalar': 'A: "one\n',
  'an unknown escape': 'A: "\\q"\n',
  'a short hexadecimal escape': 'A: "\\u12"\n',
  'a standard tag': 'A: !!str 1\n',
  'a verbatim tag': 'A: !<!Ref> x\n',
  'a tag with punctuation': 'A: !Ref-x y\n',
  'a tagged empty value': 'A: !Ref\nB: 1\n',
  'a tagged key': '!Ref A: 1\n',
  'a tagged scalar below its key': 'A: !Sub\n  x\n',
  'a tag before a value on the next line inside a flow collection': 'A: [!Ref\n  x]\n',
  'a pair inside a flow sequence': 'A: [a: b]\n',
  'a flow mapping key without a value': 'A: {a}\n',
  'an empty flow mapping value': 'A: {a: }\n',
  'an empty flow mapping key': 'A: {: a}\n',
  'an empty key inside a flow mapping, after a quoted key': '"" : { : :x:y}\n',
  'a flow collection line shallower than its node': 'A:\n  B: [1,\n  2]\n',
  'an unterminated flow collection': 'A: [1, 2\n',
  "a mapping on its key's line": 'A: b: 1\n',
  "a sequence on its key's line": 'A: - 1\n',
  'a block scalar with an indentation indicator': 'A: |2\n   x\n',
  'text after a block scalar header': 'A: | x\n  y\n',
  'a key over two lines': 'A\n  B: 1\n',
  'a bad indentation': 'A:\n  b: 1\n c: 2\n',
  'text after a quoted scalar': 'A: "x" y\n',
  'a comment without a space before it': "A: 'x'# c\n",
  'a colon without a space after a quoted key': '"A":1\n',
  'nesting deeper than this reader goes': `${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} leaf\n`,
};

/** Small documents from a few shapes and values, some of them damaged by one inserted character. */
function generatedDocument(variants: YamlVariants): string {
  const values = [
    ...['a', 'b c', '"q"', "'s'", "'it''s'", '"e\\n"', '1', '-1', '~', 'true', 'x:y', 'a #b', '!Ref r', '!Sub "s"', '[]', '{}'],
    ...['[a, b]', '{a: b, c: [d]}', '!If [c, [a], {b: 1}]', '|\n  t\n', '>-\n  f\n\n  g\n', '', '- x', ': x', '? x', '#c'],
    ...['&a x', '*a', '!!str x', '[a,\n  b]', '{a: 1,\n b: 2}', 'http://x', '-x', 'a - b', '@x', '%x', '`x'],
  ];
  const node = (depth: number, indent: number): string => {
    const shape = depth > 3 ? 2 : variants.int(3);
    const pad = ' '.repeat(indent);
    if (shape === 0) {
      let text = '';
      for (let i = 1 + variants.int(3); i > 0; i--) {
        const key = variants.pick(['a', 'b', 'Key', '"k"', "'k'", 'k x', 'Fn::If', '1']);
        const nested = variants.int(5) < 2;
        text += `${pad}${key}:${nested ? `\n${node(depth + 1, indent + variants.pick([0, 1, 2, 4]))}` : ` ${variants.pick(values)}\n`}`;
        if (variants.int(5) === 0) text += `${' '.repeat(variants.int(8))}# c\n`;
      }
      return text;
    }
    if (shape === 1) {
      let text = '';
      for (let i = 1 + variants.int(3); i > 0; i--) {
        if (variants.int(5) >= 2) text += `${pad}- ${variants.pick(values)}\n`;
        else if (variants.int(2) === 0) text += `${pad}-\n${node(depth + 1, indent + variants.pick([1, 2]))}`;
        else text += `${pad}- ${node(depth + 1, 0).replace(/\n(?=.)/g, `\n${' '.repeat(indent + 2)}`)}`;
      }
      return text;
    }
    return `${pad}${variants.pick(['k', 'v', 'x y'])}: ${variants.pick(values)}\n`;
  };
  let text = variants.int(5) === 0 ? `---\n${node(0, 0)}` : node(0, 0);
  if (variants.int(10) < 3) {
    const at = variants.int(text.length);
    text =
      text.slice(0, at) +
      variants.pick([' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '!', '|', '>', '\n  ']) +
      text.slice(at);
  }
  return text;
}

// Each of them with Windows line ends too.
for (const [name, text] of Object.entries(TAKEN)) {
  if (text.includes('\n')) TAKEN[`${name}, with Windows line ends`] = text.replace(/\n/g, '\r\n');
}

describe("the one-pass YAML reader gives js-yaml's events or declines", () => {
  for (const [name, text] of Object.entries(TAKEN)) {
    it(`reads ${name}`, () => {
      assert.ok(assertSameOrDeclined(text, name), `${name}: declined`);
    });
  }

  it("the fast path's table of templates: the same events, or declined; those in its subset taken", () => {
    const taken = Object.entries(TEMPLATE_CASES).flatMap(([name, text]) => (assertSameOrDeclined(text, name) ? [name] : []));
    assert.deepEqual(taken, [
      'block collections, comments, empty values',
      'tags in block and flow position, on their own line',
      'comments around the ends of nested collections, at every indentation',
      'keys that are numbers, booleans and quoted, and duplicated',
      'flow collections nested, with JSON-like keys and tags',
      'flow collections over several lines, closed deeper than their key',
      'comments inside flow collections over several lines',
    ]);
  });

  for (const [name, text] of Object.entries(DECLINED)) {
    it(`leaves ${name} to js-yaml`, () => {
      assert.equal(readSimpleYamlEvents(text), undefined);
    });
  }

  it('every YAML file under test/ and examples/: the same events, or declined; most taken', () => {
    let taken = 0;
    for (const file of REPOSITORY_YAML) {
      if (assertSameOrDeclined(readFileSync(file, 'utf8'), path.relative(REPO_ROOT, file))) taken++;
    }
    assert.ok(taken >= REPOSITORY_YAML.length * 0.75, `took ${taken} of ${REPOSITORY_YAML.length}`);
  });

  it('generated service templates (the benchmark corpus): every one taken', () => {
    const random = seededRandom(23);
    for (let i = 0; i < 60; i++) {
      const text = cloudFormationTemplate(random, i);
      assert.ok(assertSameOrDeclined(text, `template ${i}`), `template ${i}: declined`);
    }
  });

  it('hostile variants of real templates: the same events, or declined', () => {
    const random = seededRandom(29);
    const variants = new YamlVariants(random);
    const bases = REPOSITORY_YAML.map((file) => readFileSync(file, 'utf8'));
    for (let i = 0; i < 4; i++) bases.push(cloudFormationTemplate(random, i));
    let taken = 0;
    const count = 4000;
    for (let i = 0; i < count; i++) if (assertSameOrDeclined(variants.mutate(variants.pick(bases)), `variant ${i}`)) taken++;
    // Most edits break the YAML or leave the subset; a share must be taken, or this test proves little.
    assert.ok(taken > count / 5 && taken < count * 0.8, `took ${taken} of ${count}`);
  });

  it('generated small documents, some damaged: the same events, or declined', () => {
    const variants = new YamlVariants(seededRandom(31));
    let taken = 0;
    const count = 6000;
    for (let i = 0; i < count; i++) if (assertSameOrDeclined(generatedDocument(variants), `document ${i}`)) taken++;
    assert.ok(taken > count / 5 && taken < count * 0.8, `took ${taken} of ${count}`);
  });
});
