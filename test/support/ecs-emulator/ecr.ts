import { ApiError } from './errors.js';
import type { Json } from './state.js';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/**
 * Enough of Amazon ECR for registry logins: GetAuthorizationToken returns a
 * token for `AWS:<password>` and the registry URL (`proxyEndpoint`). Tests point
 * `proxyEndpoint` at a local registry that checks the password.
 */
export class EmulatedEcr {
  /** Real ECR answers https://<account>.dkr.ecr.<region>.amazonaws.com; tests set a local registry. */
  proxyEndpoint: string | undefined;
  readonly username = 'AWS';
  password = 'ecr-emulator-password';

  constructor(private readonly accountId: string) {}

  run(operation: string, region: string, input: Json): Json {
    if (operation !== 'GetAuthorizationToken') {
      throw new ApiError('UnknownOperationException', `The emulator does not implement ECR ${operation}.`);
    }
    const requested = Array.isArray(input['registryIds']) ? (input['registryIds'] as unknown[]).map(String) : [this.accountId];
    if (requested.length === 0) throw new ApiError('InvalidParameterException', 'registryIds must not be empty.');
    const token = Buffer.from(`${this.username}:${this.password}`).toString('base64');
    return {
      authorizationData: requested.map((registryId) => ({
        authorizationToken: token,
        expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
        proxyEndpoint: this.proxyEndpoint ?? `https://${registryId}.dkr.ecr.${region}.amazonaws.com`,
      })),
    };
  }
}
