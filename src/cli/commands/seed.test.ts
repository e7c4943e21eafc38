import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { demoPartnerId } from '../../demo/demo-data.js';
import { unusablePasswordHash } from '../../demo/synthetic-users.js';
import { verifyPassword } from '../../auth/password-hash.js';
import { storeFactories } from '../../test-support/stores.js';
import type { Store } from '../../store/store.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import { seedUsers } from './seed.js';

const everyUser = { state: 'active', sortField: 'displayName', direction: 'asc' } as const;

async function listAll(store: Store, customerId: string): Promise<{ id: string; displayName: string }[]> {
  const out: { id: string; displayName: string }[] = [];
  let after: KeysetPosition | undefined;
  do {
    const page = (await store.readUserPage(demoPartnerId, customerId, everyUser, 500, after))!;
    out.push(...JSON.parse(`[${page.itemsJson.toString()}]`));
    after = page.next;
  } while (after);
  return out;
}

for (const factory of storeFactories) {
  describe(`tenantry seed on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    it('creates the missing customers and fills each with the asked number of users, in batches', async () => {
      const customerId = randomUUID();
      const progress: number[] = [];
      const result = await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 1200, customers: 2, batchSize: 500, onProgress: (n) => progress.push(n) });
      assert.equal(result.users, 2400);
      assert.equal(result.customerIds[0], customerId);
      assert.equal(result.customerIds.length, 2);
      assert.deepEqual(progress, [500, 1000, 1200, 1700, 2200, 2400]);
      assert.ok(result.usersPerSecond > 0);
      for (const id of result.customerIds) {
        assert.ok(await store.findCustomer(demoPartnerId, id), 'the customer exists under the partner');
        const users = await listAll(store, id);
        assert.equal(users.length, 1200);
        assert.equal(new Set(users.map((u) => u.id)).size, 1200, 'ids are unique');
        const names = users.map((u) => u.displayName.toLowerCase());
        assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'pages come back in display-name order');
      }
    });

    it('adds to an existing customer without clashing on user principal names', async () => {
      const customerId = randomUUID();
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 300, customers: 1 });
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 300, customers: 1 });
      assert.equal(await store.countUsers(customerId, 'active'), 600);
    });

    it('gives seeded users a password hash that no password matches', async () => {
      const customerId = randomUUID();
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 1, customers: 1 });
      const [user] = await listAll(store, customerId);
      const record = await store.findUser(customerId, user.id);
      assert.equal(record?.state, 'active');
      for (const guess of ['', 'disabled', 'Password!1']) assert.equal(await verifyPassword(guess, unusablePasswordHash), false);
    });
  });
}
