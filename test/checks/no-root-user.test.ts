import { conditional, str, unresolved } from '../support/task-definitions.js';
import { ruleTester } from '../support/rule-tester.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });
const windows = { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' };

ruleTester('no-root-user', {
  valid: [
    { name: 'uid and gid', body: { family: 'web', containerDefinitions: [app({ user: '1000:1000' })] } },
    { name: 'a user name', body: { family: 'web', containerDefinitions: [app({ user: 'app' })] } },
    {
      name: 'Windows: a non-administrator account',
      body: { family: 'win', runtimePlatform: windows, containerDefinitions: [app({ user: 'ContainerUser' })] },
    },
  ],
  invalid: [
    {
      name: 'user absent: the image default (root) applies; the user is added',
      body: { family: 'web', containerDefinitions: [app({ portMappings: [{ containerPort: 8080 }] })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'container "app": user is not set',
          severity: 'medium',
        },
      ],
      output: { family: 'web', containerDefinitions: [app({ portMappings: [{ containerPort: 8080 }], user: '1000:1000' })] },
    },
    {
      name: 'root by name',
      body: { family: 'web', containerDefinitions: [app({ user: 'root' })] },
      findings: [{ status: 'FAIL', field: 'containerDefinitions[0].user', container: 'app', message: 'user "root" is the root user' }],
      output: { family: 'web', containerDefinitions: [app({ user: '1000:1000' })] },
    },
    {
      name: 'uid 0 with a group, fixed with --user app',
      body: { family: 'web', containerDefinitions: [app({ user: '0:0' })] },
      options: { user: 'app' },
      findings: [{ status: 'FAIL', field: 'containerDefinitions[0].user', container: 'app', message: 'user "0:0" is uid 0 (root)' }],
      output: { family: 'web', containerDefinitions: [app({ user: 'app' })] },
    },
    {
      name: 'a non-root uid in the root group is a NOTE, not changed',
      body: { family: 'web', containerDefinitions: [app({ user: '1000:0' })] },
      findings: [{ status: 'NOTE', field: 'containerDefinitions[0].user', container: 'app', message: 'container "app": user "1000:0"' }],
    },
    {
      name: 'Windows without a user: FAIL, and a manual fix (no uid to choose there)',
      body: { family: 'win', runtimePlatform: windows, containerDefinitions: [app()] },
      findings: [{ status: 'FAIL', field: 'containerDefinitions[0].user', container: 'app', message: 'user is not set' }],
      output: { family: 'win', runtimePlatform: windows, containerDefinitions: [app()] },
    },
  ],
  model: [
    {
      name: 'an unresolved user is UNKNOWN',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'user', node: unresolved('var.user') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'user is var.user, which cannot be resolved',
        },
      ],
    },
    {
      name: 'root on one branch',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'user', node: conditional('Legacy', str('root'), str('1000')) }],
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].user',
          container: 'app',
          message: 'user "root" is the root user when condition Legacy is true',
        },
      ],
    },
  ],
});
