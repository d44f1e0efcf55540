import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, toPlain } from '../../../src/model/value.js';
import { terraformPlan } from '../../../src/sources/terraform/index.js';
import { normalizeVolumes } from '../../../src/sources/terraform/volumes.js';
import { fromPlain } from '../../../src/model/value.js';

/** The provider's shape in `terraform show -json`: nested blocks are lists, host_path is flat and "" when unused. */
const PLAN_VOLUMES = [
  {
    name: 'docker-sock',
    host_path: '/var/run/docker.sock',
    configure_at_launch: false,
    docker_volume_configuration: [],
    efs_volume_configuration: [],
    fsx_windows_file_server_volume_configuration: [],
  },
  {
    name: 'shared',
    host_path: '',
    configure_at_launch: false,
    docker_volume_configuration: [],
    efs_volume_configuration: [
      {
        file_system_id: 'fs-0123456789abcdef0',
        root_directory: '/',
        transit_encryption: 'ENABLED',
        transit_encryption_port: 0,
        authorization_config: [{ access_point_id: 'fsap-0123456789abcdef0', iam: 'ENABLED' }],
      },
    ],
    fsx_windows_file_server_volume_configuration: [],
  },
];

describe('Terraform volumes in ECS API shape', () => {
  it('a plan: single nested blocks become objects, empty ones go, host_path becomes host.sourcePath', async () => {
    const text = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'aws_ecs_task_definition.agent',
              mode: 'managed',
              type: 'aws_ecs_task_definition',
              name: 'agent',
              values: { family: 'agent', container_definitions: '[{"name":"agent","image":"agent:1"}]', volume: PLAN_VOLUMES },
            },
          ],
        },
      },
    });
    const output = await terraformPlan.load([{ path: 'plan.json', text }], {});
    assert.deepEqual(output.errors, []);
    const body = output.definitions[0]!.body;
    assert.deepEqual(toPlain(field(body, 'volumes')), [
      { name: 'docker-sock', host: { sourcePath: '/var/run/docker.sock' }, configureAtLaunch: false },
      {
        name: 'shared',
        configureAtLaunch: false,
        efsVolumeConfiguration: {
          fileSystemId: 'fs-0123456789abcdef0',
          rootDirectory: '/',
          transitEncryption: 'ENABLED',
          transitEncryptionPort: 0,
          authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0', iam: 'ENABLED' },
        },
      },
    ]);
    // The path keeps its place in the plan file: findings and fixes point at host_path.
    const volumes = field(body, 'volumes');
    const host = field(field(volumes?.kind === 'array' ? volumes.items[0] : undefined, 'host'), 'sourcePath');
    assert.equal(host?.range?.start.line, 1);
    assert.equal(host?.syntax, 'json');
  });

  it('leaves unresolved and conditional volumes to the checks', () => {
    const unresolved = { kind: 'unresolved', expression: 'var.volumes' } as const;
    assert.equal(normalizeVolumes(unresolved), unresolved);
    const conditional = normalizeVolumes({
      kind: 'conditional',
      condition: 'var.debug',
      whenTrue: fromPlain([{ name: 'x', hostPath: '/proc' }]),
      whenFalse: fromPlain([]),
    });
    assert.equal(conditional.kind, 'conditional');
    assert.deepEqual(toPlain(conditional.kind === 'conditional' ? conditional.whenTrue : undefined), [
      { name: 'x', host: { sourcePath: '/proc' } },
    ]);
  });
});
