/**
 * Hostile variants of YAML templates for the differential tests of the YAML readers: seeded line edits (comments,
 * blank lines, indentation moved, lines removed or doubled, values moved below their key, flow collections broken over
 * lines, indicator characters inserted or text cut out).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/paths.js';

function yamlFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yamlFiles(file, found);
    else if (/\.ya?ml$/.test(name)) found.push(file);
  }
  return found;
}

/** Every YAML file under test/ and examples/, sorted. */
export const REPOSITORY_YAML = [...yamlFiles(path.join(REPO_ROOT, 'test')), ...yamlFiles(path.join(REPO_ROOT, 'examples'))].sort();

/** Templates of every construct the YAML fast path reads, for the readers' table tests. */
export const TEMPLATE_CASES: Record<string, string> = {
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
  'block scalars with every chomping, and multi-line plain scalars': [
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
    '            - >-',
    '              folded',
    '',
    '              stripped',
    '',
    '            - |+',
    '              kept',
    '',
    '          EntryPoint: a plain',
    '            scalar on two lines',
    '          User: "0"',
    '',
    '',
  ].join('\n'),
  'quoted scalars with escapes and folded lines': [
    'A: "tab\\there \\"q\\" \\x41 \\u263A \\U0001F600 \\\\ \\/ \\N \\_ \\e"',
    "B: 'it''s'",
    'C: "first',
    '  second',
    '',
    '  third"',
    "D: 'one",
    '',
    "  two'",
  ].join('\n'),
  'comments around the ends of nested collections, at every indentation': [
    'Resources:',
    '  A:',
    '    Properties:',
    '      List:',
    '        - x: 1 # same line',
    '            # deeper than the mapping: kept with the value',
    '          # at the mapping',
    '        # at the list',
    '      # at Properties',
    '    # at A',
    '  # at Resources',
    '# at the root',
    '  B: [1, 2]   # after a flow sequence',
    '     # deeper',
    'Outputs:',
    '  X: |',
    '    text',
    '  # after a block scalar',
    '',
  ].join('\n'),
  'several documents': '---\nResources: {}\n---\n# a comment\nA: 1\n--- \nB: [1, {a: b}]\n',
  'keys that are numbers, booleans and quoted, and duplicated': '80: a\ntrue: b\n\'x y\': c\n"q": d\n1.0: e\nq: f\nq: g\n',
  'Windows line ends':
    'Resources:\r\n  T:\r\n    Type: AWS::ECS::TaskDefinition # c\r\n    Properties:\r\n' +
    '      Family: "a\r\n        b"\r\n      Cpu: 256\r\n',
  'nesting as deep as js-yaml reads': `${Array.from({ length: 90 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} leaf\n`,
  'flow collections nested, with JSON-like keys and tags': 'A: {"a":1, b: [x, !Ref y, {c: d}], e: !If [C, [], {}]}\nB: [ ]\n',
  'flow collections over several lines, closed deeper than their key': [
    'Resources:',
    '  Bucket:',
    '    Type: AWS::S3::BucketPolicy',
    '    Properties:',
    '      Resource: !Join ["", [',
    '          "arn:aws:s3:::",',
    '          !Ref Bucket,',
    '          "/*"',
    '        ]]',
    '      Action: [',
    '',
    '        "s3:GetObject", s3:PutObject',
    '        , s3:ListBucket,',
    '        ]   # after the list',
    '           # deeper: kept with it',
    '  Task:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      ContainerDefinitions:',
    '        - { Name: app, Image: nginx,',
    '            Command: ["sh", "-c",',
    '              "echo hi"],',
    '            Privileged: !If [IsDev,',
    '              true, false] }',
    '        - [',
    '           1 ]',
    '      Tags: [{Key: a,',
    '        Value: b}]',
    'Outputs: [',
    ' 1]',
    '',
  ].join('\n'),
  'comments inside flow collections over several lines': [
    'A: [ # first',
    '  1, # one',
    '  # a line of its own',
    '',
    '  2 # two',
    '  , 3 ] # after',
    'B: !Join ["", [',
    '    # c',
    '    a, !Ref b, {c: d, # e',
    '      f: g}]]',
    '',
  ].join('\n'),
  'flow collections over several lines below their key or dash, tagged, nested':
    'A:\n  [1,\n  2]\nB:\n  - [1,\n    2]\n  -\n    [1,\n   2]\nC: !If [C,\n  [1,\n   2], {a: 1,\n  b: 2}]\n' +
    'D: !Ref\n  [1,\n  2]\nE: {a: [1,\n  2], b: {c: 3,\n  d: 4}}\n',
};

const INSERTS = [
  ...[' ', '  ', '\n', ':', '-', '- ', '#', '# c', '"', "'", '[', ']', '{', '}', ',', '!', '&', '*', '|', '>', '>-', '|+'],
  ...['?', '%', '@', '`', '\\', '\r\n', '\r', '\t', '~', 'yes', '0x', '\u00a0', '\u2028', '\ufeff', '\x00'],
  ...['!Ref ', '!Foo ', '!!str ', '&a ', '*a', '<<: ', '---\n', '...\n', '"\\q"', '"\\u12"'],
];

export class YamlVariants {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)] as T;
  }

  /**
   * Breaks the line's flow collection over two lines after a bracket or comma or before a comma or closing bracket,
   * at any indentation, maybe with a comment before the break.
   */
  breakFlow(lines: string[], at: number): void {
    const line = lines[at] ?? '';
    const breaks = [
      ...[...line.matchAll(/[[{,]/g)].map((m) => (m.index ?? 0) + 1),
      ...[...line.matchAll(/[,\]}]/g)].map((m) => m.index ?? 0),
    ];
    if (!breaks.length) return;
    const p = this.pick(breaks);
    const comment = this.random() < 0.25 ? this.pick([' # c', ' #', '  # c, ] }']) : '';
    lines[at] = `${line.slice(0, p)}${comment}\n${' '.repeat(this.int(16))}${line.slice(p).trimStart()}`;
  }

  /** One to three edits of `text`; one in ten variants with Windows line ends. */
  mutate(text: string): string {
    const lines = text.split('\n');
    for (let k = 1 + this.int(3); k > 0; k--) {
      const at = this.int(lines.length);
      const line = lines[at] ?? '';
      const kind = this.int(10);
      if (kind === 0) lines.splice(at, 0, `${' '.repeat(this.int(14))}# comment${this.pick(['', ' |', ' :', ' - x'])}`);
      else if (kind === 1) lines.splice(at, 0, ' '.repeat(this.int(6)));
      else if (kind === 2) lines[at] = ' '.repeat(1 + this.int(3)) + line;
      else if (kind === 3) lines[at] = line.replace(/^ {1,3}/, '');
      else if (kind === 4) lines.splice(at, 1);
      else if (kind === 5) lines.splice(at, 0, line);
      else if (kind === 7 && /[[{,]/.test(line)) this.breakFlow(lines, at);
      else if (kind === 6) {
        // A value moved below its key or dash, maybe under a comment.
        const indent = ' '.repeat(this.int(12));
        lines[at] = line.replace(this.pick([': ', '- ']), (m) => `${m.trim()}\n${this.random() < 0.5 ? `${indent}# c\n` : ''}${indent}`);
      } else {
        const p = this.int(line.length + 1);
        lines[at] =
          this.random() < 0.7 ? line.slice(0, p) + this.pick(INSERTS) + line.slice(p) : line.slice(0, p) + line.slice(p + 1 + this.int(3));
      }
    }
    const joined = lines.join('\n');
    return this.random() < 0.1 ? joined.replace(/\n/g, '\r\n') : joined;
  }
}
