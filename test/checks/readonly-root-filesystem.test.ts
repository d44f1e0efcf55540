import { ruleTester } from '../support/rule-tester.js';
import { unresolved } from '../support/task-definitions.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });
const windows = { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' };

ruleTester('readonly-root-filesystem', {
  valid: [
    { name: 'true', body: { family: 'web', containerDefinitions: [app({ readonlyRootFilesystem: true })] } },
    { name: 'the CloudFormation string "true"', body: { family: 'web', containerDefinitions: [app({ readonlyRootFilesystem: 'true' })] } },
    { name: 'absent on Windows (not applicable)', body: { family: 'win', runtimePlatform: windows, containerDefinitions: [app()] } },
    { name: 'no containers', body: { family: 'empty', containerDefinitions: [] } },
  ],
  invalid: [
    {
      name: 'absent on Linux fails, as Security Hub ECS.5 does',
      body: { family: 'web', containerDefinitions: [app()] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].readonlyRootFilesystem',
          container: 'app',
          message: 'container "app": readonlyRootFilesystem is not set, so the root filesystem is writable',
          severity: 'high',
        },
      ],
      output: { family: 'web', containerDefinitions: [app({ readonlyRootFilesystem: true })] },
    },
    {
      name: 'false',
      body: {
        family: 'web',
        runtimePlatform: { operatingSystemFamily: 'LINUX' },
        containerDefinitions: [app({ readonlyRootFilesystem: false })],
      },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].readonlyRootFilesystem',
          container: 'app',
          message: 'container "app": readonlyRootFilesystem is false, so the root filesystem is writable',
        },
      ],
      output: {
        family: 'web',
        runtimePlatform: { operatingSystemFamily: 'LINUX' },
        containerDefinitions: [app({ readonlyRootFilesystem: true })],
      },
    },
    {
      name: 'only the container that lacks it',
      body: { family: 'web', containerDefinitions: [app({ readonlyRootFilesystem: true }), { name: 'sidecar', image: 'envoy' }] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[1].readonlyRootFilesystem',
          container: 'sidecar',
          message: 'container "sidecar": readonlyRootFilesystem is not set, so the root filesystem is writable',
        },
      ],
      output: {
        family: 'web',
        containerDefinitions: [app({ readonlyRootFilesystem: true }), { name: 'sidecar', image: 'envoy', readonlyRootFilesystem: true }],
      },
    },
  ],
  model: [
    {
      name: 'unresolved value is UNKNOWN',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'readonlyRootFilesystem', node: unresolved('var.readonly') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].readonlyRootFilesystem',
          container: 'app',
          message: 'container "app": readonlyRootFilesystem is var.readonly, which cannot be resolved',
        },
      ],
    },
    {
      name: 'unresolved OS family decides an absent value',
      body: { family: 'web', containerDefinitions: [app()] },
      patch: (td) => {
        td.operatingSystemFamily = unresolved('!Ref OsFamily');
      },
      findings: [
        {
          status: 'UNKNOWN',
          field: 'runtimePlatform.operatingSystemFamily',
          container: 'app',
          message:
            'container "app": operatingSystemFamily is !Ref OsFamily, which cannot be resolved, and on Linux readonlyRootFilesystem is ' +
            'not set, so the root filesystem is writable',
        },
      ],
    },
  ],
});
