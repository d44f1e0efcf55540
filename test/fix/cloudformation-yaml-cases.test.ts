import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writesPascal } from '../../src/fix/edit/insert.js';
import type { ObjectNode } from '../../src/model/value.js';
import { runCli } from '../support/cli.js';
import { diffOf, manualReasons, runFix, workspace } from './helpers.js';

const range = { file: 't', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

describe('fix: key casing of inserted CloudFormation keys', () => {
  it('comes from the real sibling keys: a leading merge key (<<) does not count', () => {
    const node: ObjectNode = {
      kind: 'object',
      entries: [
        { key: '<<', sourceKey: '<<', keyRange: range, value: { kind: 'null' } },
        { key: 'name', sourceKey: 'Name', keyRange: range, value: { kind: 'string', value: 'd' } },
      ],
    };
    assert.equal(writesPascal(node, false), true);
  });

  it('a container with a merge key is not edited: no camelCase key is written into it', async () => {
    const run = await diffOf(
      'a.yaml',
      `Resources:
  A:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - &base
          Name: c
          Image: i
          User: "0"
          Privileged: true
        - <<: *base
          Name: d
`,
    );
    assert.ok(!/^\+\s+user:/m.test(run.diff), run.diff);
  });
});

describe('fix: a CloudFormation parameter Default keeps its type', () => {
  const template = (type: string, value: string) => `Parameters:
  P:
    Type: ${type}
    Default: ${value}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: c
          Image: i
          User: "1000"
          Privileged: !Ref P
`;
  const changedLines = (diff: string) => diff.split('\n').filter((l) => /^[-+]\s/.test(l));

  it('a String parameter gets a string, in the file quote style', async () => {
    assert.deepEqual(changedLines((await diffOf('t.yaml', template('String', '"true"'))).diff), [
      '-    Default: "true"',
      '+    Default: "false"',
    ]);
    assert.deepEqual(changedLines((await diffOf('t.yaml', template('String', "'true'"))).diff), [
      "-    Default: 'true'",
      "+    Default: 'false'",
    ]);
    assert.deepEqual(changedLines((await diffOf('t.yaml', template('String', 'true'))).diff), [
      '-    Default: true',
      '+    Default: "false"',
    ]);
  });

  it('in JSON too', async () => {
    const json = `{
  "Parameters": { "P": { "Type": "String", "Default": "true" } },
  "Resources": {
    "Task": {
      "Type": "AWS::ECS::TaskDefinition",
      "Properties": { "ContainerDefinitions": [{ "Name": "c", "Image": "i", "User": "1000", "Privileged": { "Ref": "P" } }] }
    }
  }
}
`;
    const run = await diffOf('t.json', json);
    assert.deepEqual(changedLines(run.diff), [
      '-  "Parameters": { "P": { "Type": "String", "Default": "true" } },',
      '+  "Parameters": { "P": { "Type": "String", "Default": "false" } },',
    ]);
  });
});

describe('fix: parameter Types decide how a Default is written', () => {
  it('String and other types hold strings; a Number parameter keeps numbers', async () => {
    const { loadText, definition, at } = await import('../sources/cloudformation/load.js');
    const { replaceValue } = await import('../../src/fix/edit/insert.js');
    const text = `Parameters:
  Str: {Type: String, Default: 'true'}
  Num: {Type: Number, Default: 512}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Memory: !Ref Num
      ContainerDefinitions:
        - {Name: c, Image: i, Privileged: !Ref Str}
`;
    const def = definition(await loadText(text), 'Task');
    const privileged = at(def, 'containerDefinitions', 0, 'privileged');
    const memory = at(def, 'memory');
    assert.equal(privileged.origin?.definitionTakesStrings, true);
    assert.equal(memory.origin?.definitionTakesStrings, undefined);
    assert.equal(replaceValue(text, 't', privileged, false, false).text, "'false'");
    assert.equal(replaceValue(text, 't', memory, 1024, false).text, '1024');
  });
});

describe('fix: block scalars that keep their trailing blank lines (|+)', () => {
  it('a key inserted after one goes after its blank lines: the scalar keeps its value', async () => {
    const { parse } = await import('yaml');
    const template = `Resources:
  T1:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: a
          Image: nginx
          DockerLabels:
            script: |+
              line1

        - Name: b
          Image: nginx
          User: "1000"
          Command:
            - >+
              run

`;
    const run = await diffOf('keep.yaml', template, { dropCapabilities: true });
    const containers = (text: string) =>
      (parse(text) as { Resources: { T1: { Properties: { ContainerDefinitions: Array<Record<string, unknown>> } } } }).Resources.T1
        .Properties.ContainerDefinitions;
    const after = containers(run.after['keep.yaml'] ?? '');
    assert.deepEqual(after[0]?.['DockerLabels'], { script: 'line1\n\n' });
    assert.deepEqual(after[1]?.['Command'], ['run\n\n']);
    assert.equal(after[0]?.['User'], '1000:1000');
    assert.deepEqual(after[1]?.['LinuxParameters'], { Capabilities: { Drop: ['ALL'] } });
  });
});

describe('fix: a new Default must fit what the parameter or variable declares', () => {
  it('Number type, AllowedValues, AllowedPattern, MaxLength (CloudFormation), type = number, validation (Terraform): manual', async () => {
    const dir = workspace({
      't.yaml': `Parameters:
  Uid: {Type: Number, Default: 0}
  Mode: {Type: String, Default: host, AllowedValues: [host, bridge]}
  AgentUser: {Type: String, Default: root, AllowedPattern: "^[a-z]+$"}
  Priv: {Type: String, Default: "true", AllowedValues: ["true"]}
  Fine: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
  Short: {Type: String, Default: "0", MaxLength: 4}
  Roomy: {Type: String, Default: "0", MinLength: 1, MaxLength: 16}
Resources:
  A:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: !Ref Mode
      ContainerDefinitions:
        - {Name: a, Image: x, User: !Ref Uid}
        - {Name: b, Image: x, User: !Ref AgentUser, Privileged: !Ref Priv}
  B:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: c, Image: x, User: "1000", Privileged: !Ref Fine}
        - {Name: d, Image: x, User: !Ref Short}
        - {Name: e, Image: x, User: !Ref Roomy}
`,
      'main.tf': `variable "uid" {
  type    = number
  default = 0
}
variable "checked" {
  default = "root"
  validation {
    condition     = true
    error_message = "checked"
  }
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = jsonencode([{ name = "a", image = "x", user = var.uid }, { name = "b", image = "x", user = var.checked }])
}
`,
    });
    const run = await runFix(dir, { networkMode: 'awsvpc' });
    // Only the Defaults their constraints accept change.
    assert.deepEqual(Object.keys(run.after), ['t.yaml']);
    assert.match(run.diff, /^\+ {2}Roomy: \{Type: String, Default: "1000:1000", MinLength: 1, MaxLength: 16\}$/m);
    assert.match(
      run.diff,
      /^- {2}Fine: \{Type: String, Default: "true", AllowedValues: \["true", "false"\]\}\n\+ {2}Fine: \{Type: String, Default: "false", /m,
    );
    const reasons = manualReasons(run).map((r) => r.replace(/ \(referenced at [^)]*\)/, '').replace(/ \(defined at [^)]*\)/, ''));
    assert.deepEqual(reasons.map((r) => r.replace(/: change its declaration.*/, '')).sort(), [
      'host-network-no-privilege: networkMode comes from !Ref Mode; parameter Mode allows only "host", "bridge" (AllowedValues)',
      'host-network-nonroot-user: networkMode comes from !Ref Mode; parameter Mode allows only "host", "bridge" (AllowedValues)',
      'no-host-network: networkMode comes from !Ref Mode; parameter Mode allows only "host", "bridge" (AllowedValues)',
      'no-privileged-containers: privileged comes from !Ref Priv; parameter Priv allows only "true" (AllowedValues)',
      'no-root-user: user comes from !Ref AgentUser; parameter AgentUser must match its AllowedPattern "^[a-z]+$"',
      'no-root-user: user comes from !Ref Short; parameter Short must be at most 4 characters long (MaxLength)',
      'no-root-user: user comes from !Ref Uid; parameter Uid takes only numbers, and "1000:1000" is not one',
      'no-root-user: user comes from var.checked; variable checked has validation rules ecsguard does not evaluate',
      'no-root-user: user comes from var.uid; variable uid takes only numbers, and "1000:1000" is not one',
    ]);
  });
});

