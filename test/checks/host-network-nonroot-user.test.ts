import { unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });

ruleTester('host-network-nonroot-user', {
  valid: [
    {
      name: 'host mode with a non-root user',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000:1000' })] },
    },
    {
      name: 'root outside host mode is not this check',
      body: { family: 'web', networkMode: 'bridge', containerDefinitions: [app({ user: 'root' })] },
    },
    { name: 'networkMode absent', body: { family: 'web', containerDefinitions: [app()] } },
  ],
  invalid: [
    {
      name: 'host mode without a user: the user is written',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app()] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'container "app": in host network mode, user is not set',
          severity: 'high',
        },
      ],
      output: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000:1000' })] },
    },
    {
      name: "privileged gives no exemption; only the user is this check's fix",
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: 'root', privileged: true })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'in host network mode, user "root" is the root user',
        },
      ],
      output: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000:1000', privileged: true })] },
    },
    {
      name: '--network-mode awsvpc leaves host networking instead',
      body: {
        family: 'agent',
        networkMode: 'host',
        containerDefinitions: [app({ portMappings: [{ containerPort: 8125, hostPort: 8125 }] })],
      },
      options: { networkMode: 'awsvpc' },
      findings: [
        { status: 'FAIL', field: 'containerDefinitions[0].user', container: 'app', message: 'in host network mode, user is not set' },
      ],
      output: {
        family: 'agent',
        networkMode: 'awsvpc',
        containerDefinitions: [app({ portMappings: [{ containerPort: 8125, hostPort: 8125 }] })],
      },
    },
  ],
  model: [
    {
      name: 'an unresolved network mode with a root user is UNKNOWN, blamed on the mode',
      body: { family: 'agent', containerDefinitions: [app({ user: 'root' })] },
      patch: (td) => {
        td.networkMode = unresolved('var.network_mode');
      },
      findings: [
        { status: 'UNKNOWN', field: 'networkMode', container: 'app', message: 'networkMode is var.network_mode, which cannot be resolved' },
      ],
    },
  ],
});
