import { ruleTester } from './support/rule-tester.js';
import { conditional, str, unresolved } from '../support/task-definitions.js';

const app = { name: 'app', image: 'example/app:1', essential: true };

ruleTester('no-host-ipc-namespace', {
  valid: [
    { name: 'ipcMode absent', body: { family: 'web', containerDefinitions: [app] }, everyShape: true },
    { name: 'ipcMode task', body: { family: 'web', ipcMode: 'task', containerDefinitions: [app] }, everyShape: true },
    { name: 'ipcMode none', body: { family: 'web', ipcMode: 'none', containerDefinitions: [app] } },
  ],
  invalid: [
    {
      name: 'ipcMode host',
      body: { family: 'agent', ipcMode: 'host', containerDefinitions: [app] },
      everyShape: true,
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "host"', severity: 'high' }],
    },
    {
      name: 'ipcMode HOST in another case',
      body: { family: 'agent', ipcMode: 'HOST', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "HOST"' }],
    },
    {
      name: 'ipcMode unresolved is UNKNOWN with the expression',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => { td.ipcMode = unresolved('var.ipc_mode'); },
      findings: [{ status: 'UNKNOWN', field: 'ipcMode', message: 'ipcMode is var.ipc_mode, which cannot be resolved' }],
    },
    {
      name: 'ipcMode host on one branch states the condition',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => { td.ipcMode = conditional('Debug', str('host'), str('task')); },
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "host" when condition Debug is true' }],
    },
  ],
});
