import { EmulatedAccount } from './account.js';
import { EmulatedEcr } from './ecr.js';
import { Faults } from './faults.js';
import { EmulatedOrganization } from './organization.js';
import { type RecordedCall, listen } from './server.js';

export { EmulatedAccount, READ_ONLY_FIELDS, REGISTER_FIELDS, type RolloutFailure, type ServiceSeed } from './account.js';
export type { LoadBalancer, TargetGroup } from './elbv2.js';
export { EmulatedEcr } from './ecr.js';
export { Faults, type FaultRule, type FaultTarget, type RateLimit } from './faults.js';
export type { RecordedCall } from './server.js';
export { EmulatedOrganization, type Member, type MemberSeed, type MemberState, type RecordedEvaluations } from './organization.js';
export { configurationItem } from './config-operations.js';
export type { Deployment, Service, StoredTaskDefinition, Tag, Task } from './state.js';

export interface EcsEmulatorOptions {
  /** Enabled regions; each has its own task definitions, clusters and rate-limit buckets. */
  regions?: string[];
  /** Opt-in regions that exist but are not enabled: ListRegions says DISABLED, ECS calls there fail. */
  disabledRegions?: string[];
  accountId?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface EcsEmulator {
  /** `http://127.0.0.1:<port>`: pass it as the SDK's `endpoint` (or `--endpoint-url`). */
  endpoint: string;
  /** The account's state; its methods are also the seed helpers. */
  account: EmulatedAccount;
  faults: Faults;
  /** ECR GetAuthorizationToken (registry logins); set `proxyEndpoint` to a local registry. */
  ecr: EmulatedEcr;
  /** Every request answered, in order. */
  calls: RecordedCall[];
  /** Counts calls by operation (optionally only those matching a filter). */
  countCalls(filter?: Partial<Pick<RecordedCall, 'service' | 'operation' | 'region' | 'outcome' | 'accountId'>>): Record<string, number>;
  resetCalls(): void;
  stop(): Promise<void>;
}

export interface OrganizationEmulator extends EcsEmulator {
  /** Member accounts (each with its own ECS state), OUs, roles, Config aggregators and evaluations. */
  organization: EmulatedOrganization;
}

/**
 * The emulator with an AWS Organization around its account (the management
 * account): Organizations, STS AssumeRole into member accounts (later requests
 * signed with the returned keys reach that account's ECS state), and AWS Config.
 */
export async function startOrganizationEmulator(options: EcsEmulatorOptions = {}): Promise<OrganizationEmulator> {
  const regions = options.regions ?? ['us-east-1'];
  const account = new EmulatedAccount(options.accountId ?? '111111111111', regions, options.disabledRegions ?? []);
  const organization = new EmulatedOrganization(account, regions);
  const emulator = await startWith(account, options, organization);
  return { ...emulator, organization };
}

export async function startEcsEmulator(options: EcsEmulatorOptions = {}): Promise<EcsEmulator> {
  const accountId = options.accountId ?? '123456789012';
  const account = new EmulatedAccount(accountId, options.regions ?? ['us-east-1'], options.disabledRegions ?? []);
  return startWith(account, options);
}

async function startWith(account: EmulatedAccount, options: EcsEmulatorOptions, organization?: EmulatedOrganization): Promise<EcsEmulator> {
  const faults = new Faults(account.callerArn);
  const calls: RecordedCall[] = [];
  const ecr = new EmulatedEcr(account.accountId);
  const server = await listen({ account, faults, calls, ecr, ...(organization ? { organization } : {}) }, options.port ?? 0);
  return {
    endpoint: server.endpoint,
    account,
    faults,
    ecr,
    calls,
    countCalls(filter = {}) {
      const counts: Record<string, number> = {};
      for (const call of calls) {
        if (Object.entries(filter).some(([key, value]) => call[key as keyof RecordedCall] !== value)) continue;
        counts[call.operation] = (counts[call.operation] ?? 0) + 1;
      }
      return counts;
    },
    resetCalls() {
      calls.length = 0;
    },
    stop: () => server.close(),
  };
}

/** Credentials the emulator accepts (it does not check signatures, only reads the region from them). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'AKIDECSGUARDTEST', secretAccessKey: 'emulator-secret' } as const;
