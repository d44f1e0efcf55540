import { bool, conditional, unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', user: '1000', ...fields });

ruleTester('no-privileged-containers', {
  valid: [
    { name: 'privileged absent', body: { family: 'web', containerDefinitions: [app()] } },
    { name: 'privileged false', body: { family: 'web', containerDefinitions: [app({ privileged: false })] } },
    { name: 'privileged absent in host network mode', body: { family: 'agent', networkMode: 'host', containerDefinitions: [app()] } },
  ],
  invalid: [
    {
      name: 'privileged true becomes false (the key stays visible)',
      body: { family: 'web', containerDefinitions: [app({ privileged: true })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'container "app": privileged is true',
          severity: 'high',
        },
      ],
      output: { family: 'web', containerDefinitions: [app({ privileged: false })] },
    },
    {
      name: 'only the privileged sidecar, whatever the network mode',
      body: {
        family: 'agent',
        networkMode: 'bridge',
        containerDefinitions: [app(), { name: 'collector', image: 'example/collector:2', user: '1000', privileged: true, memory: 128 }],
      },
      findings: [{ status: 'FAIL', field: 'containerDefinitions[1].privileged', container: 'collector', message: 'privileged is true' }],
      output: {
        family: 'agent',
        networkMode: 'bridge',
        containerDefinitions: [app(), { name: 'collector', image: 'example/collector:2', user: '1000', privileged: false, memory: 128 }],
      },
    },
  ],
  model: [
    {
      name: 'an unresolved value is UNKNOWN, with the expression',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'privileged', node: unresolved('var.privileged') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'privileged is var.privileged, which cannot be resolved',
        },
      ],
    },
    {
      name: 'true on one branch of a condition states it',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'privileged', node: conditional('Debug', bool(true), bool(false)) }],
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'privileged is true when condition Debug is true',
        },
      ],
    },
  ],
});
