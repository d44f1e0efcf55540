import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import { toPlain } from '../../../src/model/value.js';
import { FIXTURES, at, definition, loadFixture, loadText, span } from './load.js';

const brief = (f: Finding) => [f.status, f.checkId, f.location ? `${f.location.start.line}:${f.location.start.column}` : '-', f.message];

describe('multi-line quoted scalars indented only as far as their key (CloudFormation reads them)', () => {
  it('the file is read: values fold as YAML folds them, and positions are those of the file', async () => {
    const output = await loadFixture('quoted-continuation.yaml');
    assert.deepEqual(output.errors, []);
    const def = definition(output, 'NodeExporterTaskDefinition');
    assert.deepEqual(toPlain(at(def, 'containerDefinitions', 0, 'dockerLabels')), {
      'com.example.description': "Exports host metrics to the cluster's Prometheus",
    });
    assert.equal(span(at(def, 'containerDefinitions', 0, 'dockerLabels', 'com.example.description')), '19:38-20:41');
    assert.equal(span(at(def, 'containerDefinitions', 0, 'privileged')), '21:23-21:27');
    assert.equal(span(at(def, 'containerDefinitions', 0, 'user')), '22:17-22:20');
    assert.equal(span(def), '5:3-22:20');
  });

  it('through scan(): the privileged root container in host mode fails at its lines', async () => {
    const result = await scan({ paths: [path.join(FIXTURES, 'quoted-continuation.yaml')], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.findings.map(brief), [
      ['FAIL', 'no-host-network', '12:20', 'networkMode is "host"'],
      ['FAIL', 'no-privileged-containers', '21:23', 'container "node-exporter": privileged is true'],
      [
        'FAIL',
        'host-network-no-privilege',
        '21:23',
        'container "node-exporter": in host network mode, privileged is true and user "0" is uid 0 (root)',
      ],
      ['FAIL', 'no-root-user', '22:17', 'container "node-exporter": user "0" is uid 0 (root)'],
      ['FAIL', 'host-network-nonroot-user', '22:17', 'container "node-exporter": in host network mode, user "0" is uid 0 (root)'],
    ]);
  });

  it('an unterminated quote is still a syntax error, with no task definitions from the file', async () => {
    const output = await loadText(`Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: 'app
          Privileged: true
`);
    assert.deepEqual(output.definitions, []);
    assert.deepEqual(
      output.errors.map((e) => [e.line, e.column, e.message.split('\n')[0]]),
      // The quote runs to the end of the file: the error is where the file ends.
      [[8, 1, "invalid YAML: Missing closing 'quote"]],
    );
  });
});
