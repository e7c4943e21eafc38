import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import { verifyPassword } from '../../auth/password-hash.js';
import { storeFactories } from '../../test-support/stores.js';
import { userPageItemsText, type Store } from '../../store/store.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { toUserRow, type UserRow } from '../../domain/user.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedUsers } from './seed.js';

const binaryOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every list order and a few searches of a customer come back complete and in order. */
async function assertIndexesServe(store: Store, customerId: string, expected: number) {
  for (const sortField of ['displayName', 'userPrincipalName'] as const) {
    for (const direction of ['asc', 'desc'] as const) {
      const users = await listAll(store, customerId, { state: 'active', sortField, direction });
      assert.equal(users.length, expected, `${sortField} ${direction}`);
      assert.equal(new Set(users.map((u) => u.id)).size, expected);
      const keys = users.map((u) => `${u[sortField].toLowerCase()}\u0000${u.id}`);
      const sorted = [...keys].sort(binaryOrder);
      assert.deepEqual(keys, direction === 'asc' ? sorted : sorted.reverse(), `${sortField} ${direction} order`);
    }
  }
  const all = await listAll(store, customerId);
  const zoe = await listAll(store, customerId, { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'starts_with', value: 'zoë' } });
  assert.equal(zoe.length, all.filter((u) => u.displayName.toLowerCase().startsWith('zoë')).length);
  const one = all[Math.floor(all.length / 2)];
  const found = await listAll(store, customerId, { state: 'active', sortField: 'userPrincipalName', direction: 'asc', search: { field: 'userPrincipalName', operator: 'equals', value: one.userPrincipalName.toLowerCase() } });
  assert.deepEqual(found.map((u) => u.id), [one.id]);
  assert.equal(JSON.parse((await store.findUserJson(customerId, one.id))!).id, one.id);
}

const everyUser = { state: 'active', sortField: 'displayName', direction: 'asc' } as const;

async function listAll(store: Store, customerId: string, query: UserListQuery = everyUser): Promise<{ id: string; displayName: string; userPrincipalName: string }[]> {
  const out: { id: string; displayName: string; userPrincipalName: string }[] = [];
  let after: KeysetPosition | undefined;
  do {
    const page = (await store.readUserPage(demoPartnerId, customerId, query, 500, after))!;
    out.push(...JSON.parse(`[${userPageItemsText(page)}]`));
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

    it('keeps every index usable and complete when seeding into a table that already holds users', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      await seedUsers(store, { partnerId: demoPartnerId, customerId: a, usersPerCustomer: 700, customers: 1, batchSize: 250 });
      await seedUsers(store, { partnerId: demoPartnerId, customerId: b, usersPerCustomer: 500, customers: 1 });
      await seedUsers(store, { partnerId: demoPartnerId, customerId: a, usersPerCustomer: 400, customers: 1, batchSize: 150 });
      assert.equal(await store.countUsers(a, 'active'), 1100);
      assert.equal(await store.countUsers(b, 'active'), 500);
      await assertIndexesServe(store, a, 1100);
      await assertIndexesServe(store, b, 500);
      // The unique index over active names still holds for seeded users.
      const [taken] = await listAll(store, a);
      const clash = toUserRow({ ...syntheticUsers(a, 'x.example', 0, 1)[0], id: randomUUID(), userPrincipalName: taken.userPrincipalName.toUpperCase() });
      assert.equal(await store.insertUser(clash, unusablePasswordHash), 'upn_taken');
    });

    it('writes nothing when a load fails part-way, and the store stays usable', async () => {
      const customerId = randomUUID();
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 0, customers: 1 });
      const rows = syntheticUsers(customerId, 'fail.example', 0, 400);
      function* failing() {
        yield rows.slice(0, 200);
        throw new Error('generator failed');
      }
      await assert.rejects(store.insertUsersBulk(failing(), unusablePasswordHash), /generator failed/);
      assert.equal(await store.countUsers(customerId, 'active'), 0);
      // A clash (the same user twice) fails the whole load too.
      await assert.rejects(store.insertUsersBulk([rows.slice(0, 300), rows.slice(250, 260)], unusablePasswordHash));
      assert.equal(await store.countUsers(customerId, 'active'), 0);
      assert.equal(await store.insertUsersBulk([rows.slice(0, 200), rows.slice(200)], unusablePasswordHash), 400);
      assert.equal(await store.countUsers(customerId, 'active'), 400);
    });

    it('stores text with tabs, line breaks, backslashes and quotes exactly', async () => {
      const customerId = randomUUID();
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 0, customers: 1 });
      const [template] = syntheticUsers(customerId, 'text.example', 0, 1);
      const { displayNameKey, userPrincipalNameKey, itemJson, ...record } = template;
      const row: UserRow = toUserRow({ ...record, displayName: 'Tab\there, new\nline\r, back\\slash \\N "quoted"', firstName: '\\', lastName: 'Null \\N' });
      assert.equal(await store.insertUsersBulk([[row]], unusablePasswordHash), 1);
      const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      assert.deepEqual(defined((await store.findUser(customerId, row.id))!), defined({ ...record, displayName: row.displayName, firstName: row.firstName, lastName: row.lastName }));
      assert.equal(await store.findUserJson(customerId, row.id), row.itemJson);
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

