import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValue, toPlain, variants } from '../../../src/model/value.js';
import { at, definition, loadFixture, loadText, span } from './load.js';

/** A one-container template whose container has `user` set to the given YAML. */
function withUser(user: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  WithDefault:
    Type: String
    Default: app
  NoDefault:
    Type: String
  Subnets: { Type: CommaDelimitedList, Default: "1000,2000" }
  Spaced: { Type: CommaDelimitedList, Default: " 1000 , 0" }
  FromParameterStore: { Type: "AWS::SSM::Parameter::Value<String>", Default: /ecs/agent/user }
Mappings:
  Users:
    prod: { Uid: "1000" }
  Roots: { a: { Uid: "0" }, b: { Uid: "1000" } }
Conditions:
  IsProd: !Equals [a, a]
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          User: ${user}
`;
}

async function user(yaml: string) {
  const output = await loadText(withUser(yaml));
  return {
    node: at(definition(output, 'Task'), 'containerDefinitions', 0, 'user'),
    errors: output.errors,
    warnings: output.warnings ?? [],
  };
}

describe('Ref', () => {
  it('to a parameter with a Default: the Default, with origin', async () => {
    const { node, errors } = await user('!Ref WithDefault');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      [node.kind, describeValue(node), span(node), node.origin?.expression],
      ['string', '"app"', '5:14-5:17', '!Ref WithDefault'],
    );
    assert.equal(span({ range: node.origin?.range }), '25:17-25:33');
  });

  it('to a parameter without a Default, a pseudo parameter, a resource: unresolved and why', async () => {
    const cases: Array<[string, string]> = [
      ['!Ref NoDefault', 'parameter NoDefault has no Default'],
      ['!Ref AWS::StackName', 'pseudo parameter AWS::StackName depends on the deployment'],
      ['!Ref Queue', 'resource Queue is known only after deployment'],
      ['{Ref: NoDefault}', 'parameter NoDefault has no Default'],
      // Its Default is a Parameter Store key, not the value.
      [
        '!Ref FromParameterStore',
        'parameter FromParameterStore is read from Systems Manager Parameter Store (/ecs/agent/user) at deployment',
      ],
    ];
    for (const [yaml, reason] of cases) {
      const { node, errors } = await user(yaml);
      assert.deepEqual(errors, [], yaml);
      assert.deepEqual(node, { kind: 'unresolved', expression: yaml, reason, range: node.range, syntax: 'yaml' }, yaml);
      assert.equal(span(node), `25:17-25:${17 + yaml.length}`, yaml);
    }
  });

  it('AWS::NoValue is null (absent)', async () => {
    const { node } = await user('!Ref AWS::NoValue');
    assert.equal(node.kind, 'null');
  });

  it('to a name the template does not define: a warning at the Ref, and an unknown value', async () => {
    const { node, errors, warnings } = await user('!Ref Nowhere');
    assert.equal(node.kind, 'unresolved');
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, [
      {
        file: 'template.yaml',
        line: 25,
        column: 17,
        resource: 'Task',
        message: 'resource Task: Ref to Nowhere, which is not a parameter or resource of this template',
      },
    ]);
  });
});

describe('Fn::If', () => {
  it('becomes a conditional with both branches resolved', async () => {
    const { node } = await user('!If [IsProd, !Ref WithDefault, "0"]');
    assert.equal(node.kind, 'conditional');
    assert.deepEqual(
      variants(node).map((v) => [describeValue(v.node), v.assumptions]),
      [
        ['"app"', [{ condition: 'IsProd', outcome: true }]],
        ['"0"', [{ condition: 'IsProd', outcome: false }]],
      ],
    );
    assert.equal(span(node), '25:17-25:52');
  });

  it('long form in YAML works the same', async () => {
    const { node } = await user('{"Fn::If": [IsProd, "1000", !Ref AWS::NoValue]}');
    assert.deepEqual(
      variants(node).map((v) => v.node?.kind),
      ['string', 'null'],
    );
  });

  it('with the wrong arity or an undefined condition: a warning with position, and an unknown value', async () => {
    const wrong = await user('!If [IsProd, "0"]');
    assert.deepEqual([wrong.node.kind, describeValue(wrong.node)], ['unresolved', '!If [IsProd, "0"]']);
    assert.deepEqual(wrong.errors, []);
    assert.deepEqual(wrong.warnings, [
      {
        file: 'template.yaml',
        line: 25,
        column: 17,
        resource: 'Task',
        message: 'resource Task: Fn::If needs [condition name, value if true, value if false], found 2 arguments',
      },
    ]);
    const undefinedCondition = await user('!If [Missing, "0", "1000"]');
    assert.equal(undefinedCondition.node.kind, 'conditional');
    assert.deepEqual(undefinedCondition.errors, []);
    assert.deepEqual(
      undefinedCondition.warnings.map((e) => [e.line, e.column, e.message]),
      [[25, 22, 'resource Task: Fn::If uses condition Missing, which is not defined in Conditions']],
    );
  });
});

describe('Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64', () => {
  it('evaluate resolvable literals to the resulting value', async () => {
    const cases: Array<[string, unknown]> = [
      ['!Sub "${WithDefault}-user"', 'app-user'],
      ['!Sub ["${Uid}:${Uid}", {Uid: "1000"}]', '1000:1000'],
      ['!Sub "${!Literal}"', '${Literal}'],
      ['!Join [":", ["1000", !Ref WithDefault]]', '1000:app'],
      ['!Join ["", ["10", !Ref AWS::NoValue, "00"]]', '1000'],
      ['!Select [1, !Ref Subnets]', '2000'],
      // "Each member string is space trimmed" (CloudFormation User Guide, Parameters).
      ['!Select [1, !Ref Spaced]', '0'],
      ['!Select [0, !Ref Spaced]', '1000'],
      ['!Select [0, !Split [":", "0:0"]]', '0'],
      ['!FindInMap [Users, prod, Uid]', '1000'],
      // An unknown key that can select only one value (every entry holds it, or the DefaultValue).
      ['!FindInMap [Users, !Ref NoDefault, Uid]', '1000'],
      ['!FindInMap [Users, !Ref NoDefault, Gid, {DefaultValue: "1000"}]', '1000'],
      ['!Base64 "0"', 'MA=='],
    ];
    for (const [yaml, expected] of cases) {
      const { node, errors } = await user(yaml);
      assert.deepEqual(errors, [], yaml);
      assert.deepEqual(toPlain(node), expected, yaml);
      assert.equal(node.origin?.expression, yaml, yaml);
    }
  });

  it('stay unresolved, with the expression as written, when a part is unknown', async () => {
    const cases: Array<[string, string]> = [
      ['!Sub "${AWS::StackName}-web"', '${AWS::StackName} cannot be resolved: pseudo parameter AWS::StackName depends on the deployment'],
      ['!Sub "${Queue.Arn}"', '${Queue.Arn} is an attribute known only after deployment'],
      ['!Join ["", [!Ref NoDefault, "x"]]', '!Ref NoDefault cannot be resolved'],
      ['!Select [0, !GetAZs ""]', 'Fn::Select of a value that cannot be resolved'],
      ['!GetAtt Queue.Arn', 'Fn::GetAtt is known only after deployment'],
      ['!ImportValue shared-user', "Fn::ImportValue reads another stack's export"],
      ['!Condition IsProd', 'a condition is not a property value'],
      ['!FindInMap [Roots, !Ref NoDefault, Uid]', 'Fn::FindInMap with a key that cannot be resolved'],
    ];
    for (const [yaml, reason] of cases) {
      const { node, errors } = await user(yaml);
      assert.deepEqual(errors, [], yaml);
      assert.deepEqual(
        [node.kind, node.kind === 'unresolved' && node.expression, node.kind === 'unresolved' && node.reason],
        ['unresolved', yaml, reason],
      );
    }
  });

  it('report template mistakes CloudFormation would reject', async () => {
    const cases: Array<[string, string]> = [
      ['!FindInMap [Users, dev, Uid]', 'resource Task: Fn::FindInMap: Mappings has no Users.dev.Uid'],
      ['!Select [5, ["a"]]', 'resource Task: Fn::Select index 5 is out of range for 1 items'],
      ['!Join ":"', 'resource Task: Fn::Join needs [delimiter, list]'],
      ['{"Fn::Bogus": x}', 'resource Task: unknown intrinsic function Fn::Bogus'],
      ['!Ref', 'resource Task: Ref needs the name of a parameter or resource'],
    ];
    for (const [yaml, message] of cases) {
      const { node, errors, warnings } = await user(yaml);
      assert.equal(node.kind, 'unresolved', yaml);
      assert.deepEqual(errors, [], yaml);
      assert.deepEqual(
        warnings.map((e) => [e.line, e.column, e.message]),
        [[25, 17, message]],
        yaml,
      );
    }
  });
});

describe('conditions fixture: !If on a scalar, a container and the list', () => {
  it('keeps "true" strings as strings and numbers as written', async () => {
    const output = await loadFixture('conditions.yaml');
    assert.deepEqual(output.errors, []);
    const def = definition(output, 'AgentTaskDefinition');
    assert.deepEqual(at(def, 'containerDefinitions', 0, 'essential'), {
      kind: 'string',
      value: 'true',
      range: at(def, 'containerDefinitions', 0, 'essential').range,
      syntax: 'yaml',
    });
    const uid = at(def, 'containerDefinitions', 2, 'user');
    assert.deepEqual([uid.kind, uid.kind === 'number' && uid.raw, span(uid)], ['number', '0', '81:17-81:18']);
    const zeroZero = at(def, 'containerDefinitions', 3, 'user');
    assert.deepEqual([zeroZero.kind, zeroZero.kind === 'number' && zeroZero.raw], ['number', '00']);
    assert.equal(at(def, 'containerDefinitions', 0, 'healthCheck').kind, 'null');
  });

  it('maps PascalCase to ECS keys, keeping user maps and irregular names', async () => {
    const def = definition(await loadFixture('conditions.yaml'), 'AgentTaskDefinition');
    assert.equal(def.resource.family, 'staging-agent');
    assert.deepEqual(toPlain(at(def, 'tags')), [{ key: 'team', value: 'platform' }]);
    assert.deepEqual(toPlain(at(def, 'runtimePlatform')), { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' });
    assert.deepEqual(toPlain(at(def, 'volumes')), [
      {
        name: 'data',
        efsVolumeConfiguration: { filesystemId: 'fs-12345678', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } },
      },
    ]);
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'dockerLabels')), { 'com.example.Team': 'platform' });
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'linuxParameters')), {
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
    });
    const networkMode = at(def, 'networkMode');
    assert.deepEqual(
      [describeValue(networkMode), span(networkMode), networkMode.origin?.expression],
      ['"host"', '21:13-21:17', '!FindInMap [NetworkByEnvironment, !Ref Environment, Mode]'],
    );
  });

  it('a container under !If and a list under !If become conditionals', async () => {
    const output = await loadFixture('conditions.yaml');
    const sidecar = at(definition(output, 'AgentTaskDefinition'), 'containerDefinitions', 1);
    assert.equal(sidecar.kind, 'conditional');
    assert.deepEqual(
      variants(sidecar).map((v) => [v.node?.kind, v.assumptions]),
      [
        ['object', [{ condition: 'WithSidecar', outcome: true }]],
        ['null', [{ condition: 'WithSidecar', outcome: false }]],
      ],
    );
    const list = at(definition(output, 'ConditionalListTaskDefinition'), 'containerDefinitions');
    assert.equal(list.kind, 'conditional');
    assert.deepEqual(
      variants(list).map((v) => toPlain(v.node)),
      [[{ name: 'web', image: 'nginx', user: '1000:1000' }], [{ name: 'web', image: 'nginx', user: 'root' }]],
    );
  });
});
