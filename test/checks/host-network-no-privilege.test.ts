import { unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });

ruleTester('host-network-no-privilege', {
  valid: [
    {
      name: 'host mode, user absent (passes, as CIS 3.1 reads it)',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app()] },
    },
    {
      name: 'host mode, non-root and not privileged',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000', privileged: false })] },
    },
    {
      name: 'privileged root in bridge mode is not this check',
      body: { family: 'web', networkMode: 'bridge', containerDefinitions: [app({ user: 'root', privileged: true })] },
    },
  ],
  invalid: [
    {
      name: 'privileged and root in host mode: both fixed',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: 'root', privileged: true })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'in host network mode, privileged is true and user "root" is the root user',
          severity: 'high',
        },
      ],
      output: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000:1000', privileged: false })] },
    },
    {
      name: 'uid 0 alone: an absent privileged stays absent',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '0' })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'in host network mode, user "0" is uid 0 (root)',
        },
      ],
      output: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000:1000' })] },
    },
    {
      name: '--network-mode awsvpc switches the mode and leaves the container',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ privileged: true })] },
      options: { networkMode: 'awsvpc' },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'in host network mode, privileged is true',
        },
      ],
      output: { family: 'agent', networkMode: 'awsvpc', containerDefinitions: [app({ privileged: true })] },
    },
  ],
  model: [
    {
      name: 'an unresolved privileged in host mode is UNKNOWN',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app({ user: '1000' })] },
      nodes: [{ container: 0, key: 'privileged', node: unresolved('!Ref Privileged') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].privileged',
          container: 'app',
          message: 'privileged is !Ref Privileged, which cannot be resolved',
        },
      ],
    },
  ],
});
