import { type Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../model/errors.js';
import type { AwsConnection, Credentials } from '../sources/aws/clients.js';
import { positiveInteger } from './options.js';

/** The connection flags as commander parses them, for scan --aws, fix --aws, apply and rollback alike. */
export interface ConnectionFlags {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  endpointUrl?: string;
  maxAttempts?: number;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/.+$/;
const HTTP_URL = /^https?:\/\/[^/]+/;

/**
 * How every AWS command reaches the account: the same names, help and validation everywhere. `note` ends each
 * line (scan: "(with --aws)"). No region options here: scan has its own, and apply and rollback read the region
 * of every step from the plan or the journal.
 */
export function addConnectionOptions(command: Command, note = ''): Command {
  const help = (text: string) => (note ? `${text} ${note}` : text);
  return command
    .option('--profile <name>', help('AWS shared-config profile to use'))
    .option('--role-arn <arn>', help('assume this IAM role, e.g. to audit or fix another account'))
    .option('--external-id <id>', 'external id required by the role to assume (with --role-arn)')
    .option('--endpoint-url <url>', help('send every AWS call to this endpoint (LocalStack or another emulator)'))
    .option(
      '--max-attempts <n>',
      help(
        'attempts per AWS request, retries of throttled and failed calls included (default: 10; adaptive retry, unreachable endpoints ' +
          'fail at once)',
      ),
      positiveInteger,
    );
}

/** The one validation of the connection flags; UsageError names the flag. */
export function connectionFrom(flags: ConnectionFlags, credentials?: Credentials): AwsConnection {
  const { roleArn, externalId, endpointUrl } = flags;
  if (externalId !== undefined && roleArn === undefined) throw new UsageError('--external-id needs --role-arn');
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new UsageError(`--role-arn: "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
  if (endpointUrl !== undefined && !HTTP_URL.test(endpointUrl))
    throw new UsageError(`--endpoint-url: "${endpointUrl}" is not an http(s) URL`);
  if (flags.maxAttempts !== undefined && (!Number.isInteger(flags.maxAttempts) || flags.maxAttempts < 1)) {
    throw new UsageError('--max-attempts must be a positive integer');
  }
  return {
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(externalId ? { externalId } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(flags.maxAttempts ? { maxAttempts: flags.maxAttempts } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a number of seconds');
  return parsed;
}

/** The `--wait` flags, the same for apply and rollback. */
export interface WaitFlags {
  wait?: boolean;
  waitTimeout?: number;
  pollInterval?: number;
}

/** `--wait` and its pacing, the same for apply and rollback. */
export function addWaitOptions(command: Command, waitHelp: string): Command {
  return command
    .option('--wait', waitHelp)
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default: 900)', seconds)
    .option('--poll-interval <seconds>', 'time between DescribeServices polls while waiting (default: 15)', seconds);
}
