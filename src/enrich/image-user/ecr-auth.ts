import type { AwsConnection } from '../../sources/aws/clients.js';
import type { BasicCredentials } from './docker-config.js';

/** How to reach ECR's API: the scan's connection options (profile, role, endpoint) or the SDK's defaults. */
export type EcrConnection = Partial<Omit<AwsConnection, 'maxAttempts'>>;

export interface EcrLogin {
  credentials: BasicCredentials;
  /** The registry URL the token is for, as GetAuthorizationToken returns it. */
  proxyEndpoint: string;
}

/**
 * ECR registry logins from GetAuthorizationToken with the caller's AWS
 * credentials, one call per registry and region (the token lasts 12 hours,
 * longer than any scan). The SDK loads only when an ECR image needs reading.
 */
export class EcrAuth {
  private readonly logins = new Map<string, Promise<EcrLogin>>();
  private clients: Promise<import('../../sources/aws/clients.js').AwsClients> | undefined;

  constructor(private readonly connection: EcrConnection = {}) {}

  login(accountId: string, region: string): Promise<EcrLogin> {
    const key = `${accountId}/${region}`;
    let login = this.logins.get(key);
    if (!login) {
      login = this.fetchLogin(accountId, region);
      this.logins.set(key, login);
    }
    return login;
  }

  private async fetchLogin(accountId: string, region: string): Promise<EcrLogin> {
    const [{ ECRClient, GetAuthorizationTokenCommand }, clients] = await Promise.all([
      import('@aws-sdk/client-ecr'),
      this.awsClients(region),
    ]);
    const client = new ECRClient(clients.clientConfig(region));
    try {
      const output = await client.send(new GetAuthorizationTokenCommand({ registryIds: [accountId] }));
      const data = output.authorizationData?.[0];
      const decoded = data?.authorizationToken ? Buffer.from(data.authorizationToken, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (!data?.proxyEndpoint || colon <= 0) throw new Error('GetAuthorizationToken returned no usable token');
      return { credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }, proxyEndpoint: data.proxyEndpoint };
    } catch (error) {
      const name = (error as Error).name;
      const message = (error as Error).message;
      throw new Error(`ECR GetAuthorizationToken in ${region} failed: ${name && !message.startsWith(name) ? `${name}: ` : ''}${message}`);
    } finally {
      client.destroy();
    }
  }

  private awsClients(region: string) {
    this.clients ??= import('../../sources/aws/clients.js').then(async ({ AwsClients, loadSdk }) => {
      return new AwsClients(await loadSdk(), { ...this.connection, maxAttempts: 3 }, region);
    });
    return this.clients;
  }
}
