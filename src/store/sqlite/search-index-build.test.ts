import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { CustomerRecord } from '../../domain/customer.js';
import { toUserRow, type UserRow } from '../../domain/user.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { testCustomer } from '../../test-support/stores.js';
import { userPageItemsText } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const names = ['Émile Zola', 'ada lovelace', 'Zoë Ng', 'Bob2smith  Bob-Lee', '100% Sure_a_b', 'X\\y "Q" Ab', 'Maria de la Cruz', 'Ünal9ünal', 'Ada Tanaka-Lovelace'];

/** Users with tricky names (accents, `%`, `_`, quotes), some inactive. */
function loadRows(customer: CustomerRecord, start: number, count: number): UserRow[] {
  return syntheticUsers(customer.id, customer.domain, start, count)
    .map((row, i) => (i % 3 === 0 ? toUserRow({ ...row, displayName: `${names[i % names.length]} ${start + i}` }) : row))
    .map((row, i) => (i % 10 === 4 ? toUserRow({ ...row, state: 'inactive', softDeletionTime: '2026-01-02T00:00:00Z' }) : row));
}

async function walkIds(store: SqliteStore, customerId: string, query: UserListQuery): Promise<string[]> {
  const ids: string[] = [];
  let next: KeysetPosition | undefined;
  do {
    const page = await store.readUserPage(demoPartnerId, customerId, query, 50, next);
    assert.ok(page);
    ids.push(...(JSON.parse(`[${userPageItemsText(page)}]`) as { id: string }[]).map((u) => u.id));
    next = page.next;
  } while (next);
  return ids;
}

/** The users a contains search must return, in display-name order (binary, then id). */
function containing(rows: Iterable<UserRow>, field: 'displayName' | 'userPrincipalName', text: string, state: 'active' | 'inactive'): string[] {
  const key = (r: UserRow) => (field === 'displayName' ? r.displayNameKey : r.userPrincipalNameKey);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .filter((r) => r.state === state && key(r).includes(text))
    .sort((a, b) => cmp(a.displayNameKey, b.displayNameKey) || cmp(a.id, b.id))
    .map((r) => r.id);
}

const searches: { field: 'displayName' | 'userPrincipalName'; text: string }[] = [
  { field: 'displayName', text: 'zola' },
  { field: 'displayName', text: 'émile' },
  { field: 'displayName', text: '100%' },
  { field: 'displayName', text: 'ünal' },
  { field: 'displayName', text: '"q"' },
  { field: 'displayName', text: '1234' },
  { field: 'displayName', text: 'tanaka' },
  { field: 'userPrincipalName', text: '.12' },
  { field: 'userPrincipalName', text: 'ada' },
];

