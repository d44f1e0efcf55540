import { conditional, str, unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = { name: 'app', image: 'example/app:1', essential: true };

ruleTester('no-host-pid-namespace', {
  valid: [
    { name: 'pidMode absent', body: { family: 'web', containerDefinitions: [app] } },
    { name: 'pidMode task', body: { family: 'web', pidMode: 'task', containerDefinitions: [app] } },
  ],
  invalid: [
    {
      name: 'pidMode host is removed',
      body: { family: 'agent', pidMode: 'host', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "host"', severity: 'high' }],
      output: { family: 'agent', containerDefinitions: [app] },
    },
    {
      name: 'pidMode HOST in another case, between other task fields',
      body: { family: 'agent', pidMode: 'HOST', cpu: '256', memory: '512', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "HOST"' }],
      output: { family: 'agent', cpu: '256', memory: '512', containerDefinitions: [app] },
    },
  ],
  model: [
    {
      name: 'pidMode unresolved is UNKNOWN with the expression',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.pidMode = unresolved('var.pid_mode');
      },
      findings: [{ status: 'UNKNOWN', field: 'pidMode', message: 'pidMode is var.pid_mode, which cannot be resolved' }],
    },
    {
      name: 'pidMode host on one branch states the condition',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.pidMode = conditional('Debug', str('host'), str('task'));
      },
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "host" when condition Debug is true' }],
    },
  ],
});
