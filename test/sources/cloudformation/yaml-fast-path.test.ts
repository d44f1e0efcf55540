/**
 * The CloudFormation YAML fast path (trees from js-yaml's events, yaml-events.ts) against the composing path
 * (yaml-tree.ts with the `yaml` package), which stays the reference: for every input, the fast path either declines
 * or gives exactly the reference's trees, values and ranges included, for an input the reference reads without error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cloudFormationTemplate } from '../../../bench/support/mixed-corpus.js';
import { seededRandom } from '../../../bench/support/corpus.js';
import { LineIndex, OffsetRange, detachRanges } from '../../../src/model/location.js';
import type { ValueNode } from '../../../src/model/value.js';
import { REFERENCE_SITES, readTemplateInfo } from '../../../src/sources/cloudformation/template.js';
import { buildYamlFromEvents } from '../../../src/sources/cloudformation/yaml-events.js';
import { parseYamlTemplate } from '../../../src/sources/cloudformation/yaml-tree.js';
import { REPO_ROOT } from '../../support/paths.js';
import { loadText } from './load.js';
import { REPOSITORY_YAML, TEMPLATE_CASES as CASES, YamlVariants } from './yaml-variants.js';

/**
 * The fast path's trees, or undefined when it leaves the input to the composing path. Its ranges compute line and
 * column when read (`OffsetRange`); compared as the plain records the composing path holds.
 */
function fast(text: string) {
  const built = buildYamlFromEvents(text, 't.yaml', new LineIndex(text));
  if (built) for (const root of built) assertLazyRanges(root);
  return built && detachRanges(built);
}

/** Every range and key range of the fast path's tree holds offsets only until read. */
function assertLazyRanges(node: ValueNode): void {
  assert.ok(node.range instanceof OffsetRange, 'a fast-path range is an OffsetRange');
  if (node.kind === 'object') {
    for (const e of node.entries) {
      assert.ok(e.keyRange instanceof OffsetRange, 'a fast-path key range is an OffsetRange');
      assertLazyRanges(e.value);
    }
  } else if (node.kind === 'array') for (const item of node.items) assertLazyRanges(item);
}

/** The composing path's trees and errors (the reference). */
function composed(text: string) {
  return parseYamlTemplate(text, 't.yaml', new LineIndex(text), { composeOnly: true });
}

/** Fast equals reference, or fast declines; returns whether it took the input. */
function assertSameOrDeclined(text: string, label: string): boolean {
  const built = fast(text);
  if (!built) return false;
  const reference = composed(text);
  const shown = `${label} (${JSON.stringify(text).slice(0, 3000)})`;
  assert.deepEqual(reference.errors, [], `${shown}: the fast path took an input the reference rejects`);
  assert.deepEqual(built, reference.documents, shown);
  // The fast path records its Ref and Fn::Sub sites while building; the reference's trees are walked.
  for (const [index, root] of built.entries()) {
    assert.ok(REFERENCE_SITES.has(root), `${shown}: reference sites recorded`);
    assert.deepEqual(referenceCounts(root), referenceCounts(reference.documents[index] as ValueNode), `${shown}: parameter references`);
  }
  return true;
}

/** How many references the template makes to each of its parameters. */
function referenceCounts(root: ValueNode): Array<[string, number]> {
  return [...readTemplateInfo(root).parameters.values()].map((parameter) => [parameter.name, parameter.references]);
}

function assertSameTrees(text: string, label: string): void {
  assert.ok(assertSameOrDeclined(text, label), `${label}: expected the fast path to take it`);
}

