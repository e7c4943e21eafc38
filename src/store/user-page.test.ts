import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../demo/synthetic-users.js';
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import { toUserRow, type UserRow } from '../domain/user.js';
import type { UserListQuery } from '../domain/user-list-query.js';
import { storeFactories } from '../test-support/stores.js';
import type { Store } from './store.js';

function customerFor(partnerId: string): CustomerRecord {
  const id = randomUUID();
  const name = `Page ${id.slice(0, 8)}`;
  return {
    partnerId,
    id,
    commerceId: randomUUID(),
    domain: `page${id.slice(0, 8)}.onmicrosoft.com`,
    companyName: name,
    customDomains: [],
    billingProfile: { companyName: name, culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
    createdAt: '2026-01-01T00:00:00Z',
  };
}

/** Users whose display names tie in groups, mixed case and accents, so the id breaks ties. */
function trickyUsers(customer: CustomerRecord, count: number): UserRow[] {
  const names = ['Émile Zola', 'émile zola', 'Ada Lovelace', 'ada lovelace', 'Zoë Ng', 'Bob', 'bob', 'Ünal Kaya'];
  return syntheticUsers(customer.id, customer.domain, 0, count)
    .map((row, i) => (i % 3 === 0 ? toUserRow({ ...row, displayName: names[i % names.length] }) : row))
    .map((row, i) => (i % 10 === 4 ? toUserRow({ ...row, state: 'inactive', softDeletionTime: '2026-01-02T00:00:00Z' }) : row));
}

/** The oracle: users in the query's order, computed in JavaScript from the rows. */
function expectedOrder(rows: UserRow[], query: UserListQuery): string[] {
  const key = (r: UserRow) => (query.sortField === 'displayName' ? r.displayNameKey : r.userPrincipalNameKey);
  // Binary (code point) order, as the stores' C collation and SQLite's BINARY compare.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = rows.filter((r) => r.state === query.state).sort((a, b) => cmp(key(a), key(b)) || cmp(a.id, b.id));
  if (query.direction === 'desc') sorted.reverse();
  return sorted.map((r) => r.id);
}

async function walk(store: Store, partnerId: string, customerId: string, query: UserListQuery, size: number) {
  const ids: string[] = [];
  const counts: number[] = [];
  let after: KeysetPosition | undefined;
  do {
    const page = await store.readUserPage(partnerId, customerId, query, size, after);
    assert.ok(page, 'the partner owns the customer');
    const items = JSON.parse(`[${page.itemsJson.toString()}]`) as { id: string }[];
    assert.equal(items.length, page.count);
    ids.push(...items.map((u) => u.id));
    counts.push(page.count);
    after = page.next;
  } while (after);
  return { ids, counts };
}

for (const factory of storeFactories) {
  describe(`reading a page of users in one statement on ${factory.name}`, () => {
    let store: Store;
    let customer: CustomerRecord;
    let rows: UserRow[];
    before(async () => {
      store = await factory.open();
      customer = customerFor(demoPartnerId);
      await store.insertCustomer(customer, []);
      rows = trickyUsers(customer, 230);
      await store.insertUsers(rows.map((row) => ({ row, passwordHash: unusablePasswordHash })));
    });
    after(async () => factory.dispose(store));

    const queries: UserListQuery[] = [
      { state: 'active', sortField: 'displayName', direction: 'asc' },
      { state: 'active', sortField: 'displayName', direction: 'desc' },
      { state: 'active', sortField: 'userPrincipalName', direction: 'asc' },
      { state: 'active', sortField: 'userPrincipalName', direction: 'desc' },
    ];
    for (const query of queries) {
      it(`walks every user once, in ${query.sortField} ${query.direction} order with ties broken by id, whatever the page size`, async () => {
        for (const size of [1, 7, 100, 230, 500]) {
          const { ids, counts } = await walk(store, demoPartnerId, customer.id, query, size);
          assert.deepEqual(ids, expectedOrder(rows, query), `size ${size}`);
          assert.ok(counts.slice(0, -1).every((n) => n === size), 'every page but the last is full');
          assert.ok(counts.at(-1)! > 0 && counts.at(-1)! <= size, 'the last page is not empty: no next link points at nothing');
        }
      });
    }

    it('walks deleted and active users in turn, each list holding only its own state', async () => {
      for (const state of ['inactive', 'active', 'inactive'] as const) {
        const query: UserListQuery = { state, sortField: 'displayName', direction: 'asc' };
        const { ids } = await walk(store, demoPartnerId, customer.id, query, 10);
        assert.deepEqual(ids, expectedOrder(rows, query), state);
      }
      assert.ok(rows.some((r) => r.state === 'inactive'));
    });

        it('gives the same items as the stored JSON, byte for byte', async () => {
      const page = (await store.readUserPage(demoPartnerId, customer.id, queries[0], 5))!;
      const byId = new Map(rows.map((r) => [r.id, r.itemJson]));
      const ids = expectedOrder(rows, queries[0]).slice(0, 5);
      assert.equal(page.itemsJson.toString(), ids.map((id) => byId.get(id)).join(','));
    });

    it('applies a prefix search inside the range', async () => {
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'starts_with', value: 'émile' } };
      const { ids } = await walk(store, demoPartnerId, customer.id, query, 4);
      const expected = expectedOrder(rows.filter((r) => r.displayNameKey.startsWith('émile')), query);
      assert.ok(expected.length > 4);
      assert.deepEqual(ids, expected);
    });

    it('answers an empty, owned customer with an empty page and no next position', async () => {
      const empty = customerFor(demoPartnerId);
      await store.insertCustomer(empty, []);
      const page = await store.readUserPage(demoPartnerId, empty.id, queries[0], 100);
      assert.deepEqual(page && { ...page, itemsJson: page.itemsJson.toString() }, { itemsJson: '', count: 0, next: undefined });
    });

    it('reads nothing for a partner that does not own the customer, or a customer that does not exist', async () => {
      assert.equal(await store.readUserPage(randomUUID(), customer.id, queries[0], 100), undefined);
      assert.equal(await store.readUserPage(demoPartnerId, randomUUID(), queries[0], 100), undefined);
    });
  });
}
