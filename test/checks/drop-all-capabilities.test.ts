import { ruleTester } from '../support/rule-tester.js';
import { str, unresolved } from '../support/task-definitions.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });
const caps = (capabilities: Record<string, unknown>) => ({ linuxParameters: { capabilities } });

ruleTester('drop-all-capabilities', {
  valid: [
    { name: 'drop ALL', body: { family: 'web', containerDefinitions: [app(caps({ drop: ['ALL'] }))] } },
    {
      name: 'drop all in lower case with an add list',
      body: { family: 'web', containerDefinitions: [app(caps({ drop: ['all'], add: ['NET_BIND_SERVICE'] }))] },
    },
    { name: 'drop CAP_ALL', body: { family: 'web', containerDefinitions: [app(caps({ drop: ['CAP_ALL'] }))] } },
    {
      name: 'Windows: not applicable',
      body: { family: 'win', runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2019_FULL' }, containerDefinitions: [app()] },
    },
  ],
  invalid: [
    {
      name: 'no linuxParameters',
      body: { family: 'web', containerDefinitions: [app()] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.capabilities.drop',
          container: 'app',
          message: 'container "app": linuxParameters.capabilities.drop is not set, so the default capabilities stay',
          severity: 'medium',
        },
      ],
      output: { family: 'web', containerDefinitions: [app(caps({ drop: ['ALL'] }))] },
    },
    {
      name: 'linuxParameters without capabilities: the list is created inside it, initProcessEnabled kept',
      body: { family: 'web', containerDefinitions: [app({ linuxParameters: { initProcessEnabled: true } })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.capabilities.drop',
          container: 'app',
          message: 'drop is not set',
        },
      ],
      output: {
        family: 'web',
        containerDefinitions: [app({ linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } } })],
      },
    },
    {
      name: 'drop without ALL names what it drops',
      body: { family: 'web', containerDefinitions: [app(caps({ drop: ['NET_RAW', 'MKNOD'] }))] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].linuxParameters.capabilities.drop',
          container: 'app',
          message: 'container "app": linuxParameters.capabilities.drop is ["NET_RAW", "MKNOD"], which does not contain ALL',
        },
      ],
      output: { family: 'web', containerDefinitions: [app(caps({ drop: ['NET_RAW', 'MKNOD', 'ALL'] }))] },
    },
    {
      name: 'privileged overrides drop ALL',
      body: { family: 'web', containerDefinitions: [app({ privileged: true, ...caps({ drop: ['ALL'] }) })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'container "app": privileged is true, which grants every capability whatever drop says',
        },
      ],
      output: { family: 'web', containerDefinitions: [app({ privileged: false, ...caps({ drop: ['ALL'] }) })] },
    },
  ],
  model: [
    {
      name: 'an unresolved element and no ALL is UNKNOWN',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [
        {
          container: 0,
          key: 'linuxParameters',
          node: {
            kind: 'object',
            entries: [
              {
                key: 'capabilities',
                sourceKey: 'capabilities',
                value: {
                  kind: 'object',
                  entries: [
                    { key: 'drop', sourceKey: 'drop', value: { kind: 'array', items: [str('MKNOD'), unresolved('var.extra_drop')] } },
                  ],
                },
              },
            ],
          },
        },
      ],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].linuxParameters.capabilities.drop',
          container: 'app',
          message: 'container "app": linuxParameters.capabilities.drop has an element var.extra_drop, which cannot be resolved',
        },
      ],
    },
    {
      name: 'an unresolved linuxParameters is UNKNOWN',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'linuxParameters', node: unresolved('local.linux') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].linuxParameters.capabilities.drop',
          container: 'app',
          message: 'container "app": linuxParameters.capabilities.drop is local.linux, which cannot be resolved',
        },
      ],
    },
  ],
});