describe('CloudFormation YAML fast path (trees from js-yaml events) equals the composing path', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, () => {
      assertSameTrees(text, name);
    });
  }

  it('every YAML file under test/ and examples/: the same trees, or declined; most taken', () => {
    let taken = 0;
    for (const file of REPOSITORY_YAML) {
      if (assertSameOrDeclined(readFileSync(file, 'utf8'), path.relative(REPO_ROOT, file))) taken++;
    }
    assert.ok(REPOSITORY_YAML.length >= 15, `only ${REPOSITORY_YAML.length} YAML files found`);
    assert.ok(taken >= REPOSITORY_YAML.length * 0.75, `fast path took ${taken} of ${REPOSITORY_YAML.length}`);
  });

  it('counts parameter references from the sites it records as the walk counts them (long and short forms, flow, Sub)', () => {
    const text = [
      'Parameters:',
      '  A: {Type: String, Default: a}',
      '  B: {Type: String}',
      '  C: {Type: String}',
      'Conditions:',
      '  IsA: !Equals [!Ref A, a]',
      'Resources:',
      '  T:',
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      '      Family: {Ref: A}',
      '      Cpu:',
      '        Ref: B',
      "      Memory: {'Ref': C}",
      '      Tags:',
      '        - Key: !Sub "${A}-${B}-${!C}-${T.Arn}"',
      '          Value:',
      '            Fn::Sub: ["${A}${C}", {C: x}]',
      '        - Key: !Sub',
      '            - "${B}"',
      '            - {}',
      '          Value: {Ref: [A]}',
      'Outputs:',
      '  O: {Value: !Ref C, Export: {Name: {"Fn::Sub": "${A}"}}}',
    ].join('\n');
    assertSameTrees(text, 'references');
    const root = (fast(text) as ValueNode[])[0] as ValueNode;
    assert.deepEqual(referenceCounts(root), [
      ['A', 5],
      ['B', 3],
      ['C', 2],
    ]);
  });

  it('generated service templates (the benchmark corpus): every one taken', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 60; i++) assertSameTrees(cloudFormationTemplate(random, i * 2), `template ${i}`);
  });

  it('plain scalars of every first character resolve as the composing path reads them (null, booleans, numbers, strings)', () => {
    const words = ['', 'rue', 'RUE', 'alse', 'ull', 'ULL', 'es', 'o', 'n', 'ff', 'FF', '1', '12', '.5', 'e3', 'x1f', 'o17', 'inf', 'nan'];
    const values: string[] = ['~', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '1e3', '-1.5E-2', '+12', '0o17', '0x1F', '0.', 'null'];
    for (let code = 0x21; code < 0x7f; code++) {
      const c = String.fromCharCode(code);
      if ('#&*!|>\'"%@`{}[],:-?'.includes(c)) continue; // indicators: not the start of a plain scalar here
      for (const word of words) values.push(`${c}${word}`);
    }
    values.push('-1', '-x', '-.5', '?x', ':x', '-');
    let taken = 0;
    for (const value of values) {
      if (assertSameOrDeclined(`K: ${value}\n${value}: v\n`, JSON.stringify(value))) taken++;
    }
    assert.ok(taken > values.length * 0.9, `fast path took ${taken} of ${values.length}`);
  });

  const DECLINED: Record<string, string> = {
    'an anchor and an alias': 'A: &x 1\nB: *x\n',
    'a merge key': 'A: { a: 1 }\nB:\n  <<: { a: 1 }\n',
    'a tab': 'A:\n\t- 1\n',
    'a tab inside a quoted scalar': 'A: "a\tb"\n',
    'an unknown tag': 'A: !Foo x\n',
    'a standard tag': 'A: !!str 1\n',
    'a verbatim tag': 'A: !<!Ref> x\n',
    'a directive': '%YAML 1.2\n---\nA: 1\n',
    'a byte-order mark': '\uFEFFA: 1\n',
    'a carriage return alone': 'A: 1\rB: 2\n',
    'a document end marker': 'A: 1\n...\n',
    'an empty document': '---\n---\nA: 1\n',
    'a comment right after a comma inside a flow collection': 'A: [1,# c\n  2]\n',
    "a flow collection closed at its key's indentation (js-yaml rejects it)": 'A: [\n  1\n]\n',
    'a flow collection line no deeper than its key': 'A:\n  B: [1,\n  2]\n',
    'a tag and its value on two lines inside a flow collection': 'A: [!Ref\n  x]\n',
    'a plain scalar over two lines inside a flow collection': 'A: [a\n  b]\n',
    'a quoted scalar over two lines inside a flow collection': 'A: ["a\n  b"]\n',
    'a flow mapping value below its key': 'A: {a:\n  b}\n',
    'an explicit key': '? A\n: 1\n',
    'a syntax error': 'A: "unterminated\nB: 1\n',
    'a bad indentation': 'A:\n  b: 1\n c: 2\n',
    'a compact nested mapping': 'A: b: 1\n',
    'a comment without space': "A: 'x'# c\n",
    'a quoted line indented no deeper than its key (CloudFormation reads it, YAML 1.2 does not)': "A:\n  B: 'x\n  y'\n",
    'a block scalar with an indentation indicator': 'A: |2\n   x\n',
    'a comment on a block scalar header': 'A: | # c\n  x\n',
    'a comment between a key and its scalar value below it': 'A:\n# c\n  1\n',
    'an escaped line break in a double-quoted scalar': 'A: "one\\\n  two"\n',
    'a comment between a dash and its scalar value below it': '-\n  # c\n  x\n',
    'a comment after an empty value': 'A: # c\nB: 1\n',
    'nesting deeper than js-yaml reads': `${'['.repeat(120)}${']'.repeat(120)}\n`,
    'a tagged empty value': 'A: !Ref\nB: 1\n',
  };
  for (const [name, text] of Object.entries(DECLINED)) {
    it(`leaves ${name} to the composing path`, () => {
      assert.equal(fast(text), undefined);
    });
  }

  it('hostile variants of real templates: the same trees, or declined', () => {
    const random = seededRandom(17);
    const variants = new YamlVariants(random);
    const int = (n: number) => variants.int(n);
    const pick = <T>(values: readonly T[]): T => variants.pick(values);
    const bases = [...REPOSITORY_YAML.map((file) => readFileSync(file, 'utf8')), ...Object.values(CASES)];
    for (let i = 0; i < 4; i++) bases.push(cloudFormationTemplate(random, i));
    let taken = 0;
    const count = 2500;
    for (let i = 0; i < count; i++) if (assertSameOrDeclined(variants.mutate(pick(bases)), `variant ${i}`)) taken++;
    // Most mutations break the YAML; a good share must still be taken, or this test proves little.
    assert.ok(taken > count / 4, `fast path took ${taken} of ${count}`);

    // Flow collections broken over lines (1-3 breaks), sometimes with another mutation.
    const flowBases = bases.filter((text) => /(?:: |- )[[{]/.test(text));
    let multiLine = 0;
    const flowVariants = 1500;
    for (let i = 0; i < flowVariants; i++) {
      const base = pick(flowBases);
      const lines = (random() < 0.2 ? variants.mutate(base) : base).split('\n');
      const withFlow = lines.flatMap((line, index) => (/(?:: |- )[[{]/.test(line) ? [index] : []));
      for (let k = 1 + int(3); k > 0 && withFlow.length; k--) {
        const at = pick(withFlow);
        variants.breakFlow(lines, at);
        const broken = lines[at] ?? '';
        // The rest of a broken line may break again.
        if (random() < 0.5 && broken.includes('\n')) {
          const parts = broken.split('\n');
          const tail = [parts.pop() ?? ''];
          variants.breakFlow(tail, 0);
          lines[at] = [...parts, ...tail].join('\n');
        }
      }
      const text = lines.join('\n');
      if (assertSameOrDeclined(text, `flow variant ${i}`) && /[[{,] *\r?\n/.test(text)) multiLine++;
    }
    assert.ok(multiLine > flowVariants / 5, `fast path took ${multiLine} multi-line flow variants of ${flowVariants}`);
  });

  it('a template the fast path declines loads the same as always, errors included (the composing path)', async () => {
    const text =
      'Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n' +
      '        - Name: a\n          Privileged: !Foo true\n';
    assert.equal(fast(text), undefined);
    const output = await loadText(text);
    assert.deepEqual(
      output.errors.map((e) => `${e.line}:${e.column} ${e.message}`),
      ['7:23 unknown YAML tag !Foo: not a CloudFormation intrinsic function'],
    );
  });
});
