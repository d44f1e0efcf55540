import { ruleTester } from '../support/rule-tester.js';

const app = { name: 'app', image: 'example/app:1', mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/shared' }] };
const efs = (config: Record<string, unknown>) => ({
  family: 'web',
  volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', ...config } }],
  containerDefinitions: [app],
});

ruleTester('efs-transit-encryption', {
  valid: [
    { name: 'ENABLED', body: efs({ transitEncryption: 'ENABLED' }) },
    { name: 'no EFS volume', body: { family: 'web', volumes: [{ name: 'scratch' }], containerDefinitions: [{ name: 'app', image: 'x' }] } },
  ],
  invalid: [
    {
      name: 'absent (the default is DISABLED)',
      body: efs({}),
      findings: [
        {
          status: 'FAIL',
          field: 'volumes[0].efsVolumeConfiguration',
          message: 'EFS volume "shared": transitEncryption is not set, and the default is DISABLED',
          severity: 'medium',
        },
      ],
      output: efs({ transitEncryption: 'ENABLED' }),
    },
    {
      name: 'the second of two EFS volumes, with IAM authorization: only it changes',
      body: {
        family: 'web',
        volumes: [
          { name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED' } },
          {
            name: 'reports',
            efsVolumeConfiguration: {
              fileSystemId: 'fs-0fedcba9876543210',
              rootDirectory: '/reports',
              authorizationConfig: { iam: 'ENABLED' },
            },
          },
        ],
        containerDefinitions: [app],
      },
      findings: [
        { status: 'FAIL', field: 'volumes[1].efsVolumeConfiguration', message: 'EFS volume "reports": transitEncryption is not set' },
      ],
      output: {
        family: 'web',
        volumes: [
          { name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED' } },
          {
            name: 'reports',
            efsVolumeConfiguration: {
              fileSystemId: 'fs-0fedcba9876543210',
              rootDirectory: '/reports',
              authorizationConfig: { iam: 'ENABLED' },
              transitEncryption: 'ENABLED',
            },
          },
        ],
        containerDefinitions: [app],
      },
    },
    {
      name: 'DISABLED',
      body: efs({ transitEncryption: 'DISABLED' }),
      findings: [
        {
          status: 'FAIL',
          field: 'volumes[0].efsVolumeConfiguration.transitEncryption',
          message: 'EFS volume "shared": transitEncryption is "DISABLED"',
        },
      ],
      output: efs({ transitEncryption: 'ENABLED' }),
    },
  ],
});
