import { ruleTester } from './support/rule-tester.js';
import { conditional, str, unresolved } from '../support/task-definitions.js';

const app = { name: 'app', image: 'example/app:1', essential: true };

ruleTester('no-host-pid-namespace', {
  valid: [
    { name: 'pidMode absent', body: { family: 'web', containerDefinitions: [app] }, everyShape: true },
    { name: 'pidMode task', body: { family: 'web', pidMode: 'task', containerDefinitions: [app] }, everyShape: true },
  ],
  invalid: [
    {
      name: 'pidMode host',
      body: { family: 'agent', pidMode: 'host', containerDefinitions: [app] },
      everyShape: true,
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "host"', severity: 'high' }],
    },
    {
      name: 'pidMode HOST in another case',
      body: { family: 'agent', pidMode: 'HOST', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "HOST"' }],
    },
    {
      name: 'pidMode unresolved is UNKNOWN with the expression',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => { td.pidMode = unresolved('var.pid_mode'); },
      findings: [{ status: 'UNKNOWN', field: 'pidMode', message: 'pidMode is var.pid_mode, which cannot be resolved' }],
    },
    {
      name: 'pidMode host on one branch states the condition',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => { td.pidMode = conditional('Debug', str('host'), str('task')); },
      findings: [{ status: 'FAIL', field: 'pidMode', message: 'pidMode is "host" when condition Debug is true' }],
    },
  ],
});
