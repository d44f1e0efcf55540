import { EmulatedAccount } from './account.js';
import { ApiError } from './errors.js';
import type { Json } from './state.js';

/** Account states as Organizations reports them (`State`; the older `Status` has no CLOSED). */
export type MemberState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

export interface MemberSeed {
  id: string;
  name?: string;
  state?: MemberState;
  /** An OU id from `addUnit`, or the root (default). */
  parentId?: string;
  /** Enabled regions (default: the organization's regions). */
  regions?: string[];
  /** Opt-in regions this account has not enabled: ECS calls there fail. */
  disabledRegions?: string[];
}

export interface Member {
  account: EmulatedAccount;
  name: string;
  email: string;
  state: MemberState;
  parentId: string;
  joinedTimestamp: number;
}

export interface OrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

/** One PutEvaluations request as the emulator received it. */
export interface RecordedEvaluations {
  accountId: string;
  region: string;
  resultToken: string;
  testMode: boolean;
  evaluations: Json[];
}

/** AssumeRole answers access keys that name the account, so later requests can be routed to it. */
const ASSUMED_KEY = /^ASIAORG(\d{12})$/;

/**
 * An AWS Organization around the emulator's account (the management account):
 * member accounts with their own ECS state, OUs, the roles the scanner assumes,
 * AWS Config's recorded items, aggregators and received evaluations.
 */
export class EmulatedOrganization {
  readonly id = 'o-ecsguard01';
  readonly rootId = 'r-e5g1';
  readonly members = new Map<string, Member>();
  readonly units = new Map<string, OrganizationalUnit>();
  /** When set, AssumeRole must carry this ExternalId (the role trust policy's sts:ExternalId condition). */
  requiredExternalId: string | undefined;
  /** Role names every member account has (AssumeRole of another name is AccessDenied). */
  readonly roleNames = new Set<string>(['OrganizationAccountAccessRole', 'ecsguard-scan']);
  /** Config aggregators (organization-wide) by name. */
  readonly aggregators = new Set<string>(['org-aggregator']);
  readonly evaluations: RecordedEvaluations[] = [];
  private unitSequence = 0;

  constructor(
    readonly management: EmulatedAccount,
    /** Regions new member accounts get by default. */
    readonly defaultRegions: readonly string[],
    managementName = 'Management',
  ) {
    this.members.set(management.accountId, {
      account: management,
      name: managementName,
      email: `aws+${management.accountId}@example.com`,
      state: 'ACTIVE',
      parentId: this.rootId,
      joinedTimestamp: 1_600_000_000,
    });
  }

  addUnit(name: string, parentId = this.rootId): string {
    this.requireParent(parentId);
    this.unitSequence++;
    const id = `ou-e5g1-${this.unitSequence.toString(16).padStart(8, '0')}`;
    this.units.set(id, { id, name, parentId });
    return id;
  }

  addAccount(seed: MemberSeed): EmulatedAccount {
    if (!/^\d{12}$/.test(seed.id)) throw new Error(`emulator: account id ${seed.id} is not 12 digits`);
    const parentId = seed.parentId ?? this.rootId;
    this.requireParent(parentId);
    const account = new EmulatedAccount(seed.id, seed.regions ?? this.defaultRegions, seed.disabledRegions ?? []);
    this.members.set(seed.id, {
      account,
      name: seed.name ?? `account-${seed.id}`,
      email: `aws+${seed.id}@example.com`,
      state: seed.state ?? 'ACTIVE',
      parentId,
      joinedTimestamp: 1_600_000_000 + this.members.size,
    });
    return account;
  }

  account(id: string): EmulatedAccount {
    const member = this.members.get(id);
    if (!member) throw new Error(`emulator: no account ${id} in the organization`);
    return member.account;
  }

  /** The account whose credentials signed a request; undefined for the management account's own keys. */
  accountForAccessKey(accessKeyId: string): EmulatedAccount | undefined {
    const match = ASSUMED_KEY.exec(accessKeyId);
    return match ? this.members.get(match[1] ?? '')?.account : undefined;
  }

  /** STS AssumeRole into a member account's role. */
  assumeRole(input: Json): Json {
    const roleArn = String(input['RoleArn'] ?? '');
    const session = String(input['RoleSessionName'] ?? '');
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
      throw new ApiError(
        'ValidationError',
        `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint`,
      );
    }
    const denied = () =>
      new ApiError(
        'AccessDenied',
        `User: ${this.management.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    if (!match) throw new ApiError('ValidationError', `${roleArn} is not a valid role ARN`);
    const [, accountId = '', roleName = ''] = match;
    const member = this.members.get(accountId);
    if (!member || member.state !== 'ACTIVE' || !this.roleNames.has(roleName)) throw denied();
    if (this.requiredExternalId !== undefined && input['ExternalId'] !== this.requiredExternalId) throw denied();
    return {
      Credentials: {
        AccessKeyId: `ASIAORG${accountId}`,
        SecretAccessKey: 'assumed-secret',
        SessionToken: `assumed-token-${accountId}`,
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`,
        AssumedRoleId: `AROAECSGUARD${accountId}:${session}`,
      },
    };
  }

  private requireParent(parentId: string): void {
    if (parentId !== this.rootId && !this.units.has(parentId)) throw new Error(`emulator: no parent ${parentId}`);
  }
}
