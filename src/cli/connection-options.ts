import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../model/errors.js';
import type { ConnectionSettings } from '../remediate/account/connection.js';
import { positiveInteger } from './options.js';


/**
 * How apply and rollback reach the account. Same names as `scan --aws`; no
 * region options: the plan and the journal name the region of every step.
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS shared-config profile to use')
    .option('--role-arn <arn>', 'assume this IAM role (e.g. in the account the plan is for)')
    .option('--external-id <id>', 'external id required by the role to assume (with --role-arn)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (LocalStack or another emulator)')
    .option('--max-attempts <n>', 'attempts per AWS request, retries of throttled calls included (default: 5)', positiveInteger);
}

export function connectionFrom(
  opts: Record<string, unknown>,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): ConnectionSettings {
  const roleArn = opts['roleArn'] as string | undefined;
  if (opts['externalId'] !== undefined && roleArn === undefined) throw new UsageError('--external-id needs --role-arn');
  const endpointUrl = opts['endpointUrl'] as string | undefined;
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]+/.test(endpointUrl)) throw new UsageError(`--endpoint-url: "${endpointUrl}" is not an http(s) URL`);
  return {
    ...(opts['profile'] ? { profile: String(opts['profile']) } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(opts['externalId'] ? { externalId: String(opts['externalId']) } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(opts['maxAttempts'] ? { maxAttempts: Number(opts['maxAttempts']) } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a number of seconds');
  return parsed;
}

/** `--wait` and its pacing, the same for apply and rollback. */
export function addWaitOptions(command: Command, waitHelp: string): Command {
  return command
    .option('--wait', waitHelp)
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default: 900)', seconds)
    .option('--poll-interval <seconds>', 'time between DescribeServices polls while waiting (default: 15)', seconds);
}
