import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../demo/synthetic-users.js';
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import { toUserRow, type UserRow } from '../domain/user.js';
import type { UserListQuery } from '../domain/user-list-query.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test-support/private-postgres.js';
import { storeFactories, testCustomer } from '../test-support/stores.js';
import { pageNeutralMethods, withPageReadAhead, type PageReadAheadOptions } from './page-read-ahead.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { userPageItemsText, type Store, type UserPageJson } from './store.js';

const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc' };
const size = 10;

const customerFor = (partnerId: string): CustomerRecord => testCustomer(partnerId, 'Ahead');

const itemsOf = (page: UserPageJson | undefined) => JSON.parse(`[${userPageItemsText(page!)}]`) as { id: string; displayName: string }[];

/** The real store, counting the page reads that reach it. */
function counting(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'readUserPage' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: Parameters<Store['readUserPage']>) => {
        reads++;
        return target.readUserPage(...args);
      };
    },
  });
  return { store: counted, reads: () => reads };
}

for (const factory of storeFactories) {
  describe(`reading the next users page ahead during a walk on ${factory.name}`, () => {
    let inner: Store;
    let customer: CustomerRecord;
    let rows: UserRow[];
    before(async () => {
      inner = await factory.open();
      customer = customerFor(demoPartnerId);
      await inner.insertCustomer(customer, []);
      rows = syntheticUsers(customer.id, customer.domain, 0, 60);
      await inner.insertUsers(rows.map((row) => ({ row, passwordHash: unusablePasswordHash })));
    });
    after(async () => factory.dispose(inner));

    // On PostgreSQL the factory's store reads ahead itself (as openStore composes it); the layer
    // under test is the one added here, and `reads` counts what reaches the store beneath it.
    const open = (options?: PageReadAheadOptions) => {
      const count = counting(inner);
      return { store: withPageReadAhead(count.store, options), reads: count.reads };
    };
    const read = (store: Store, at?: KeysetPosition) => store.readUserPage(demoPartnerId, customer.id, query, size, at);
    /** Gives a read ahead that was started time to finish, so that it would hold the old state. */
    const settle = () => sleep(50);

    it('returns the same pages as the store it wraps, every user once', async () => {
      const { store } = open();
      let at: KeysetPosition | undefined;
      let at2: KeysetPosition | undefined;
      const ids: string[] = [];
      do {
        const page = await read(store, at);
        const plain = await read(inner, at2);
        assert.equal(userPageItemsText(page!), userPageItemsText(plain!));
        assert.deepEqual(page!.next, plain!.next);
        ids.push(...itemsOf(page).map((u) => u.id));
        at = page!.next;
        at2 = plain!.next;
      } while (at);
      assert.equal(ids.length, rows.length);
      assert.equal(new Set(ids).size, rows.length);
    });

    it('reads the page after a continuation before it is asked for, and answers it from there', async () => {
      const { store, reads } = open();
      const first = await read(store);
      assert.equal(reads(), 1, 'a first page alone reads nothing ahead: most lists stop there');
      const second = await read(store, first!.next);
      assert.equal(reads(), 3, 'asked at the position the first page handed out: a walk, so the third page is read too');
      await read(store, second!.next);
      assert.equal(reads(), 4, 'the third page came from the read ahead; only the fourth was read');
    });

    it('reads nothing ahead for a page asked at a position no page handed out', async () => {
      const { store, reads } = open();
      const elsewhere = (await read(inner, (await read(inner))!.next))!.next!;
      await read(store, elsewhere);
      assert.equal(reads(), 1);
    });

    it('shows a change made through the store, even to a page it had read ahead', async () => {
      const { store } = open();
      const second = await read(store, (await read(store))!.next);
      await settle();
      const onThirdPage = itemsOf(await read(inner, second!.next))[0];
      const row = rows.find((r) => r.id === onThirdPage.id)!;
      const renamed = `${row.displayName} Renamed`;
      assert.equal(await store.updateUser(toUserRow({ ...row, displayName: renamed })).then((o) => o.result), 'ok');
      const third = itemsOf(await read(store, second!.next));
      assert.equal(third.find((u) => u.id === row.id)?.displayName, renamed);
      assert.equal(await store.updateUser(row).then((o) => o.result), 'ok');
    });

    it('does not hand out a page read ahead longer ago than its age limit (a change it cannot see)', async () => {
      const { store, reads } = open({ maxAgeMs: 20 });
      const second = await read(store, (await read(store))!.next);
      await settle();
      const onThirdPage = itemsOf(await read(inner, second!.next))[0];
      const row = rows.find((r) => r.id === onThirdPage.id)!;
      const renamed = `${row.displayName} Elsewhere`;
      // Through the inner store, as another worker process would: the decorator does not see it.
      assert.equal((await inner.updateUser(toUserRow({ ...row, displayName: renamed }))).result, 'ok');
      const readsBefore = reads();
      const third = itemsOf(await read(store, second!.next));
      assert.equal(reads() - readsBefore, 2, 'the third page is read again (and the fourth ahead)');
      assert.equal(third.find((u) => u.id === row.id)?.displayName, renamed);
      assert.equal((await inner.updateUser(row)).result, 'ok');
    });

    it('names only methods the store has as neutral to pages', () => {
      for (const name of pageNeutralMethods) assert.equal(typeof Reflect.get(inner, name), 'function', name);
    });
  });
}

describe('a read ahead that fails on a PostgreSQL server that stops', { timeout: 120_000 }, () => {
  let db: PrivatePostgres | undefined;
  let inner: Store | undefined;
  after(async () => {
    await inner?.close();
    db?.destroy();
  });

  it('is not the answer: the page is read again once the server is back', async () => {
    db = await startPrivatePostgres();
    inner = new PostgresStore(db.url, { poolSize: 4 });
    await inner.migrate();
    const customer = customerFor(demoPartnerId);
    await inner.insertCustomer(customer, []);
    await inner.insertUsers(syntheticUsers(customer.id, customer.domain, 0, 40).map((row) => ({ row, passwordHash: unusablePasswordHash })));
    const read = (store: Store, at?: KeysetPosition) => store.readUserPage(demoPartnerId, customer.id, query, size, at);
    const second = await read(inner, (await read(inner))!.next);
    const third = await read(inner, second!.next);

    // The third read that reaches the store is the read ahead: the server stops under it.
    const real = inner;
    const server = db;
    let reads = 0;
    let failedAhead: unknown;
    const stopping = new Proxy(real, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property !== 'readUserPage' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<Store['readUserPage']>) => {
          if (++reads !== 3) return target.readUserPage(...args);
          server.stop();
          try {
            return await target.readUserPage(...args);
          } catch (e) {
            failedAhead = e;
            throw e;
          } finally {
            server.start();
          }
        };
      },
    });
    // An age limit longer than the restart, so that only the failure can send the page to be read again.
    const store = withPageReadAhead(stopping, { maxAgeMs: 60_000 });
    const walkedSecond = await read(store, (await read(store))!.next);
    assert.deepEqual(walkedSecond!.next, second!.next);
    for (let i = 0; i < 600 && failedAhead === undefined; i++) await sleep(50);
    assert.ok(failedAhead, 'the read ahead failed with the server stopped');
    const answered = await read(store, second!.next);
    assert.equal(userPageItemsText(answered!), userPageItemsText(third!));
    assert.equal(reads, 5, 'the page was read again (and the one after it ahead)');
  });
});