describe('fix: YAML written in its rarer forms stays YAML', () => {
  const fixed = async (text: string) =>
    (await diffOf('td.yaml', `family: a\ncontainerDefinitions:\n${text}`, { readonlyRoot: true })).after['td.yaml'];

  it('an explicit key (`? privileged`) last in its mapping: new keys at the `?`, not under the value', async () => {
    assert.equal(
      await fixed('  - name: c\n    image: x\n    ? privileged\n    : true\n'),
      'family: a\ncontainerDefinitions:\n  - name: c\n    image: x\n    ? privileged\n    : false\n' +
        '    readonlyRootFilesystem: true\n    user: "1000:1000"\n',
    );
  });

  it('a key without a colon gets one (`{…, user}`; `? user` gets its `:` line)', async () => {
    assert.equal(
      await fixed('  - {name: c, image: x, user}\n'),
      'family: a\ncontainerDefinitions:\n  - {name: c, image: x, readonlyRootFilesystem: true, user: "1000:1000"}\n',
    );
    assert.equal(
      await fixed('  - name: c\n    image: x\n    ? user\n'),
      'family: a\ncontainerDefinitions:\n  - name: c\n    image: x\n    ? user\n    : "1000:1000"\n    readonlyRootFilesystem: true\n',
    );
  });

  it('a standard tag on the old value goes with it (`!!int "1000:1000"` is no string)', async () => {
    assert.equal(
      await fixed('  - name: c\n    image: x\n    user: !!int 0\n  - name: d\n    image: x\n    user: !!null\n'),
      'family: a\ncontainerDefinitions:\n  - name: c\n    image: x\n    user: "1000:1000"\n    readonlyRootFilesystem: true\n' +
        '  - name: d\n    image: x\n    user: "1000:1000"\n    readonlyRootFilesystem: true\n',
    );
  });
});

