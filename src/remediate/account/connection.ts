import { type AwsConnection, AwsClients, DEFAULT_MAX_ATTEMPTS, loadSdk } from '../../sources/aws/clients.js';
import { type EcsApi, createEcsApi } from '../../sources/aws/ecs-api.js';
import { type LoadBalancingApi, createLoadBalancingApi } from './load-balancing-api.js';

/** Loads the SDK (only now: plan review and --help never need it) and returns the ECS calls. */
export async function connectEcs(connection: AwsConnection, firstRegion: string, signal?: AbortSignal): Promise<EcsApi> {
  const clients = new AwsClients(await loadSdk(), connection, firstRegion);
  return createEcsApi(clients, signal);
}

/** ECS and, for the planner's exposure ranking, ELBv2 clients with the same credentials, endpoint and retries. */
export async function connectAccount(
  connection: AwsConnection,
  firstRegion: string,
  signal?: AbortSignal,
): Promise<{ ecs: EcsApi; loadBalancing: LoadBalancingApi }> {
  const elbv2 = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const elbClients = new Map<string, InstanceType<typeof elbv2.ElasticLoadBalancingV2Client>>();
  const clients = new AwsClients(await loadSdk(), connection, firstRegion);
  const ecs = createEcsApi(clients, signal, () => {
    for (const client of elbClients.values()) client.destroy();
    clients.destroy();
  });
  const loadBalancing = await createLoadBalancingApi((region) => {
    let client = elbClients.get(region);
    if (!client) {
      // The ECS client's resolved credentials: one provider (one role assumption) for both services.
      const { credentials } = clients.ecs(region).config;
      client = new elbv2.ElasticLoadBalancingV2Client({
        region,
        credentials,
        ...(connection.profile ? { profile: connection.profile } : {}),
        ...(connection.endpointUrl ? { endpoint: connection.endpointUrl } : {}),
        maxAttempts: connection.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryMode: 'adaptive',
      });
      elbClients.set(region, client);
    }
    return client;
  }, signal);
  return { ecs, loadBalancing };
}
