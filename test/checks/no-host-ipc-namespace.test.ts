import { ruleTester } from '../support/rule-tester.js';
import { conditional, str, unresolved } from '../support/task-definitions.js';

const app = { name: 'app', image: 'example/app:1', essential: true };

ruleTester('no-host-ipc-namespace', {
  valid: [
    { name: 'ipcMode absent', body: { family: 'web', containerDefinitions: [app] } },
    { name: 'ipcMode task', body: { family: 'web', ipcMode: 'task', containerDefinitions: [app] } },
    { name: 'ipcMode none', body: { family: 'web', ipcMode: 'none', containerDefinitions: [app] } },
  ],
  invalid: [
    {
      name: 'ipcMode host',
      body: { family: 'agent', ipcMode: 'host', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "host"', severity: 'high' }],
      output: { family: 'agent', containerDefinitions: [app] },
    },
    {
      name: 'ipcMode HOST in another case, pidMode kept',
      body: { family: 'agent', pidMode: 'task', ipcMode: 'HOST', networkMode: 'bridge', containerDefinitions: [app] },
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "HOST"' }],
      output: { family: 'agent', pidMode: 'task', networkMode: 'bridge', containerDefinitions: [app] },
    },
  ],
  model: [
    {
      name: 'ipcMode unresolved is UNKNOWN with the expression',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.ipcMode = unresolved('var.ipc_mode');
      },
      findings: [{ status: 'UNKNOWN', field: 'ipcMode', message: 'ipcMode is var.ipc_mode, which cannot be resolved' }],
    },
    {
      name: 'ipcMode host on one branch states the condition',
      body: { family: 'agent', containerDefinitions: [app] },
      patch: (td) => {
        td.ipcMode = conditional('Debug', str('host'), str('task'));
      },
      findings: [{ status: 'FAIL', field: 'ipcMode', message: 'ipcMode is "host" when condition Debug is true' }],
    },
  ],
});
