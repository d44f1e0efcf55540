import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlain } from '../../../src/model/value.js';
import { type ConfigurationItem, mapConfigurationItem, readConfigurationItem } from '../../../src/sources/config/configuration-item.js';

const ARN = 'arn:aws:ecs:eu-west-1:222222222222:task-definition/node-exporter:7';

/**
 * A configuration item as AWS Config records an ECS task definition: the
 * field names follow AWS Config's resource schema for AWS::ECS::TaskDefinition
 * (configuration.ContainerDefinitions.Privileged, configuration.NetworkMode,
 * configuration.Volumes.EfsVolumeConfiguration.FileSystemId, tags.key/value …).
 */
const item: ConfigurationItem = {
  accountId: '222222222222',
  awsRegion: 'eu-west-1',
  arn: ARN,
  resourceId: ARN,
  resourceName: 'node-exporter:7',
  resourceType: 'AWS::ECS::TaskDefinition',
  configurationItemStatus: 'OK',
  configurationItemCaptureTime: '2026-03-02T10:15:00.000Z',
  configuration: {
    TaskDefinitionArn: ARN,
    Family: 'node-exporter',
    Status: 'ACTIVE',
    NetworkMode: 'host',
    PidMode: 'host',
    RequiresCompatibilities: ['EC2'],
    ContainerDefinitions: [
      {
        Name: 'node-exporter',
        Image: 'quay.io/prometheus/node-exporter:v1.8.2',
        Privileged: true,
        User: '65534',
        DockerLabels: { 'com.example.Team': 'observability', PRIVILEGED: 'label text, not a field' },
        LinuxParameters: { Capabilities: { Add: ['SYS_ADMIN'], Drop: [] } },
        LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/node-exporter' } },
      },
    ],
    Volumes: [{ Name: 'data', EfsVolumeConfiguration: { FileSystemId: 'fs-12345678', TransitEncryption: 'ENABLED' } }],
  },
  tags: [{ key: 'team', value: 'observability' }],
};

describe('AWS Config configuration item → model', () => {
  it('maps the PascalCase configuration to ECS API keys, keeping user maps and the item tags', () => {
    const mapped = mapConfigurationItem(item);
    assert.equal(mapped.kind, 'definition');
    if (mapped.kind !== 'definition') return;
    assert.deepEqual(mapped.definition.resource, {
      kind: 'aws',
      source: 'aws',
      id: ARN,
      arn: ARN,
      region: 'eu-west-1',
      family: 'node-exporter',
      revision: 7,
      accountId: '222222222222',
    });
    assert.deepEqual(toPlain(mapped.definition.body), {
      taskDefinitionArn: ARN,
      family: 'node-exporter',
      status: 'ACTIVE',
      networkMode: 'host',
      pidMode: 'host',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: 'node-exporter',
          image: 'quay.io/prometheus/node-exporter:v1.8.2',
          privileged: true,
          user: '65534',
          dockerLabels: { 'com.example.Team': 'observability', PRIVILEGED: 'label text, not a field' },
          linuxParameters: { capabilities: { add: ['SYS_ADMIN'], drop: [] } },
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/node-exporter' } },
        },
      ],
      volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED' } }],
      tags: [{ key: 'team', value: 'observability' }],
    });
  });

  it('reads the change-notification shape (tags as a map) and the history shape (configuration as a JSON string)', () => {
    const fromEvent = mapConfigurationItem({ ...item, tags: { team: 'observability' } });
    const fromHistory = mapConfigurationItem({
      ...item,
      configuration: JSON.stringify(item.configuration),
      tags: { team: 'observability' },
    });
    const expected = mapConfigurationItem(item);
    assert.deepEqual(fromEvent, expected);
    assert.deepEqual(fromHistory, expected);
  });

  it('takes the ARN from configuration, arn or resourceId, whichever is present', () => {
    const { arn: _a, resourceId: _r, ...bare } = item;
    const mapped = mapConfigurationItem(bare);
    assert.equal(mapped.kind === 'definition' && mapped.definition.resource.arn, ARN);
  });

  it('a deleted item is not evaluated', () => {
    assert.deepEqual(mapConfigurationItem({ ...item, configurationItemStatus: 'ResourceDeleted', configuration: null }), {
      kind: 'deleted',
      resource: {
        kind: 'aws',
        source: 'aws',
        id: ARN,
        arn: ARN,
        region: 'eu-west-1',
        family: 'node-exporter',
        revision: 7,
        accountId: '222222222222',
      },
    });
  });

  it('broken items are errors, never a pass', () => {
    const notJson = mapConfigurationItem({ ...item, configuration: '{"TaskDefinitionArn": "' + ARN + '", "ContainerDefinitions": [' });
    assert.deepEqual(notJson.kind === 'error' && [notJson.error.message, notJson.resource?.arn], [
      "the configuration item's configuration is not valid JSON",
      ARN,
    ]);
    const empty = mapConfigurationItem({ ...item, configuration: null });
    assert.deepEqual(empty.kind === 'error' && empty.error.message, 'configuration item has no configuration (status OK)');
    const other = mapConfigurationItem({ ...item, resourceType: 'AWS::ECS::Service' });
    assert.deepEqual(
      other.kind === 'error' && other.error.message,
      'configuration item is a AWS::ECS::Service, not an AWS::ECS::TaskDefinition',
    );
    const anonymous = mapConfigurationItem({ configurationItemStatus: 'OK', configuration: { ContainerDefinitions: [] } });
    assert.equal(anonymous.kind, 'error');
  });

  it('keys that rename alike keep one entry, where the first was, with the last value; a configuration tags key gives way', () => {
    const mapped = mapConfigurationItem({
      ...item,
      configuration: JSON.parse(
        `{"TaskDefinitionArn": "${ARN}", "Cpu": "256", "NetworkMode": "host", "cpu": "512", "tags": "inline", "Tags": [1],` +
          '"ContainerDefinitions": [{"Name": "app", "Privileged": true, "name": "shadow", ' +
          '"DockerLabels": {"2": "b", "1": "a", "Key": "v"}}]}',
      ) as unknown,
      tags: { team: 'platform' },
    });
    assert.equal(mapped.kind, 'definition');
    if (mapped.kind !== 'definition') return;
    const body = mapped.definition.body;
    assert.deepEqual(
      body.entries.map((e) => [e.key, e.sourceKey]),
      [
        ['taskDefinitionArn', 'taskDefinitionArn'],
        ['cpu', 'cpu'],
        ['networkMode', 'networkMode'],
        ['tags', 'tags'],
        ['containerDefinitions', 'containerDefinitions'],
      ],
    );
    assert.deepEqual(toPlain(body), {
      taskDefinitionArn: ARN,
      cpu: '512',
      networkMode: 'host',
      tags: [{ key: 'team', value: 'platform' }],
      containerDefinitions: [{ name: 'shadow', privileged: true, dockerLabels: { 1: 'a', 2: 'b', Key: 'v' } }],
    });
  });

  it('readConfigurationItem names the resource without mapping the configuration', () => {
    const read = readConfigurationItem(item);
    assert.deepEqual(read.kind === 'definition' && [read.resource.family, read.resource.revision], ['node-exporter', 7]);
    assert.deepEqual(readConfigurationItem({ ...item, configuration: null }).kind, 'error');
  });
});
