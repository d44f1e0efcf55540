import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sensitiveHostPath } from '../../src/checks/no-sensitive-host-mounts.js';
import { ruleTester } from '../support/rule-tester.js';

const app = (mountPoints: unknown[]) => ({ name: 'app', image: 'example/app:1', mountPoints });
const host = (name: string, sourcePath: string) => ({ name, host: { sourcePath } });

it('sensitive paths match by path segment, after normalization', () => {
  assert.equal(sensitiveHostPath('/etc/ssl/certs'), '/etc');
  assert.equal(sensitiveHostPath('/var/lib/docker-registry'), undefined);
  assert.equal(sensitiveHostPath('/var/lib/docker/volumes'), '/var/lib/docker');
  assert.equal(sensitiveHostPath('//etc/'), '/etc');
  assert.equal(sensitiveHostPath('/srv/../etc'), '/etc');
  assert.equal(sensitiveHostPath('/'), '/');
  assert.equal(sensitiveHostPath('/etcetera'), undefined);
  assert.equal(sensitiveHostPath('/data'), undefined);
  assert.equal(sensitiveHostPath('C:\\ProgramData'), undefined);
});

ruleTester('no-sensitive-host-mounts', {
  valid: [
    {
      name: 'a data directory',
      body: {
        family: 'web',
        volumes: [host('data', '/data/app')],
        containerDefinitions: [app([{ sourceVolume: 'data', containerPath: '/data' }])],
      },
    },
    {
      name: 'the docker socket declared but mounted by no container',
      body: { family: 'web', volumes: [host('docker', '/var/run/docker.sock')], containerDefinitions: [app([])] },
    },
    {
      name: '/var/lib/docker-registry is not /var/lib/docker',
      body: {
        family: 'registry',
        volumes: [host('store', '/var/lib/docker-registry')],
        containerDefinitions: [app([{ sourceVolume: 'store', containerPath: '/var/lib/registry' }])],
      },
    },
    {
      name: 'an EFS volume',
      body: {
        family: 'web',
        volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-1234', transitEncryption: 'ENABLED' } }],
        containerDefinitions: [app([{ sourceVolume: 'shared', containerPath: '/mnt' }])],
      },
    },
  ],
  invalid: [
    {
      name: 'the docker socket read-write is high',
      body: {
        family: 'agent',
        volumes: [host('docker', '/var/run/docker.sock')],
        containerDefinitions: [app([{ sourceVolume: 'docker', containerPath: '/var/run/docker.sock' }])],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].mountPoints',
          container: 'app',
          message: 'container "app": it mounts host path "/var/run/docker.sock" from volume "docker" read-write',
          severity: 'high',
        },
      ],
    },
    {
      name: 'a path under /etc read-only is medium',
      body: {
        family: 'web',
        volumes: [host('certs', '/etc/ssl/certs')],
        containerDefinitions: [app([{ sourceVolume: 'certs', containerPath: '/etc/ssl/certs', readOnly: true }])],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].mountPoints',
          container: 'app',
          message: 'container "app": it mounts host path "/etc/ssl/certs" (under /etc) from volume "certs" read-only',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'the host root',
      body: {
        family: 'node-exporter',
        volumes: [host('root', '/'), host('proc', '/proc')],
        containerDefinitions: [
          app([
            { sourceVolume: 'root', containerPath: '/host', readOnly: true },
            { sourceVolume: 'proc', containerPath: '/host/proc' },
          ]),
        ],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].mountPoints',
          container: 'app',
          message:
            'container "app": it mounts host path "/" from volume "root" read-only; it mounts host path "/proc" from volume "proc" ' +
            'read-write',
          severity: 'high',
        },
      ],
    },
  ],
});
