import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../demo/synthetic-users.js';
import { framedItems } from '../domain/collection.js';
import type { KeysetPosition } from '../domain/continuation-token.js';
import type { CustomerRecord } from '../domain/customer.js';
import { toUserRow, type UserRow } from '../domain/user.js';
import type { UserListQuery } from '../domain/user-list-query.js';
import { maxScannedUsers } from '../schemas/customer-user.js';
import { storeFactories, testCustomer } from '../test-support/stores.js';
import { userPageItemsText, userPagePieceSize, type Store } from './store.js';

const customerFor = (partnerId: string): CustomerRecord => testCustomer(partnerId, 'Page');

/** Users whose display names tie in groups, mixed case and accents, so the id breaks ties. */
function trickyUsers(customer: CustomerRecord, count: number): UserRow[] {
  const names = ['Émile Zola', 'émile zola', 'Ada Lovelace', 'ada lovelace', 'Zoë Ng', 'Bob', 'bob', 'Ünal Kaya', '100% Sure_a_b', 'X\\y "Q" Ab', 'ÉMILE 100%', 'Bob2smith  Bob-Lee', 'Maria de la Cruz', 'Ünal9ünal'];
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
    const items = JSON.parse(`[${userPageItemsText(page)}]`) as { id: string }[];
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
      assert.equal(userPageItemsText(page), ids.map((id) => byId.get(id)).join(','));
    });

    it('hands a large page over as one run of the items\' bytes, in order', async () => {
      const namesake = customerFor(demoPartnerId);
      await store.insertCustomer(namesake, []);
      const namesakes = syntheticUsers(namesake.id, namesake.domain, 0, 150).map((row, i) => toUserRow({ ...row, displayName: i % 5 ? `Kenji Tanaka ${i} 山田` : `Ann Lëe ${i}` }));
      await store.insertUsers(namesakes.map((row) => ({ row, passwordHash: unusablePasswordHash })));
      const itemJson = new Map(namesakes.map((r) => [r.id, r.itemJson]));
      // A plain page, and a page of a contains search (on PostgreSQL its own statement; both are
      // read through the page connections, in more than one piece of userPagePieceSize users).
      for (const query of [queries[1], { ...queries[0], search: { field: 'displayName', operator: 'substring', value: 'tanaka' } } satisfies UserListQuery]) {
        const page = (await store.readUserPage(demoPartnerId, namesake.id, query, 500))!;
        const expected = expectedOrder(query.search ? namesakes.filter((r) => r.displayNameKey.includes('tanaka')) : namesakes, query);
        assert.equal(page.count, expected.length);
        assert.ok(page.count > 2 * userPagePieceSize, 'several pieces worth');
        // The bytes the reply writes: SQLite's joined bytes, PostgreSQL's pieces read as Latin-1.
        assert.ok(!Array.isArray(page.itemsJson), 'the items arrive as bytes, not decoded text');
        assert.deepEqual(framedItems('', page.itemsJson, ''), Buffer.from(expected.map((id) => itemJson.get(id)).join(',')));
      }
    });

    it('applies a prefix search inside the range', async () => {
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'starts_with', value: 'émile' } };
      const { ids } = await walk(store, demoPartnerId, customer.id, query, 4);
      const expected = expectedOrder(rows.filter((r) => r.displayNameKey.startsWith('émile')), query);
      assert.ok(expected.length > 4);
      assert.deepEqual(ids, expected);
    });

    // Contains searches: the stores answer them from a trigram index (three characters or more)
    // or a scan (shorter), in any order; the oracle is a plain `includes` on the lower-cased key.
    const containsSearches: [UserListQuery['sortField'], string][] = [
      ['displayName', 'ZOLA'], // case-insensitive
      ['displayName', 'émi'], // non-ASCII
      ['displayName', 'Ünal'],
      ['displayName', 'ada'], // at the start of some names, inside others (Nakamura, Haddad)
      ['displayName', ' 1'], // a space and a digit
      ['displayName', '100%'], // % _ \ and " are literal characters, not patterns
      ['displayName', '%'],
      ['displayName', 'a_b'],
      ['displayName', '_'],
      ['displayName', 'x\\y'],
      ['displayName', '"q"'],
      ['displayName', 'ab'], // shorter than a trigram: a scan
      ['displayName', 'é'],
      ['displayName', 'no such name'],
      ['displayName', 'smith'], // after a digit: words end at digits and spaces
      ['displayName', 'bob-lee'],
      ['displayName', 'la cruz'], // across words
      ['displayName', 'nal'], // in two words of one name, and in other names
      ['displayName', ' nal'], // the index is asked for "nal" (see trigramIndexText), each row checked for " nal"
      ['displayName', 'zzzz'], // in no word
      ['userPrincipalName', '.tanaka.'], // in the UPN, not in the display name
      ['userPrincipalName', '@PAGE'],
      ['userPrincipalName', '%'],
      ['userPrincipalName', 'o.'],
    ];
    for (const [field, value] of containsSearches) {
      it(`walks every user whose ${field} contains ${JSON.stringify(value)} exactly once, in every order and state`, async () => {
        const key = (r: UserRow) => (field === 'displayName' ? r.displayNameKey : r.userPrincipalNameKey);
        const matching = rows.filter((r) => key(r).includes(value.toLowerCase()));
        for (const base of [...queries, { state: 'inactive', sortField: 'displayName', direction: 'asc' } as UserListQuery]) {
          const query: UserListQuery = { ...base, search: { field, operator: 'substring', value: value.toLowerCase() } };
          for (const size of [3, 100]) {
            const { ids } = await walk(store, demoPartnerId, customer.id, query, size);
            assert.deepEqual(ids, expectedOrder(matching, query), `${query.state} ${query.sortField} ${query.direction}, size ${size}`);
          }
        }
      });
    }

    it('finds users by a name given after they were created, and no longer by the old one; purged users are gone', async () => {
      const search = (value: string): UserListQuery => ({ state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value } });
      const renamedCustomer = customerFor(demoPartnerId);
      await store.insertCustomer(renamedCustomer, []);
      const [user, other] = syntheticUsers(renamedCustomer.id, renamedCustomer.domain, 0, 2);
      await store.insertUser(user, unusablePasswordHash);
      await store.insertUser(other, unusablePasswordHash);
      assert.equal((await store.updateUser(toUserRow({ ...user, displayName: 'Quentin Zyxwv' }))).result, 'ok');
      const found = await walk(store, demoPartnerId, renamedCustomer.id, search('zyxw'), 10);
      assert.deepEqual(found.ids, [user.id]);
      const byOldName = await walk(store, demoPartnerId, renamedCustomer.id, search(user.displayNameKey), 10);
      assert.deepEqual(byOldName.ids, []);
      // Deleted, then purged: the inactive list finds it until the purge.
      assert.equal((await store.updateUser(toUserRow({ ...user, displayName: 'Quentin Zyxwv', state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' }))).result, 'ok');
      assert.deepEqual((await walk(store, demoPartnerId, renamedCustomer.id, search('zyxw'), 10)).ids, []);
      assert.deepEqual((await walk(store, demoPartnerId, renamedCustomer.id, { ...search('zyxw'), state: 'inactive' }, 10)).ids, [user.id]);
      await store.purgeDeletedUsers('2001-01-01T00:00:00Z');
      assert.deepEqual((await walk(store, demoPartnerId, renamedCustomer.id, { ...search('zyxw'), state: 'inactive' }, 10)).ids, []);
      // A new user may take the purged user's name, and is found once.
      const again = toUserRow({ ...syntheticUsers(renamedCustomer.id, renamedCustomer.domain, 5, 1)[0], displayName: 'Quentin Zyxwv' });
      await store.insertUser(again, unusablePasswordHash);
      assert.deepEqual((await walk(store, demoPartnerId, renamedCustomer.id, search('zyxw'), 10)).ids, [again.id]);
    });

    it('walks a contains search that matches more users than the index hands over as candidates', async () => {
      const big = customerFor(demoPartnerId);
      await store.insertCustomer(big, []);
      // 2,500 users contain "common" (more than the index hands over), and all sort after 500
      // that do not, so the first pages are not dense with matches either.
      const many = syntheticUsers(big.id, big.domain, 0, 3000).map((row, i) =>
        toUserRow({ ...row, displayName: i < 500 ? `Aa Plain ${row.displayName}` : `Zz Common ${row.displayName}` }),
      );
      // Loaded as `tenantry seed` loads, so the bulk path keeps the index too.
      await store.insertUsersBulk([many.slice(0, 1000), many.slice(1000)], unusablePasswordHash);
      const orders = [
        { sortField: 'displayName', direction: 'asc' },
        { sortField: 'displayName', direction: 'desc' },
        { sortField: 'userPrincipalName', direction: 'asc' },
      ] as const;
      for (const order of orders) {
        for (const [value, size] of [['common', 100], ['common', 500], ['ommon ada', 37], ['ada adams', 100]] as const) {
          const query: UserListQuery = { state: 'active', ...order, search: { field: 'displayName', operator: 'substring', value } };
          const { ids } = await walk(store, demoPartnerId, big.id, query, size);
          assert.deepEqual(ids, expectedOrder(many.filter((r) => r.displayNameKey.includes(value)), query), `${value} by ${order.sortField} ${order.direction}`);
          assert.ok(ids.length > 0, value);
        }
      }
      // Renamed so that only two users still contain "common": a text the index had too many
      // matches for a moment ago is answered right now that it has few.
      const renamed = many.map((row, i) => (i >= 502 && row.displayNameKey.includes('common') ? toUserRow({ ...row, displayName: `Zz Renamed ${i}` }) : row));
      for (const [i, row] of renamed.entries()) if (row !== many[i]) assert.equal((await store.updateUser(row)).result, 'ok');
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: 'common' } };
      const { ids } = await walk(store, demoPartnerId, big.id, query, 100);
      assert.deepEqual(ids, expectedOrder(renamed.filter((r) => r.displayNameKey.includes('common')), query));
      assert.equal(ids.length, 2);
    });

    it(`reads at most ${maxScannedUsers.toLocaleString('en-US')} users for a page of a text shorter than a trigram, and still walks every match once`, async () => {
      const wide = customerFor(demoPartnerId);
      await store.insertCustomer(wide, []);
      const total = maxScannedUsers + 3000;
      const users = syntheticUsers(wide.id, wide.domain, 0, total);
      const order = expectedOrder(users, { state: 'active', sortField: 'displayName', direction: 'asc' });
      // Matches on both sides of the first bound: " Qj" appended keeps each user where it sorts.
      const at = new Set([5, maxScannedUsers - 1, maxScannedUsers, maxScannedUsers + 1, total - 1].map((i) => order[i]));
      const marked = users.map((row) => (at.has(row.id) ? toUserRow({ ...row, displayName: `${row.displayName} Qj`, userPrincipalName: `qj.${row.userPrincipalName}` }) : row));
      await store.insertUsersBulk([marked], unusablePasswordHash);
      for (const field of ['displayName', 'userPrincipalName'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const query: UserListQuery = { state: 'active', sortField: 'displayName', direction, search: { field, operator: 'substring', value: 'qj' } };
          const { ids, counts } = await walk(store, demoPartnerId, wide.id, query, 100);
          assert.deepEqual(ids, expectedOrder(marked.filter((r) => at.has(r.id)), query), `${field} ${direction}`);
          // The first page stopped at the bound with a match or more, short of a full page.
          assert.deepEqual(counts, direction === 'asc' ? [2, 3] : [4, 1], `${field} ${direction}`);
        }
      }
    });

    it('walks a contains search whose text lies in more distinct words than are merged, and in fewer', async () => {
      const wordy = customerFor(demoPartnerId);
      await store.insertCustomer(wordy, []);
      // 60 users under 40 distinct words that contain "qzx" (qzxaa, qzxab, …), two per word for
      // some, and 26 of those words also contain "qzxa".
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const users = syntheticUsers(wordy.id, wordy.domain, 0, 60).map((row, i) => {
        const w = i % 40;
        return toUserRow({ ...row, displayName: `${letters[i % 26]}m Qzx${letters[Math.floor(w / 26)]}${letters[w % 26]} ${i}` });
      });
      await store.insertUsers(users.map((row) => ({ row, passwordHash: unusablePasswordHash })));
      for (const [value, size] of [['qzx', 7], ['qzxa', 5], ['qzxbc', 100]] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const query: UserListQuery = { state: 'active', sortField: 'displayName', direction, search: { field: 'displayName', operator: 'substring', value } };
          const { ids } = await walk(store, demoPartnerId, wordy.id, query, size);
          assert.deepEqual(ids, expectedOrder(users.filter((r) => r.displayNameKey.includes(value)), query), `${value} ${direction}`);
          assert.ok(ids.length > 0, value);
        }
      }
    });

    it('finds a customer\'s few matches of a text that another customer\'s users match thousands of times', async () => {
      const crowd = customerFor(demoPartnerId);
      const few = customerFor(demoPartnerId);
      await store.insertCustomer(crowd, []);
      await store.insertCustomer(few, []);
      const crowdRows = syntheticUsers(crowd.id, crowd.domain, 0, 2100).map((row) => toUserRow({ ...row, displayName: `Crowdmatch ${row.displayName}` }));
      await store.insertUsersBulk([crowdRows], unusablePasswordHash);
      const mine = syntheticUsers(few.id, few.domain, 0, 40).map((row, i) => (i % 9 === 0 ? toUserRow({ ...row, displayName: `Y Crowdmatch ${row.displayName}` }) : row));
      await store.insertUsersBulk([mine], unusablePasswordHash);
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: 'crowdmatch' } };
      const { ids } = await walk(store, demoPartnerId, few.id, query, 2);
      assert.deepEqual(ids, expectedOrder(mine.filter((r) => r.displayNameKey.includes('crowdmatch')), query));
      assert.equal(ids.length, 5);
      // A text in every user's UPN (the domain): the walk of the sort order answers it.
      const everyone: UserListQuery = { state: 'active', sortField: 'userPrincipalName', direction: 'desc', search: { field: 'userPrincipalName', operator: 'substring', value: `@${crowd.domain.slice(0, 12)}` } };
      assert.deepEqual((await walk(store, demoPartnerId, crowd.id, everyone, 97)).ids, expectedOrder(crowdRows, everyone));
    });

    it('finds by contains search the users of a bulk load into a customer that has users, and users created after it', async () => {
      const mixed = customerFor(demoPartnerId);
      await store.insertCustomer(mixed, []);
      const rows = syntheticUsers(mixed.id, mixed.domain, 0, 60).map((row, i) => toUserRow({ ...row, displayName: `Qx${i % 3} Loadcheck ${row.displayName}` }));
      await store.insertUser(rows[0], unusablePasswordHash);
      await store.insertUsersBulk([rows.slice(1, 30), rows.slice(30, 50)], unusablePasswordHash);
      // A load that fails part-way leaves the index as it was, and later creates indexed.
      function* failing() {
        yield rows.slice(50, 55);
        throw new Error('generator failed');
      }
      await assert.rejects(store.insertUsersBulk(failing(), unusablePasswordHash), /generator failed/);
      for (const row of rows.slice(50)) await store.insertUser(row, unusablePasswordHash);
      for (const [value, size] of [['loadcheck', 7], ['qx1 load', 100], [rows[42].displayNameKey, 10], [rows[57].displayNameKey, 10]] as const) {
        const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'desc', search: { field: 'displayName', operator: 'substring', value } };
        const { ids } = await walk(store, demoPartnerId, mixed.id, query, size);
        assert.deepEqual(ids, expectedOrder(rows.filter((r) => r.displayNameKey.includes(value)), query), value);
        assert.ok(ids.length > 0, value);
      }
    });

    it('finds by contains search every user of a load sent in key order, as `tenantry seed` sends it', async () => {
      const seeded = customerFor(demoPartnerId);
      await store.insertCustomer(seeded, []);
      const rows = syntheticUsers(seeded.id, seeded.domain, 0, 90)
        .map((row, i) => toUserRow({ ...row, displayName: `Kx${i % 4} Keyorder ${row.displayName}` }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      await store.insertUser(rows[45], unusablePasswordHash);
      await store.insertUsersBulk([rows.slice(0, 45), rows.slice(46, 70), rows.slice(70)], unusablePasswordHash);
      for (const [value, size] of [['keyorder', 11], ['kx2 key', 100], [rows[3].displayNameKey, 10], [rows[89].displayNameKey, 10]] as const) {
        const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value } };
        const { ids } = await walk(store, demoPartnerId, seeded.id, query, size);
        assert.deepEqual(ids, expectedOrder(rows.filter((r) => r.displayNameKey.includes(value)), query), value);
        assert.ok(ids.length > 0, value);
      }
    });

    it('finds by contains search every user of a load whose batches mix customers, and names with backslashes, tabs and repeated words', async () => {
      const first = customerFor(demoPartnerId);
      const second = customerFor(demoPartnerId);
      await store.insertCustomer(first, []);
      await store.insertCustomer(second, []);
      const names = ['Ann Back\\slash Mixword', 'Bo Tab\tbed Mixword', 'Cy Mixword Mixword 7 mixword', 'Di "Quoted" Mixword', 'Ed Mixword'];
      const rowsOf = (c: typeof first, from: number) =>
        syntheticUsers(c.id, c.domain, from, 40).map((row, i) => toUserRow({ ...row, displayName: `${names[i % names.length]} ${i}` }));
      const mine = rowsOf(first, 0);
      const theirs = rowsOf(second, 100);
      // Each batch alternates the two customers row by row.
      const mixed = mine.flatMap((row, i) => [row, theirs[i]]);
      await store.insertUsersBulk([mixed.slice(0, 33), mixed.slice(33)], unusablePasswordHash);
      for (const value of ['mixword', 'slash', 'tab\tbed', '"quoted"', 'back\\s']) {
        for (const [customer, rows] of [[first, mine], [second, theirs]] as const) {
          const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value } };
          const { ids } = await walk(store, demoPartnerId, customer.id, query, 7);
          assert.deepEqual(ids, expectedOrder(rows.filter((r) => r.displayNameKey.includes(value)), query), value);
          assert.ok(ids.length > 0, value);
        }
      }
    });

    it('finds by contains search on the UPN a text in the alias, in a domain or across the @, in a customer of several domains', async () => {
      const multi = customerFor(demoPartnerId);
      await store.insertCustomer(multi, []);
      const main = multi.domain;
      const rare = `rare${multi.id.slice(0, 8)}.example.org`;
      const rows = [...syntheticUsers(multi.id, main, 0, 300), ...syntheticUsers(multi.id, rare, 300, 7)];
      // A user of the main domain whose alias holds the rare domain's name: found by the index.
      rows[120] = toUserRow({ ...rows[120], userPrincipalName: `ops.${rare.slice(0, 12)}.desk@${main}` });
      // Half loaded in bulk, half created one by one: both keep the trigram index and the domains.
      await store.insertUsersBulk([rows.slice(0, 150)], unusablePasswordHash);
      for (const row of rows.slice(150)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      const alias = (r: UserRow) => r.userPrincipalNameKey.slice(0, r.userPrincipalNameKey.indexOf('@'));
      const check = async (users: UserRow[], value: string, expected: 'some' | 'none') => {
        for (const order of [
          { sortField: 'userPrincipalName', direction: 'asc' },
          { sortField: 'displayName', direction: 'desc' },
        ] as const) {
          const query: UserListQuery = { state: 'active', ...order, search: { field: 'userPrincipalName', operator: 'substring', value } };
          const { ids } = await walk(store, demoPartnerId, multi.id, query, 40);
          assert.deepEqual(ids, expectedOrder(users.filter((r) => r.userPrincipalNameKey.includes(value)), query), `${value} by ${order.sortField}`);
          assert.equal(ids.length > 0, expected === 'some', `${value}: ${ids.length} found`);
        }
      };
      for (const value of [
        rare.slice(0, 10), // in the rare domain, and in one alias of the main domain
        rare.slice(4, 12),
        'example.org',
        `@${rare.slice(0, 6)}`,
        `@${main.slice(0, 5)}`, // every user of the main domain
        `${alias(rows[42]).slice(-4)}@${main.slice(0, 3)}`, // across the @
        `${alias(rows[303]).slice(-5)}@`,
        alias(rows[42]),
        alias(rows[42]).slice(2, 9),
      ]) {
        await check(rows, value, 'some');
      }
      for (const value of ['@nowhere.test', `${alias(rows[42])}@${main}@x`, `${alias(rows[42])}@${rare}`]) await check(rows, value, 'none');
      // A user moved to the rare domain is found there, and no longer under the old one.
      const moved = toUserRow({ ...rows[7], userPrincipalName: `${alias(rows[7])}@${rare}` });
      assert.equal((await store.updateUser(moved)).result, 'ok');
      const now = rows.map((r) => (r === rows[7] ? moved : r));
      await check(now, `${alias(rows[7])}@${rare.slice(0, 4)}`, 'some');
      await check(now, `${alias(rows[7])}@${main.slice(0, 4)}`, 'none');
      await check(now, rare.slice(0, 10), 'some');
    });

    it('finds by contains search a text that repeats a trigram, in names and aliases loaded, created and renamed', async () => {
      const repeating = customerFor(demoPartnerId);
      await store.insertCustomer(repeating, []);
      const other = `zzzzq${repeating.id.slice(0, 8)}.example.org`;
      const names = ['Ann 99999', 'Ann 9999', 'Ann 999 999', 'Bob 199999', 'Aaaa Aaa', 'Abab Ab', 'Abababa', 'X\\x\\x\\ Q', 'Q"q"q"', 'Ünününü', '😀😀😀😀 Smile', 'Ann 9'];
      const aliases = ['ann.99999', 'ann.9999', 'a.999.999', 'bob.199999', 'aaaa', 'abab', 'ababab.a', 'x.x.x.x', 'qq.qq', 'plain', 'zzzz', 'ann.9'];
      const rows = syntheticUsers(repeating.id, repeating.domain, 0, 72).map((row, i) =>
        toUserRow({
          ...row,
          displayName: `${names[i % names.length]} ${i % 2 ? 'Kai' : ''}`.trim(),
          userPrincipalName: `${aliases[i % aliases.length]}.${i}@${i % 5 === 0 ? other : repeating.domain}`,
        }),
      );
      // In bulk (the load computes the repeats itself), one by one (the trigger) and renamed.
      await store.insertUsersBulk([rows.slice(0, 40)], unusablePasswordHash);
      for (const row of rows.slice(40)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      rows[3] = toUserRow({ ...rows[3], displayName: 'Renamed 1999991' });
      rows[50] = toUserRow({ ...rows[50], displayName: 'Renamed Plain', userPrincipalName: `plain.50@${repeating.domain}` });
      for (const row of [rows[3], rows[50]]) assert.equal((await store.updateUser(row)).result, 'ok');
      const searches: [UserListQuery['sortField'], string][] = [
        ['displayName', '99999'],
        ['displayName', '9999'],
        ['displayName', '999 999'],
        ['displayName', 'aaaa'],
        ['displayName', 'ababa'],
        ['displayName', 'abab'],
        ['displayName', 'x\\x\\x\\'],
        ['displayName', 'q"q"q'],
        ['displayName', 'ününü'],
        ['displayName', '😀😀😀😀'],
        ['userPrincipalName', '99999'],
        ['userPrincipalName', 'abab'],
        ['userPrincipalName', 'x.x.x.x'],
        ['userPrincipalName', 'zzzz'], // in an alias, and in the other domain
        ['userPrincipalName', '.9999.'],
      ];
      for (const [field, value] of searches) {
        const key = (r: UserRow) => (field === 'displayName' ? r.displayNameKey : r.userPrincipalNameKey);
        const matching = rows.filter((r) => key(r).includes(value));
        assert.ok(matching.length > 0, `${value} matches someone`);
        for (const order of queries) {
          const query: UserListQuery = { ...order, search: { field, operator: 'substring', value } };
          const { ids } = await walk(store, demoPartnerId, repeating.id, query, 5);
          assert.deepEqual(ids, expectedOrder(matching, query), `${field} contains ${value}, by ${order.sortField} ${order.direction}`);
        }
      }
    });

    it('answers an empty, owned customer with an empty page and no next position', async () => {
      const empty = customerFor(demoPartnerId);
      await store.insertCustomer(empty, []);
      const page = await store.readUserPage(demoPartnerId, empty.id, queries[0], 100);
      assert.deepEqual(page && { ...page, itemsJson: userPageItemsText(page) }, { itemsJson: '', count: 0, next: undefined });
    });

    it('reads nothing for a partner that does not own the customer, or a customer that does not exist', async () => {
      assert.equal(await store.readUserPage(randomUUID(), customer.id, queries[0], 100), undefined);
      assert.equal(await store.readUserPage(demoPartnerId, randomUUID(), queries[0], 100), undefined);
    });
  });
}
