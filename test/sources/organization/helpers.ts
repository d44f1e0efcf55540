import { EMULATOR_CREDENTIALS, type OrganizationEmulator, startOrganizationEmulator } from '../../support/ecs-emulator/index.js';
import { OrganizationSource, type OrganizationScanOptions } from '../../../src/sources/organization/org-source.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const DEV = '333333333333';
export const SANDBOX = '444444444444';
export const SUSPENDED = '555555555555';
export const REGIONS = ['eu-west-1', 'us-east-1'];

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  essential: true,
  user: '1000',
  ...extra,
});

/**
 * An organization as a platform team runs it:
 *   Root
 *   ├── Management 111111111111: ops-agent (host network, privileged) in us-east-1
 *   ├── Sandbox    444444444444: an experiment running as root
 *   ├── Suspended  555555555555 (SUSPENDED: not scanned)
 *   └── OU Workloads
 *       ├── Prod   222222222222: web:1 privileged, web:2 fixed (latest) in us-east-1; api (root) in eu-west-1
 *       └── OU Non-prod
 *           └── Dev 333333333333: only us-east-1 enabled (eu-west-1 is an opt-in region it has not enabled)
 */
export async function startSeededOrganization(): Promise<{ emulator: OrganizationEmulator; workloads: string; nonProd: string }> {
  const emulator = await startOrganizationEmulator({ regions: REGIONS, accountId: MANAGEMENT });
  const { organization } = emulator;
  const workloads = organization.addUnit('Workloads');
  const nonProd = organization.addUnit('Non-prod', workloads);

  organization.management.registerTaskDefinition('us-east-1', {
    family: 'ops-agent',
    networkMode: 'host',
    containerDefinitions: [app({ privileged: true })],
  });

  const prod = organization.addAccount({ id: PROD, name: 'Prod', parentId: workloads });
  prod.registerTaskDefinition('us-east-1', { family: 'web', containerDefinitions: [app({ privileged: true })] });
  prod.registerTaskDefinition('us-east-1', { family: 'web', containerDefinitions: [app()] });
  prod.registerTaskDefinition('eu-west-1', { family: 'api', containerDefinitions: [app({ user: 'root' })] });

  const dev = organization.addAccount({ id: DEV, name: 'Dev', parentId: nonProd, regions: ['us-east-1'], disabledRegions: ['eu-west-1'] });
  dev.registerTaskDefinition('us-east-1', { family: 'web', containerDefinitions: [app()] });

  const sandbox = organization.addAccount({ id: SANDBOX, name: 'Sandbox' });
  sandbox.registerTaskDefinition('eu-west-1', { family: 'experiment', containerDefinitions: [app({ user: '0' })] });

  organization.addAccount({ id: SUSPENDED, name: 'Suspended', state: 'SUSPENDED' });
  return { emulator, workloads, nonProd };
}

export function organizationSource(emulator: OrganizationEmulator, options: Partial<OrganizationScanOptions> = {}): OrganizationSource {
  return new OrganizationSource({
    scope: 'latest',
    regions: REGIONS,
    role: 'ecsguard-scan',
    endpointUrl: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 3,
    ...options,
  });
}
