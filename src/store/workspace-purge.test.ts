/**
 * A workspace's share of the sweep (`Store.purgePartner`), on both stores: it removes the
 * workspace's users whose restore window has passed and nothing else, and on SQLite it finds them
 * in the index of deleted users instead of walking every user of the workspace's customers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { seedUsers } from '../cli/commands/seed.js';
import { syntheticUsers } from '../demo/synthetic-users.js';
import { toUserRow } from '../domain/user.js';
import { realTime } from '../domain/emulator/workspace-clock.js';
import { sqlitePlans } from '../test-support/sqlite-plans.js';
import { storeFactories } from '../test-support/stores.js';
import { purgeDeletedUsersSql } from './sqlite/sqlite-emulator-workspaces.js';
import type { Store } from './store.js';

const cutOff = '2026-06-01T00:00:00Z';
const longAgo = { deletedUsers: '2000-01-01T00:00:00Z', requests: '2000-01-01T00:00:00Z', auditRecords: '2000-01-01T00:00:00Z' };

for (const factory of storeFactories) {
  describe(`a workspace's sweep on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    /** A workspace with one customer of `active` users and users deleted at each of `deletedAt`. */
    const workspace = async (active: number, deletedAt: string[]) => {
      const partnerId = randomUUID();
      const customerId = randomUUID();
      await store.insertWorkspace({ id: partnerId, name: 'sweep', clock: realTime, idCounter: 0, generation: 0, settings: '{}', createdAt: new Date().toISOString() });
      await seedUsers(store, { partnerId, customerId, usersPerCustomer: active, customers: 1 });
      const customer = (await store.findCustomer(partnerId, customerId))!;
      const deleted = syntheticUsers(customerId, customer.domain, active + 1, deletedAt.length).map((row, i) => toUserRow({ ...row, state: 'inactive', softDeletionTime: deletedAt[i] }));
      await store.insertUsers(deleted.map((row) => ({ row, passwordHash: 'x' })));
      return { partnerId, customerId, deletedIds: deleted.map((row) => row.id) };
    };

    /** The customer's users in `state`, ids sorted. */
    const userIds = async (customerId: string, state: 'active' | 'inactive') => {
      const ids: string[] = [];
      let afterId = '';
      for (;;) {
        const users = await store.listUsersById(customerId, afterId, 100);
        ids.push(...users.filter((u) => u.state === state).map((u) => u.id));
        if (users.length < 100) return ids.sort();
        afterId = users[users.length - 1].id;
      }
    };

    it("removes the workspace's users deleted before the cut-off and keeps its later deletions, its active users and other workspaces' users", async () => {
      const mine = await workspace(12, ['2026-01-10T00:00:00Z', '2026-05-31T23:59:59Z', '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z']);
      const theirs = await workspace(3, ['2026-01-10T00:00:00Z']);
      const theirsBefore = await userIds(theirs.customerId, 'inactive');

      const purged = await store.purgePartner(mine.partnerId, { ...longAgo, deletedUsers: cutOff });

      assert.equal(purged.users, 2);
      assert.deepEqual(await userIds(mine.customerId, 'inactive'), mine.deletedIds.slice(2).sort());
      assert.equal((await userIds(mine.customerId, 'active')).length, 12);
      assert.deepEqual(await userIds(theirs.customerId, 'inactive'), theirsBefore);
      assert.equal(theirsBefore.length, 1);
    });
  });
}

describe("a workspace's sweep on sqlite, as planned", () => {
  const planOf = sqlitePlans();

  it("finds the users to purge in the index of deleted users, not by walking every user of the workspace's customers", () => {
    const plan = planOf(purgeDeletedUsersSql, [cutOff, 'partner']);
    assert.ok(plan.some((step) => /^SEARCH users USING INDEX users_deleted \(soft_deletion_time<\?\)/.test(step)), plan.join('\n'));
    assert.ok(!plan.some((step) => /^(SEARCH|SCAN) users USING PRIMARY KEY/.test(step)), plan.join('\n'));
  });
});
