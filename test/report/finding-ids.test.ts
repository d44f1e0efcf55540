import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { selectChecks } from '../../src/checks/catalogue.js';
import { scanText } from '../../src/library/scan.js';
import { findingIdentity } from '../../src/baseline/identity.js';
import { fingerprint, sarifReporter } from '../../src/report/sarif.js';
import { stableFindingId } from '../../src/report/stable-id.js';

const ALL = selectChecks(['all'], undefined);

describe('finding ids in SARIF, ASFF and OCSF are unique per finding, and stable', () => {
  it('two EFS volumes of one task definition: two fingerprints and two ids', async () => {
    const text = JSON.stringify({
      family: 'efs',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: 'x', user: '1000', readonlyRootFilesystem: true }],
      volumes: [
        { name: 'v1', efsVolumeConfiguration: { fileSystemId: 'fs-1' } },
        { name: 'v2', efsVolumeConfiguration: { fileSystemId: 'fs-2' } },
      ],
    });
    const result = await scanText(text, { checks: ALL, filename: 'efs.json' });
    const efs = result.findings.filter((f) => f.checkId === 'efs-transit-encryption');
    assert.deepEqual(
      efs.map((f) => f.field),
      ['volumes[0].efsVolumeConfiguration', 'volumes[1].efsVolumeConfiguration'],
    );
    assert.equal(new Set(efs.map(fingerprint)).size, 2);
    assert.equal(new Set(efs.map(stableFindingId)).size, 2);
  });

  it('a container field keeps the id it always had (the container index is not part of it)', async () => {
    const text = JSON.stringify({
      family: 'web',
      containerDefinitions: [
        { name: 'b', image: 'x', user: '1000' },
        { name: 'a', image: 'x', privileged: true, user: '1000' },
      ],
    });
    const result = await scanText(text, { checks: ALL, filename: 'web.json' });
    const privileged = result.findings.find((f) => f.checkId === 'no-privileged-containers');
    assert.ok(privileged);
    assert.equal(privileged.field, 'containerDefinitions[1].privileged');
    const identity = findingIdentity({
      checkId: privileged.checkId,
      container: 'a',
      field: 'containerDefinitions[1].privileged',
      resource: privileged.resource,
    });
    assert.equal(stableFindingId(privileged), createHash('sha256').update(identity).digest('hex').slice(0, 32));
    const key = ['file', 'web.json', 'web', 'a', 'no-privileged-containers', 'containerDefinitions.privileged'].join('|');
    assert.equal(fingerprint(privileged), createHash('sha256').update(key).digest('hex').slice(0, 32));
  });

  it('two revisions of one family side by side in a JSON array are two resources', async () => {
    const text = JSON.stringify([
      { family: 'web', revision: 1, containerDefinitions: [{ name: 'a', image: 'x', privileged: true, user: '1000' }] },
      { family: 'web', revision: 2, containerDefinitions: [{ name: 'a', image: 'x', privileged: true, user: '1000' }] },
    ]);
    const result = await scanText(text, { checks: ALL, filename: 'revs.json' });
    const privileged = result.findings.filter((f) => f.checkId === 'no-privileged-containers');
    assert.deepEqual(
      privileged.map((f) => f.resource.id),
      ['web#0', 'web#1'],
    );
    assert.equal(new Set(privileged.map(fingerprint)).size, 2);
    assert.equal(new Set(privileged.map(stableFindingId)).size, 2);
  });

  it('SARIF artifact URIs percent-encode each path segment, # and ? included', async () => {
    const text = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'a', image: 'x', privileged: true, user: '1000' }] });
    const result = await scanText(text, { checks: ALL, filename: 'my dir/sp ace#frag?.json' });
    const sarif = JSON.parse(sarifReporter({ result, exitCode: 1 }, { color: false })) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    assert.equal(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri, 'my%20dir/sp%20ace%23frag%3F.json');
  });
});
