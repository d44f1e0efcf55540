import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsClients, loadSdk } from '../../sources/aws/clients.js';
import { type EcsApi, createEcsApi } from './ecs-api.js';
import { type LoadBalancingApi, createLoadBalancingApi } from './load-balancing-api.js';

/** How apply and rollback reach the account: the same settings as `scan --aws`. */
export interface ConnectionSettings {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  /** Attempts per request, retries of throttled and failed calls included (default 5). */
  maxAttempts?: number;
  /** Explicit credentials (library use, tests); otherwise the SDK's default chain or the profile. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Loads the SDK (only now: plan review and --help never need it) and returns the ECS calls. */
export async function connectEcs(settings: ConnectionSettings, firstRegion: string, signal?: AbortSignal): Promise<EcsApi> {
  const clients = await awsClients(settings, firstRegion);
  return createEcsApi((region) => clients.ecs(region), () => clients.destroy(), signal);
}

/** ECS and, for the planner's exposure ranking, ELBv2 clients with the same credentials, endpoint and retries. */
export async function connectAccount(
  settings: ConnectionSettings,
  firstRegion: string,
  signal?: AbortSignal,
): Promise<{ ecs: EcsApi; loadBalancing: LoadBalancingApi }> {
  const elbv2 = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const elbClients = new Map<string, InstanceType<typeof elbv2.ElasticLoadBalancingV2Client>>();
  const clients = await awsClients(settings, firstRegion);
  const ecs = await createEcsApi(
    (region) => clients.ecs(region),
    () => {
      for (const client of elbClients.values()) client.destroy();
      clients.destroy();
    },
    signal,
  );
  const loadBalancing = await createLoadBalancingApi((region) => {
    let client = elbClients.get(region);
    if (!client) {
      // The ECS client's resolved credentials: one provider (one role assumption) for both services.
      const { credentials } = clients.ecs(region).config;
      client = new elbv2.ElasticLoadBalancingV2Client({
        region,
        credentials,
        ...(settings.profile ? { profile: settings.profile } : {}),
        ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
        maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryMode: 'adaptive',
      });
      elbClients.set(region, client);
    }
    return client;
  }, signal);
  return { ecs, loadBalancing };
}

async function awsClients(settings: ConnectionSettings, firstRegion: string): Promise<AwsClients> {
  const sdk = await loadSdk();
  return new AwsClients(
    sdk,
    {
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.roleArn ? { roleArn: settings.roleArn } : {}),
      ...(settings.externalId ? { externalId: settings.externalId } : {}),
      ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    },
    firstRegion,
  );
}
