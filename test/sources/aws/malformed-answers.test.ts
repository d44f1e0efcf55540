import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { malformedDescription } from '../../../src/sources/aws/ecs-api.js';
import { type EcsEmulator, startEcsEmulator } from '../../support/ecs-emulator/index.js';
import { arn, liveSource, scanLive } from './helpers.js';

const CHECK_COUNT = 5;

describe('a DescribeTaskDefinition answer that cannot be the revision asked for is an error, never PASS', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startEcsEmulator({ regions: ['us-east-1'] });
    const stored = emulator.account.registerTaskDefinition('us-east-1', {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx', privileged: true }],
    });
    // A broken answer: the revision without its containers.
    delete stored.taskDefinition['containerDefinitions'];
  });
  after(() => emulator.stop());

  it('an answer without containerDefinitions: ERROR for every check, and a scan error naming region and operation', async () => {
    const result = await scanLive(liveSource(emulator, { scope: 'latest', regions: ['us-east-1'] }), true);
    const web = arn('us-east-1', 'web:1');
    assert.deepEqual(
      result.findings.map((f) => [f.resource.arn, f.status]),
      Array.from({ length: CHECK_COUNT }, () => [web, 'ERROR']),
    );
    assert.match(result.findings[0]?.message ?? '', new RegExp(`DescribeTaskDefinition answered ${web} without containerDefinitions`));
  });

  it('answers for another revision or family, or without containers, are named; matching ones pass', () => {
    const web3 = arn('us-east-1', 'web:3');
    const db1 = arn('us-east-1', 'db:1');
    const containers = [{ name: 'app' }];
    const cases: Array<[string, { taskDefinitionArn?: string; containerDefinitions?: unknown }, string | undefined]> = [
      [web3, { taskDefinitionArn: web3, containerDefinitions: containers }, undefined],
      ['web:3', { taskDefinitionArn: web3, containerDefinitions: containers }, undefined],
      ['web', { taskDefinitionArn: web3, containerDefinitions: containers }, undefined],
      [web3, { taskDefinitionArn: db1, containerDefinitions: containers }, `answered ${db1} when asked for ${web3}`],
      ['web:2', { taskDefinitionArn: web3, containerDefinitions: containers }, `answered ${web3} when asked for web:2`],
      ['api', { taskDefinitionArn: web3, containerDefinitions: containers }, `answered ${web3} when asked for api`],
      [web3, { taskDefinitionArn: web3, containerDefinitions: null }, `answered ${web3} without containerDefinitions`],
      [web3, { taskDefinitionArn: web3, containerDefinitions: [] }, `answered ${web3} without containerDefinitions`],
    ];
    for (const [reference, answer, expected] of cases) assert.equal(malformedDescription(reference, answer), expected, reference);
  });
});