describe('tenantry seed on a SQLite file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-seed-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const journalMode = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.pragma('journal_mode', { simple: true });
    } finally {
      db.close();
    }
  };

  it('loads through a rollback journal and leaves the database in WAL mode, intact', async () => {
    const file = join(dir, 'alone.db');
    const store = new SqliteStore(file);
    await store.migrate();
    const customerId = randomUUID();
    await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 900, customers: 1, batchSize: 200 });
    await seedUsers(store, { partnerId: demoPartnerId, customerId: randomUUID(), usersPerCustomer: 300, customers: 1 });
    await assertIndexesServe(store, customerId, 900);
    await store.close();
    assert.equal(journalMode(file), 'wal');
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });

  it('stays in WAL mode when another connection has the database open', async () => {
    const file = join(dir, 'shared.db');
    const store = new SqliteStore(file);
    await store.migrate();
    const reader = new Database(file, { readonly: true });
    try {
      const customerId = randomUUID();
      assert.equal(reader.prepare('SELECT count(*) FROM users').pluck().get(), 0);
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 500, customers: 1 });
      assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(reader.prepare('SELECT count(*) FROM users WHERE customer_id = ?').pluck().get(customerId), 500);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('loads in index order with a small page cache, raises it when a batch breaks that order, and serves every page after', async () => {
    const file = join(dir, 'order.db');
    const store = new SqliteStore(file);
    await store.migrate();
    const db = (store as unknown as { db: Database.Database }).db;
    const before = { cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) };
    const customerId = randomUUID();
    await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 0, customers: 1 });
    const seen: { cache: unknown; mmap: unknown }[] = [];
    const byDisplayName = (a: UserRow, b: UserRow) => binaryOrder(a.displayNameKey, b.displayNameKey) || binaryOrder(a.id, b.id);
    // Ids handed out in display-name order, as `tenantry seed` does, so both orders agree.
    const sorted = syntheticUsers(customerId, 'order.example', 0, 600).sort(byDisplayName);
    const ids = sorted.map((r) => r.id).sort(binaryOrder);
    const inOrder = sorted.map(({ displayNameKey, userPrincipalNameKey, itemJson, ...record }, i) => toUserRow({ ...record, id: ids[i] }));
    const scattered = syntheticUsers(customerId, 'order.example', 600, 300);
    function* batches() {
      for (const batch of [inOrder.slice(0, 300), inOrder.slice(300), scattered]) {
        seen.push({ cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) });
        yield batch;
      }
      seen.push({ cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) });
    }
    assert.equal(await store.insertUsersBulk(batches(), unusablePasswordHash), 900);
    assert.deepEqual(seen, [
      { cache: -64 * 1024, mmap: 0 },
      { cache: -64 * 1024, mmap: 0 },
      { cache: -64 * 1024, mmap: 0 },
      { cache: -2 * 1024 * 1024, mmap: 0 },
    ]);
    assert.deepEqual({ cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) }, before);
    await assertIndexesServe(store, customerId, 900);
    await store.close();
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
    check.close();
  });

  it('returns to WAL mode, its page cache and its mapping after a load that fails', async () => {
    const file = join(dir, 'failed.db');
    const store = new SqliteStore(file);
    await store.migrate();
    const customerId = randomUUID();
    await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 0, customers: 1 });
    function* failing() {
      yield syntheticUsers(customerId, 'fail.example', 0, 100);
      throw new Error('generator failed');
    }
    const db = (store as unknown as { db: Database.Database }).db;
    const before = { cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) };
    await assert.rejects(store.insertUsersBulk(failing(), unusablePasswordHash), /generator failed/);
    assert.equal(await store.countUsers(customerId, 'active'), 0);
    assert.deepEqual({ cache: db.pragma('cache_size', { simple: true }), mmap: db.pragma('mmap_size', { simple: true }) }, before, 'the page cache and the mapping are as before');
    await store.close();
    assert.equal(journalMode(file), 'wal');
  });
});
