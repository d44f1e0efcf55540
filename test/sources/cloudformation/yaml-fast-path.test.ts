import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cloudFormationTemplate } from '../../../bench/support/mixed-corpus.js';
import { seededRandom } from '../../../bench/support/corpus.js';
import { LineIndex } from '../../../src/model/location.js';
import { Parser as NodeParser } from 'yaml';
import { buildYamlFast } from '../../../src/sources/cloudformation/yaml-cst.js';
import { loadYamlParser, yamlParserClass } from '../../../src/sources/cloudformation/yaml-parser.js';
import { parseYamlTemplate } from '../../../src/sources/cloudformation/yaml-tree.js';
import { FIXTURES } from './load.js';

/** The fast path's trees, or undefined when it leaves the input to the composing path. */
function fast(text: string) {
  return buildYamlFast(text, 't.yaml', new LineIndex(text));
}

/** The composing path's trees (what the fast path must equal, ranges included). */
function composed(text: string) {
  return parseYamlTemplate(text, 't.yaml', new LineIndex(text), { composeOnly: true });
}

function assertSameTrees(text: string, label: string): void {
  const built = fast(text);
  assert.ok(built, `${label}: expected the fast path to take it`);
  const reference = composed(text);
  assert.deepEqual(reference.errors, [], label);
  assert.deepEqual(built, reference.documents, label);
}

const CASES: Record<string, string> = {
  'block collections, comments, empty values': [
    '# header',
    'Resources:',
    '  Task:   # trailing comment',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      ContainerDefinitions:',
    '        # the app',
    '        - Name: app',
    '          User:',
    '          Privileged: yes',
    '          Memory: 0x200',
    '          Cpu: 1.50',
    '          Essential: ~',
    '          Command: [ "sh", -c, \'echo hi\' ]',
    '        -',
    '        - Name: b   # last',
    '          # comment closing the mapping',
    'Outputs: {}',
    '',
  ].join('\n'),
  'tags in block and flow position, on their own line': [
    'Resources:',
    '  T:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      NetworkMode: !If [IsHost, host, !Ref AWS::NoValue]',
    '      Family: !Sub',
    '        - "${Name}-svc"',
    '        - Name: !Ref Name',
    '      ContainerDefinitions:',
    '        - !If',
    '          - C',
    '          - { Name: a, Privileged: true }',
    '          - Name: b',
    '        - Name: !Join [":", [!Ref A, "x"]]',
    '          User: !GetAtt Role.Arn',
  ].join('\n'),
  'block scalars and multi-line plain scalars': [
    'Description: >',
    '  folded text',
    '  more',
    'Resources:',
    '  T:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      ContainerDefinitions:',
    '        - Name: app',
    '          Command:',
    '            - |',
    '              echo one',
    '              echo two',
    '          EntryPoint: a plain',
    '            scalar on two lines',
    '          User: "0"',
    '',
    '',
  ].join('\n'),
  'several documents': '---\nResources: {}\n...\n---\n# only a comment\n---\nA: 1\n',
  'keys that are numbers, booleans and quoted': '80: a\ntrue: b\n\'x y\': c\n"q": d\n1.0: e\n',
};

describe('CloudFormation YAML fast path (trees from the CST) equals the composing path', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      assertSameTrees(text, name);
    });
  }

  it('every YAML fixture the fast path takes, and most of them', () => {
    const files = readdirSync(FIXTURES).filter((f) => /\.ya?ml$/.test(f));
    let taken = 0;
    for (const file of files) {
      const text = readFileSync(path.join(FIXTURES, file), 'utf8');
      if (!fast(text)) continue;
      taken++;
      assertSameTrees(text, file);
    }
    assert.ok(taken >= files.length / 2, `fast path took ${taken} of ${files.length}`);
  });

  it('generated service templates (the benchmark corpus)', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 40; i++) assertSameTrees(cloudFormationTemplate(random, i * 2), `template ${i}`);
  });

  it('plain scalars of every first character resolve as the composing path reads them (null, booleans, numbers, strings)', () => {
    const words = [
      '',
      'rue',
      'RUE',
      'alse',
      'ull',
      'ULL',
      'es',
      'o',
      'n',
      'ff',
      'FF',
      '1',
      '12',
      '.5',
      'e3',
      'x1f',
      'o17',
      'inf',
      'nan',
      'NaN',
      'x',
    ];
    const values: string[] = [
      '~',
      '.inf',
      '-.Inf',
      '+.INF',
      '.nan',
      '.NaN',
      '.NAN',
      '1e3',
      '-1.5E-2',
      '+12',
      '0o17',
      '0x1F',
      '0.',
      'null',
      'Null',
    ];
    for (let code = 0x21; code < 0x7f; code++) {
      const c = String.fromCharCode(code);
      if ('#&*!|>\'"%@`{}[],:-?'.includes(c)) continue; // indicators: not the start of a plain scalar here
      for (const word of words) values.push(`${c}${word}`);
    }
    values.push('-1', '-x', '-.5', '?x', ':x', '-');
    let taken = 0;
    for (const value of values) {
      const text = `K: ${value}\n`;
      if (!fast(text)) continue; // a syntax the fast path leaves to the composing path
      taken++;
      assertSameTrees(text, JSON.stringify(value));
    }
    assert.ok(taken > values.length * 0.9, `fast path took ${taken} of ${values.length}`);
  });

  it('parses with the yaml package build without the debug hook, token for token like the Node build', async () => {
    const Quiet = await loadYamlParser();
    assert.equal(yamlParserClass(), Quiet);
    assert.notEqual(Quiet, NodeParser, 'the quiet build was not found in the installed yaml package');
    const text = cloudFormationTemplate(seededRandom(9), 3) + '---\nA: [1, !Ref B]\nC: "x\n  y"\n';
    assert.deepEqual([...new Quiet().parse(text)], [...new NodeParser().parse(text)]);
    assertSameTrees(text, 'after loading the quiet parser');
  });

  const LEFT_TO_COMPOSER: Record<string, string> = {
    'an anchor and an alias': 'A: &x 1\nB: *x\n',
    'a merge key': 'A: { a: 1 }\nB:\n  <<: { a: 1 }\n',
    'a tab': 'A:\n\t- 1\n',
    'an unknown tag': 'A: !Foo x\n',
    'a standard tag': 'A: !!str 1\n',
    'a directive': '%YAML 1.2\n---\nA: 1\n',
    'a multi-line flow collection': 'A: [1,\n  2]\n',
    'an explicit key': '? A\n: 1\n',
    'a syntax error': 'A: "unterminated\nB: 1\n',
    'a bad indentation': 'A:\n  b: 1\n c: 2\n',
    'a compact nested mapping': 'A: b: 1\n',
    'a comment without space': "A: 'x'# c\n",
  };
  for (const [name, text] of Object.entries(LEFT_TO_COMPOSER)) {
    it(`leaves ${name} to the composing path`, () => {
      assert.equal(fast(text), undefined);
    });
  }
});