/** Every row a query reads from a database file, on a connection of its own. */
function readAll(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** The FTS5 index's own consistency check; throws if the index is damaged. */
function checkIndexIntegrity(file: string): void {
  const db = new Database(file);
  try {
    db.prepare("INSERT INTO user_search (user_search, rank) VALUES ('integrity-check', 0)").run();
  } finally {
    db.close();
  }
}

describe('a bulk load into an empty trigram index on SQLite, built on a second thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-index-build-'));
  // Aside from 1,000 users; the other store fills the same load in place, as before.
  const aside = new SqliteStore(join(dir, 'aside.db'), { parallelSearchIndexFromUsers: 1_000 });
  const inPlace = new SqliteStore(join(dir, 'in-place.db'), { parallelSearchIndexFromUsers: Number.POSITIVE_INFINITY });
  const customer = testCustomer(demoPartnerId, 'Build');
  const rows = new Map<string, UserRow>();

  before(async () => {
    for (const store of [aside, inPlace]) {
      await store.migrate();
      await store.insertCustomer(customer, []);
    }
    const load = loadRows(customer, 0, 4_000);
    for (const row of load) rows.set(row.id, row);
    const batches = [load.slice(0, 700), load.slice(700, 2_500), load.slice(2_500)];
    for (const store of [aside, inPlace]) assert.equal(await store.insertUsersBulk(batches, unusablePasswordHash), load.length);
  });
  after(async () => {
    await aside.close();
    await inPlace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every match exactly once, as the index filled in place does', async () => {
    for (const { field, text } of searches) {
      for (const state of ['active', 'inactive'] as const) {
        const query: UserListQuery = { state, sortField: 'displayName', direction: 'asc', search: { field, operator: 'substring', value: text } };
        const expected = containing(rows.values(), field, text, state);
        assert.deepEqual(await walkIds(aside, customer.id, query), expected, `${field} contains ${text} (${state})`);
        assert.deepEqual(await walkIds(inPlace, customer.id, query), expected);
      }
    }
  });

  it('files the display names under their words as the load in place does', async () => {
    for (const value of ['zola', 'lovelace', 'bob', 'cruz', 'ng']) {
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'starts_with', value } };
      const found = await walkIds(aside, customer.id, query);
      assert.deepEqual(found, await walkIds(inPlace, customer.id, query), `starts with ${value}`);
    }
    const words = 'SELECT * FROM user_name_words ORDER BY customer_id, word, state, display_name_key, id';
    assert.deepEqual(readAll(join(dir, 'aside.db'), words), readAll(join(dir, 'in-place.db'), words));
  });

  it('leaves a sound index with its settings, and no file of the build behind', () => {
    checkIndexIntegrity(join(dir, 'aside.db'));
    const settings = 'SELECT k, v FROM user_search_config ORDER BY k';
    assert.deepEqual(readAll(join(dir, 'aside.db'), settings), readAll(join(dir, 'in-place.db'), settings));
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('search-build')), []);
  });

  it('keeps answering right after creates, renames, deletions and a second load in place', async () => {
    const created = toUserRow({ ...loadRows(customer, 10_000, 1)[0], displayName: 'Qjzola Newcomer', state: 'active', softDeletionTime: undefined });
    assert.equal(await aside.insertUser(created, unusablePasswordHash), 'ok');
    rows.set(created.id, created);
    const someZola = [...rows.values()].find((r) => r.state === 'active' && r.displayNameKey.includes('zola'))!;
    const renamed = toUserRow({ ...someZola, displayName: 'Renamed Qjx' });
    await aside.updateUser(renamed);
    rows.set(renamed.id, renamed);
    // Deleted for good: soft-deleted users past retention are purged, and leave the index.
    assert.ok((await aside.purgeDeletedUsers('2026-06-01T00:00:00Z')) > 0);
    for (const [id, row] of rows) if (row.state === 'inactive') rows.delete(id);
    // The index is no longer empty: this load fills it in place, on top of the one built aside.
    const second = loadRows(customer, 20_000, 1_500);
    assert.equal(await aside.insertUsersBulk([second], unusablePasswordHash), second.length);
    for (const row of second) rows.set(row.id, row);

    for (const { field, text } of [...searches, { field: 'displayName' as const, text: 'qj' }]) {
      for (const state of ['active', 'inactive'] as const) {
        const query: UserListQuery = { state, sortField: 'displayName', direction: 'asc', search: { field, operator: 'substring', value: text } };
        assert.deepEqual(await walkIds(aside, customer.id, query), containing(rows.values(), field, text, state), `${field} contains ${text} (${state})`);
      }
    }
    checkIndexIntegrity(join(dir, 'aside.db'));
  });
});

describe('a bulk load that fails while its trigram index is built aside', () => {
  it('leaves no user, an empty index and no file of the build, and the next load builds it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-index-build-fail-'));
    const store = new SqliteStore(join(dir, 'fail.db'), { parallelSearchIndexFromUsers: 500 });
    try {
      await store.migrate();
      const customer = testCustomer(demoPartnerId, 'Fail');
      await store.insertCustomer(customer, []);
      const load = loadRows(customer, 0, 2_000);
      function* failing() {
        yield load.slice(0, 1_000);
        throw new Error('generator failed');
      }
      await assert.rejects(store.insertUsersBulk(failing(), unusablePasswordHash), /generator failed/);
      assert.equal(await store.countUsers(customer.id, 'active'), 0);
      assert.deepEqual(readdirSync(dir).filter((name) => name.includes('search-build')), []);

      assert.equal(await store.insertUsersBulk([load], unusablePasswordHash), load.length);
      const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: 'zola' } };
      assert.deepEqual(await walkIds(store, customer.id, query), containing(load, 'displayName', 'zola', 'active'));
      checkIndexIntegrity(join(dir, 'fail.db'));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
