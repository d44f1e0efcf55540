import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsClients, loadSdk } from '../../sources/aws/clients.js';
import { type EcsApi, createEcsApi } from './ecs-api.js';

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
  const sdk = await loadSdk();
  const clients = new AwsClients(
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
  return createEcsApi((region) => clients.ecs(region), () => clients.destroy(), signal);
}
