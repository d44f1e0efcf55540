import type { OrganizationsClient } from '@aws-sdk/client-organizations';

export interface OrganizationAccount {
  id: string;
  name: string;
}

export interface AccountListing {
  /** ACTIVE accounts, in the order Organizations listed them. */
  accounts: OrganizationAccount[];
  /** Accounts not scanned because they are not ACTIVE (suspended, closing, closed). */
  skipped: Array<OrganizationAccount & { state: string }>;
}

type OrganizationsSdk = typeof import('@aws-sdk/client-organizations');

/**
 * The organization's accounts: every account (ListAccounts), or those under
 * an OU and its child OUs, walked breadth-first (ListAccountsForParent,
 * ListOrganizationalUnitsForParent). Only ACTIVE accounts are scanned; the
 * state comes from `State`, falling back to the deprecated `Status`.
 */
export async function listOrganizationAccounts(
  sdk: OrganizationsSdk,
  client: OrganizationsClient,
  ou: string | undefined,
  signal?: AbortSignal,
): Promise<AccountListing> {
  const options = signal ? { abortSignal: signal } : {};
  const listing: AccountListing = { accounts: [], skipped: [] };
  const seen = new Set<string>();
  const add = (account: {
    Id?: string | undefined;
    Name?: string | undefined;
    State?: string | undefined;
    Status?: string | undefined;
  }) => {
    if (!account.Id || seen.has(account.Id)) return;
    seen.add(account.Id);
    const state = String(account.State ?? account.Status ?? 'UNKNOWN');
    const entry = { id: account.Id, name: account.Name ?? account.Id };
    if (state === 'ACTIVE') listing.accounts.push(entry);
    else listing.skipped.push({ ...entry, state });
  };

  if (ou === undefined) {
    for await (const page of sdk.paginateListAccounts({ client }, {}, options)) for (const account of page.Accounts ?? []) add(account);
    return listing;
  }

  const parents = [ou];
  while (parents.length) {
    const ParentId = parents.shift()!;
    for await (const page of sdk.paginateListAccountsForParent({ client }, { ParentId }, options))
      for (const account of page.Accounts ?? []) add(account);
    for await (const page of sdk.paginateListOrganizationalUnitsForParent({ client }, { ParentId }, options)) {
      for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) parents.push(unit.Id);
    }
  }
  return listing;
}
