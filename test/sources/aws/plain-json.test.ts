import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainJson } from '../../../src/sources/aws/ecs-api.js';

describe('plainJson (the SDK answer as JSON)', () => {
  it('matches a JSON round trip on an SDK-shaped DescribeTaskDefinition answer', () => {
    const answer = {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
      registeredAt: new Date('2024-05-01T10:11:12.345Z'),
      deregisteredAt: undefined,
      cpu: '256',
      revision: 3,
      containerDefinitions: [
        { name: 'app', privileged: true, user: undefined, portMappings: [], environment: [{ name: 'A', value: '' }], memory: 0 },
        { name: 'sidecar', essential: false, dockerLabels: { 'com.example': 'x' }, ulimits: [undefined] },
      ],
      volumes: [],
      nothing: null,
      ratio: Number.NaN,
    };
    assert.deepEqual(plainJson(answer), JSON.parse(JSON.stringify(answer)));
  });
});
