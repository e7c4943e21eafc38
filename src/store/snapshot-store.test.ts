/**
 * The store's side of workspace snapshots (issue 11), on both stores: a restore gives back every
 * row of every table a workspace owns (columns the API never reads, such as password hashes,
 * included) and no other workspace's rows change.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { seedUsers } from '../cli/commands/seed.js';
import { syntheticUsers } from '../demo/synthetic-users.js';
import { toUserRow } from '../domain/user.js';
import { realTime } from '../domain/emulator/workspace-clock.js';
import { storeFactories } from '../test-support/stores.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import { ofPartner } from './queries/of-partner.js';
import { snapshotTables } from './queries/snapshot-sql.js';
import type { Store } from './store.js';

for (const factory of storeFactories) {
  describe(`snapshot storage on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    /** Every row the workspace owns, table by table, read past the Store interface (as stored). */
    const dump = async (partnerId: string) => {
      const byTable = new Map<string, string[]>();
      // The name words are not saved: a restore files its users again, and must file them alike.
      const derived = { table: 'user_name_words', where: ofPartner };
      for (const { table, where } of [...snapshotTables, derived]) {
        const sql = `SELECT * FROM ${table} WHERE ${where}`;
        const rows: unknown[] =
          factory.name === 'sqlite'
            ? (store as unknown as { db: Database.Database }).db.prepare(sql).all(partnerId)
            : (await (store as PostgresStore).pool.query(sql.replace('?', '$1'), [partnerId])).rows;
        byTable.set(table, rows.map((r) => JSON.stringify(r)).sort());
      }
      return byTable;
    };

    const workspace = async (users: number) => {
      const partnerId = randomUUID();
      const customerId = randomUUID();
      await store.insertWorkspace({ id: partnerId, name: 'snap', clock: realTime, idCounter: 0, generation: 0, settings: '{}', createdAt: new Date().toISOString() });
      await seedUsers(store, { partnerId, customerId, usersPerCustomer: users, customers: 1 });
      const customer = (await store.findCustomer(partnerId, customerId))!;
      return { partnerId, customerId, domain: customer.domain };
    };

    it('gives back every row of the workspace as stored, password hashes included, and no other workspace changes', async () => {
      const mine = await workspace(30);
      const theirs = await workspace(5);
      const [first] = syntheticUsers(mine.customerId, mine.domain, 100, 1);
      // A name that splits every way (glued digits, runs of spaces, a repeat, a tab), as the
      // restore's SQL split must split it alike.
      const [awkward] = syntheticUsers(mine.customerId, mine.domain, 101, 1).map((row) => toUserRow({ ...row, displayName: 'Bob2smith  Bob-Lee 7ada Ada\tTab bob2smith' }));
      await store.insertUsers([{ row: first, passwordHash: 'hash-at-snapshot' }, { row: awkward, passwordHash: 'x' }]);
      const before = await dump(mine.partnerId);
      assert.equal(before.get('users')!.length, 32);
      assert.ok(before.get('user_name_words')!.length >= 31);
      await store.saveSnapshot(mine.partnerId, 'all', { createdAt: new Date().toISOString(), clock: realTime, idCounter: 0, settings: '{}' });

      await store.updateUser({ ...first, displayName: 'Renamed', displayNameKey: 'renamed' }, { passwordHash: 'hash-after-reset' });
      await store.insertUsers(syntheticUsers(mine.customerId, mine.domain, 200, 3).map((row) => ({ row, passwordHash: 'x' })));
      await store.insertUsers(syntheticUsers(theirs.customerId, theirs.domain, 200, 2).map((row) => ({ row, passwordHash: 'x' })));
      const theirsAfterWrites = await dump(theirs.partnerId);
      assert.notDeepEqual(await dump(mine.partnerId), before);

      assert.ok(await store.restoreSnapshot(mine.partnerId, 'all'));
      assert.deepEqual(await dump(mine.partnerId), before);
      assert.ok(before.get('users')!.some((r) => r.includes('hash-at-snapshot')));
      assert.deepEqual(await dump(theirs.partnerId), theirsAfterWrites);
      assert.equal(await store.countUsers(theirs.customerId, 'active'), 7);
    });

    it('restores the same snapshot twice, and nothing for an unknown name or workspace', async () => {
      const mine = await workspace(10);
      const before = await dump(mine.partnerId);
      await store.saveSnapshot(mine.partnerId, 'twice', { createdAt: new Date().toISOString(), clock: realTime, idCounter: 0, settings: '{}' });
      for (let i = 0; i < 2; i++) {
        await store.insertUsers(syntheticUsers(mine.customerId, mine.domain, 300, 2).map((row) => ({ row, passwordHash: 'x' })));
        assert.ok(await store.restoreSnapshot(mine.partnerId, 'twice'));
        assert.deepEqual(await dump(mine.partnerId), before);
      }
      assert.equal(await store.restoreSnapshot(mine.partnerId, 'other'), undefined);
      assert.equal(await store.restoreSnapshot(randomUUID(), 'twice'), undefined);
    });
  });
}
