import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { toPlain } from '../../../src/model/value.js';
import { FIXTURES, at, definition, loadFixture, loadText, span } from './load.js';

const brief = (f: Finding) => [
  f.status,
  f.checkId,
  f.resource.id,
  f.container ?? '-',
  f.location ? `${f.location.start.line}:${f.location.start.column}` : '-',
  f.message,
];

describe('Fn::ForEach (AWS::LanguageExtensions) over a collection known offline', () => {
  it('Resources loops become one resource per item, named by the output key; ${} and &{} are replaced', async () => {
    const output = await loadFixture('for-each-services.yaml');
    assert.deepEqual(output.errors, []);
    assert.deepEqual(
      output.definitions.map((d) => [d.resource.id, d.resource.family ?? '-', span(d)]),
      [
        ['ordersConsumerTaskDefinition', 'orders-consumer', '15:7-25:37'],
        ['invoicesConsumerTaskDefinition', 'invoices-consumer', '15:7-25:37'],
        // &{Agent} drops the characters that are not alphanumeric: log-router → logrouter.
        ['AgentlogrouterTaskDefinition', '-', '29:7-41:51'],
        ['AgentmetricsagentTaskDefinition', '-', '29:7-41:51'],
      ],
    );
    const orders = definition(output, 'ordersConsumerTaskDefinition');
    assert.deepEqual(toPlain(at(orders, 'containerDefinitions')), [
      { name: 'orders', image: 'example/consumer:2.7', user: '1000:1000', environment: [{ name: 'QUEUE', value: 'orders' }] },
    ]);
    // The item comes from the list parameter's Default (line 7); the Ref to the identifier is its origin.
    const name = at(orders, 'containerDefinitions', 0, 'name');
    assert.deepEqual([span(name), name.origin?.expression], ['7:14-7:29', '!Ref Consumer (Fn::ForEach::Consumers)']);
    const queue = at(orders, 'containerDefinitions', 0, 'environment', 0, 'value');
    assert.deepEqual([span(queue), queue.origin?.expression], ['25:26-25:37', '${Consumer} (Fn::ForEach::Consumers)']);
  });

  it('a loop inside Properties expands into keys, nested in another loop', async () => {
    const def = definition(await loadFixture('for-each-services.yaml'), 'AgentmetricsagentTaskDefinition');
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'dockerLabels')), {
      'com.example.team': 'platform',
      'com.example.tier': 'platform',
    });
  });

  it('through scan(): every generated task definition is checked, at the lines of the loop body', async () => {
    const result = await scan({ paths: [path.join(FIXTURES, 'for-each-services.yaml')], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.filter((f) => f.checkId === 'no-privileged-containers' || f.checkId === 'no-host-network').map(brief),
      [
        ['FAIL', 'no-host-network', 'AgentlogrouterTaskDefinition', '-', '32:24', 'networkMode is "host"'],
        ['FAIL', 'no-host-network', 'AgentmetricsagentTaskDefinition', '-', '32:24', 'networkMode is "host"'],
        [
          'FAIL',
          'no-privileged-containers',
          'AgentlogrouterTaskDefinition',
          'log-router',
          '36:27',
          'container "log-router": privileged is true',
        ],
        [
          'FAIL',
          'no-privileged-containers',
          'AgentmetricsagentTaskDefinition',
          'metrics.agent',
          '36:27',
          'container "metrics.agent": privileged is true',
        ],
      ],
    );
    // The consumers set a non-root user and no privilege: nothing to report for them.
    assert.deepEqual(
      result.findings.filter((f) => f.resource.id.includes('Consumer')),
      [],
    );
  });
});

describe('Fn::ForEach in a JSON template', () => {
  it('expands the same way; ${} inside Fn::Sub is the item', async () => {
    const output = await loadText(
      `{
  "Transform": "AWS::LanguageExtensions",
  "Resources": {
    "Fn::ForEach::Workers": ["Name", ["alpha", "beta"], {
      "\${Name}TaskDefinition": {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {"ContainerDefinitions": [{"Name": {"Ref": "Name"}, "Privileged": true, "User": {"Fn::Sub": "\${Name}"}}]}
      }
    }]
  }
}
`,
      'workers.json',
    );
    assert.deepEqual(output.errors, []);
    assert.deepEqual(
      output.definitions.map((d) => [
        d.resource.id,
        toPlain(at(d, 'containerDefinitions')),
        span(at(d, 'containerDefinitions', 0, 'privileged')),
      ]),
      [
        ['alphaTaskDefinition', [{ name: 'alpha', privileged: true, user: 'alpha' }], '7:89-7:93'],
        ['betaTaskDefinition', [{ name: 'beta', privileged: true, user: 'beta' }], '7:89-7:93'],
      ],
    );
  });
});

describe('Fn::ForEach that cannot be expanded offline', () => {
  const template = (collection: string) => `Transform: AWS::LanguageExtensions
Parameters:
  Queues:
    Type: CommaDelimitedList
Resources:
  Fn::ForEach::Workers:
    - Queue
    - ${collection}
    - \${Queue}TaskDefinition:
        Type: AWS::ECS::TaskDefinition
        Properties:
          ContainerDefinitions:
            - Name: !Ref Queue
              Privileged: true
  ApiTaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          User: '1000'
`;

  it('a collection known only at deployment: "not supported offline" at the collection; the other resources are read', async () => {
    const cases: Array<[string, string]> = [
      ['!Ref Queues', 'the collection !Ref Queues cannot be expanded offline (parameter Queues has no Default)'],
      [
        '!Split [",", !ImportValue queue-names]',
        'the collection !Split [",", !ImportValue queue-names] cannot be expanded offline (Fn::Split of !ImportValue queue-names)',
      ],
    ];
    for (const [collection, why] of cases) {
      const output = await loadText(template(collection));
      assert.deepEqual(
        output.errors.map((e) => [e.line, e.column, e.message]),
        [[8, 7, `not supported offline: Fn::ForEach::Workers: ${why}`]],
        collection,
      );
      assert.deepEqual(
        output.definitions.map((d) => d.resource.id),
        ['ApiTaskDefinition'],
        collection,
      );
    }
  });

  it('a loop that is not [identifier, collection, fragment] is reported, not "must be a mapping"', async () => {
    const output = await loadText(`Resources:
  Fn::ForEach::Workers:
    - Queue
    - [orders]
`);
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.message]),
      [[3, 5, 'not supported offline: Fn::ForEach::Workers: needs [identifier, collection, {output key: output value}]']],
    );
  });
});
