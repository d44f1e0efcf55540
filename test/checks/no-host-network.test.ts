import { conditional, str, unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = { name: 'app', image: 'example/app:1', user: '1000' };

ruleTester('no-host-network', {
  valid: [
    { name: 'awsvpc', body: { family: 'web', networkMode: 'awsvpc', containerDefinitions: [app] } },
    { name: 'bridge', body: { family: 'web', networkMode: 'bridge', containerDefinitions: [app] } },
    { name: 'absent (bridge on Linux)', body: { family: 'web', containerDefinitions: [app] } },
  ],
  invalid: [
    {
      name: 'host, kept by default: a manual fix',
      body: { family: 'agent', networkMode: 'host', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'networkMode', message: 'networkMode is "host"', severity: 'medium' }],
      output: { family: 'agent', networkMode: 'host', containerDefinitions: [app] },
    },
    {
      name: 'host → awsvpc with --network-mode awsvpc',
      body: { family: 'agent', networkMode: 'HOST', cpu: '256', containerDefinitions: [app] },
      options: { networkMode: 'awsvpc' },
      findings: [{ status: 'FAIL', field: 'networkMode', message: 'networkMode is "HOST"' }],
      output: { family: 'agent', networkMode: 'awsvpc', cpu: '256', containerDefinitions: [app] },
    },
  ],
  model: [
    {
      name: 'unresolved is UNKNOWN',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.networkMode = unresolved('var.network_mode');
      },
      findings: [{ status: 'UNKNOWN', field: 'networkMode', message: 'networkMode is var.network_mode, which cannot be resolved' }],
    },
    {
      name: 'host on one branch states the condition',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.networkMode = conditional('OnHost', str('host'), str('awsvpc'));
      },
      findings: [{ status: 'FAIL', field: 'networkMode', message: 'networkMode is "host" when condition OnHost is true' }],
    },
  ],
});
