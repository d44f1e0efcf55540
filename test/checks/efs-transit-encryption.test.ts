import { ruleTester } from './support/rule-tester.js';

const app = { name: 'app', image: 'example/app:1', mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/shared' }] };
const efs = (config: Record<string, unknown>) => ({ family: 'web', volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', ...config } }], containerDefinitions: [app] });

ruleTester('efs-transit-encryption', {
  valid: [
    { name: 'ENABLED', body: efs({ transitEncryption: 'ENABLED' }), everyShape: true },
    { name: 'no EFS volume', body: { family: 'web', volumes: [{ name: 'scratch' }], containerDefinitions: [{ name: 'app', image: 'x' }] }, everyShape: true },
  ],
  invalid: [
    {
      name: 'absent (the default is DISABLED)',
      body: efs({}),
      everyShape: true,
      findings: [{ status: 'FAIL', field: 'volumes[0].efsVolumeConfiguration', message: 'EFS volume "shared": transitEncryption is not set, and the default is DISABLED', severity: 'medium' }],
    },
    {
      name: 'DISABLED',
      body: efs({ transitEncryption: 'DISABLED' }),
      everyShape: true,
      findings: [{ status: 'FAIL', field: 'volumes[0].efsVolumeConfiguration.transitEncryption', message: 'EFS volume "shared": transitEncryption is "DISABLED"' }],
    },
  ],
});
