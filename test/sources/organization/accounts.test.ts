import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import * as organizationsSdk from '@aws-sdk/client-organizations';
import { listOrganizationAccounts } from '../../../src/sources/organization/accounts.js';
import { EMULATOR_CREDENTIALS, type OrganizationEmulator, startOrganizationEmulator } from '../../support/ecs-emulator/index.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

describe('listing the organization: every page, every OU level, only ACTIVE accounts', () => {
  let emulator: OrganizationEmulator;
  let client: OrganizationsClient;
  let deep: string;
  before(async () => {
    emulator = await startOrganizationEmulator({ accountId: '100000000000' });
    const { organization } = emulator;
    const a = organization.addUnit('A');
    const b = organization.addUnit('B', a);
    deep = organization.addUnit('C', b);
    // 45 members + the management account: three pages of 20 for ListAccounts.
    for (let i = 1; i <= 45; i++) {
      const parentId = i <= 10 ? organization.rootId : i <= 20 ? a : i <= 41 ? b : deep;
      organization.addAccount({
        id: String(100_000_000_000 + i),
        parentId,
        ...(i % 15 === 0 ? { state: i === 15 ? 'SUSPENDED' : 'CLOSED' } : {}),
      });
    }
    client = new OrganizationsClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS });
  });
  after(async () => {
    client.destroy();
    await emulator.stop();
  });

  it('ListAccounts: all pages; suspended and closed accounts skipped and named', async () => {
    emulator.resetCalls();
    const listing = await listOrganizationAccounts(organizationsSdk, client, undefined);
    assert.equal(listing.accounts.length, 46 - 3);
    assert.deepEqual(
      listing.skipped.map((s) => [s.id, s.state]),
      [
        ['100000000015', 'SUSPENDED'],
        ['100000000030', 'CLOSED'],
        ['100000000045', 'CLOSED'],
      ],
    );
    assert.deepEqual(emulator.countCalls({ service: 'organizations' }), { ListAccounts: 3 });
  });

  it('--ou: the OU, its child OUs and their children, with paged children (21 accounts directly under B)', async () => {
    emulator.resetCalls();
    const a = [...emulator.organization.units.values()].find((u) => u.name === 'A')!.id;
    const listing = await listOrganizationAccounts(organizationsSdk, client, a);
    // A: 11–20 (15 suspended), B: 21–41 (30 closed), C: 42–45 (45 closed)
    assert.equal(listing.accounts.length, 10 + 21 + 4 - 3);
    assert.equal(emulator.countCalls({ service: 'organizations' })['ListAccountsForParent'], 1 + 2 + 1);
    const leaf = await listOrganizationAccounts(organizationsSdk, client, deep);
    assert.deepEqual(
      leaf.accounts.map((x) => x.id),
      ['100000000042', '100000000043', '100000000044'],
    );
  });
});