describe('fix: a YAML key written without a value', () => {
  it('last in a flow mapping that also gets new keys: they go before it, and the file stays YAML', async () => {
    const run = await diffOf('td.yaml', 'family: a\ncontainerDefinitions:\n  - {name: c, image: x, user: }\n', { readonlyRoot: true });
    assert.equal(
      run.after['td.yaml'],
      'family: a\ncontainerDefinitions:\n  - {name: c, image: x, readonlyRootFilesystem: true, user: "1000:1000"}\n',
    );
  });

  it('gets the value after a space, before a comment, in CloudFormation and task-definition YAML alike', async () => {
    const template = await diffOf(
      't.yaml',
      'Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n' +
        '        - Name: c\n          Image: i\n          User:\n',
    );
    assert.equal(template.after['t.yaml']?.split('\n').at(-2), '          User: "1000:1000"');
    const bare = await diffOf('td.yaml', 'family: a\ncontainerDefinitions:\n  - name: c\n    image: x\n    user: # TODO: pick a uid\n');
    assert.equal(
      bare.after['td.yaml'],
      'family: a\ncontainerDefinitions:\n  - name: c\n    image: x\n    user: "1000:1000" # TODO: pick a uid\n',
    );
  });
});

describe("reports: a finding's fix in YAML with a merge key is what ecsguard fix decides for the whole definition", () => {
  const cases = [
    {
      // The anchored mapping is also a top-level key of its own (an unknown field): an edit there changes it too.
      name: 'an anchor read elsewhere too: no edit, the manual step fix prints',
      text: 'family: y9\nbase: &b\n  image: nginx\n  privileged: true\n  user: "1000"\ncontainerDefinitions:\n  - name: a\n    <<: *b\n',
      edits: [0],
      manual: 1,
    },
    {
      // Both containers merge the anchor and both need the change: the anchor is edited once, for both.
      name: 'an anchor every reader needs changed: the edit at the anchor, for each',
      text:
        'family: y10\ncontainerDefinitions:\n  - name: a\n    image: nginx\n    user: "1000"\n    privileged: &p true\n' +
        '  - name: b\n    image: nginx\n    user: "1000"\n    privileged: *p\n',
      edits: [1, 1],
      manual: 0,
    },
  ];
  for (const { name, text, edits, manual } of cases) {
    it(name, async () => {
      const dir = workspace({ 'td.yaml': text });
      const report = JSON.parse((await runCli(['scan', dir, '--format', 'json'])).stdout) as {
        findings: Array<{ status: string; fix: { edits: unknown[]; manual: unknown[] } | null }>;
      };
      const failing = report.findings.filter((f) => f.status === 'FAIL');
      assert.deepEqual(
        failing.map((f) => f.fix?.edits.length),
        edits,
      );
      assert.equal(
        failing.reduce((n, f) => n + (f.fix?.manual.length ?? 0), 0),
        manual,
      );
      const run = await runFix(dir);
      assert.equal(run.result.changes.length, edits.some((n) => n > 0) ? 1 : 0);
      assert.equal(manualReasons(run).length, manual);
    });
  }
});
