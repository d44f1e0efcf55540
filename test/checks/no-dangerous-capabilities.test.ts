import { ruleTester } from '../support/rule-tester.js';
import { unresolved } from '../support/task-definitions.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });
const add = (...names: string[]) => ({ linuxParameters: { capabilities: { drop: ['ALL'], add: names } } });

ruleTester('no-dangerous-capabilities', {
  valid: [
    { name: 'no linuxParameters', body: { family: 'web', containerDefinitions: [app()] } },
    { name: 'a narrow capability', body: { family: 'web', containerDefinitions: [app(add('NET_BIND_SERVICE', 'CHOWN'))] } },
    {
      name: 'privileged: left to no-privileged-containers',
      body: { family: 'web', containerDefinitions: [app({ privileged: true, ...add('SYS_ADMIN') })] },
    },
    { name: 'an empty devices list', body: { family: 'web', containerDefinitions: [app({ linuxParameters: { devices: [] } })] } },
  ],
  invalid: [
    {
      name: 'SYS_ADMIN',
      body: { family: 'web', containerDefinitions: [app(add('SYS_ADMIN'))] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.capabilities.add',
          container: 'app',
          message: 'container "app": linuxParameters.capabilities.add grants "SYS_ADMIN"',
          severity: 'high',
        },
      ],
    },
    {
      name: 'every dangerous one, in any case and with a CAP_ prefix',
      body: {
        family: 'web',
        containerDefinitions: [
          app(add('NET_BIND_SERVICE', 'cap_sys_ptrace', 'NET_ADMIN', 'NET_RAW', 'SYS_MODULE', 'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'ALL')),
        ],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.capabilities.add',
          container: 'app',
          message:
            'container "app": linuxParameters.capabilities.add grants "cap_sys_ptrace", "NET_ADMIN", "NET_RAW", "SYS_MODULE", ' +
            '"DAC_READ_SEARCH", "BPF", "PERFMON", "ALL"',
        },
      ],
    },
    {
      name: 'a host device',
      body: {
        family: 'gpu',
        containerDefinitions: [
          app({
            linuxParameters: { devices: [{ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: ['read', 'write', 'mknod'] }] },
          }),
        ],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.devices',
          container: 'app',
          message: 'container "app": linuxParameters.devices maps a host device into the container',
        },
      ],
    },
  ],
  model: [
    {
      name: 'unresolved privileged makes a dangerous add UNKNOWN',
      body: { family: 'web', containerDefinitions: [app(add('SYS_ADMIN'))] },
      nodes: [{ container: 0, key: 'privileged', node: unresolved('var.privileged') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].linuxParameters.capabilities.add',
          container: 'app',
          message:
            'container "app": linuxParameters.capabilities.add grants "SYS_ADMIN", unless the container is privileged: privileged is ' +
            'var.privileged, which cannot be resolved',
        },
      ],
    },
  ],
});
