import type { EmulatedAccount } from './account.js';
import { ApiError } from './errors.js';
import type { EmulatedOrganization, Member } from './organization.js';
import type { Json } from './state.js';

/** awsJson1_1 target prefix of AWS Organizations. */
export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

type Handler = (organization: EmulatedOrganization, input: Json) => Json;

/** Organizations pages hold at most 20 items (MaxResults 1–20). */
const ORGANIZATIONS_PAGE = 20;

export const ORGANIZATIONS_OPERATIONS: Record<string, Handler> = {
  ListAccounts(organization, input) {
    const accounts = [...organization.members.entries()].map(([id, member]) => accountShape(organization, id, member));
    const { page, next } = pageOf(accounts, input, 'ListAccounts');
    return { Accounts: page, ...(next ? { NextToken: next } : {}) };
  },
  ListAccountsForParent(organization, input) {
    const parentId = requireParent(organization, input);
    const accounts = [...organization.members.entries()]
      .filter(([, m]) => m.parentId === parentId)
      .map(([id, m]) => accountShape(organization, id, m));
    const { page, next } = pageOf(accounts, input, `ListAccountsForParent:${parentId}`);
    return { Accounts: page, ...(next ? { NextToken: next } : {}) };
  },
  ListOrganizationalUnitsForParent(organization, input) {
    const parentId = requireParent(organization, input);
    const units = [...organization.units.values()]
      .filter((u) => u.parentId === parentId)
      .map((u) => ({
        Id: u.id,
        Name: u.name,
        Arn: `arn:aws:organizations::${organization.management.accountId}:ou/${organization.id}/${u.id}`,
      }));
    const { page, next } = pageOf(units, input, `ListOrganizationalUnitsForParent:${parentId}`);
    return { OrganizationalUnits: page, ...(next ? { NextToken: next } : {}) };
  },
};

/** Organizations answers only the management account (or a delegated administrator, not emulated). */
export function runOrganizations(
  organization: EmulatedOrganization | undefined,
  caller: EmulatedAccount,
  operation: string,
  input: Json,
): Json {
  if (!organization) throw new ApiError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  const handler = ORGANIZATIONS_OPERATIONS[operation];
  if (!handler) throw new ApiError('UnknownOperationException', `The emulator does not implement organizations ${operation}.`);
  if (caller !== organization.management) {
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.");
  }
  return handler(organization, input);
}

function accountShape(organization: EmulatedOrganization, id: string, member: Member): Json {
  // `Status` is deprecated and has no CLOSED; `State` replaces it.
  const status = member.state === 'CLOSED' ? 'SUSPENDED' : member.state;
  return {
    Id: id,
    Arn: `arn:aws:organizations::${organization.management.accountId}:account/${organization.id}/${id}`,
    Email: member.email,
    Name: member.name,
    Status: status,
    State: member.state,
    JoinedMethod: id === organization.management.accountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: member.joinedTimestamp,
  };
}

function requireParent(organization: EmulatedOrganization, input: Json): string {
  const parentId = String(input['ParentId'] ?? '');
  if (parentId !== organization.rootId && !organization.units.has(parentId)) {
    throw new ApiError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
  }
  return parentId;
}

/** Opaque tokens bound to the operation (and parent), like the service's. */
function pageOf<T>(items: T[], input: Json, scope: string): { page: T[]; next?: string } {
  let size = ORGANIZATIONS_PAGE;
  if (input['MaxResults'] !== undefined) {
    const asked = Number(input['MaxResults']);
    if (!Number.isInteger(asked) || asked < 1 || asked > ORGANIZATIONS_PAGE)
      throw new ApiError('InvalidInputException', 'MaxResults must be between 1 and 20.');
    size = asked;
  }
  let offset = 0;
  if (input['NextToken'] !== undefined) {
    const [tokenScope, at] = Buffer.from(String(input['NextToken']), 'base64').toString('utf8').split('|');
    if (tokenScope !== scope || !/^\d+$/.test(at ?? '')) throw new ApiError('InvalidInputException', 'The NextToken is not valid.');
    offset = Number(at);
  }
  const page = items.slice(offset, offset + size);
  const end = offset + size;
  return end < items.length ? { page, next: Buffer.from(`${scope}|${end}`).toString('base64') } : { page };
}
