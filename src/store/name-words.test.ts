import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoPartnerId } from '../demo/demo-data.js';
import { syntheticUsers, syntheticUsersInKeyOrder, unusablePasswordHash } from '../demo/synthetic-users.js';
import { toUserRow, type UserRow } from '../domain/user.js';
import { createSqliteDatabaseBefore } from '../test-support/sqlite-before-migration.js';
import { testCustomer, testPostgresUrl } from '../test-support/stores.js';
import { filedNameWordsOf, nameWordsOf, postgresFillNameWordsSql } from './queries/name-words.js';
import { ftsPhrase } from './queries/substring-search.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Display names that split in every way a name can: digits, runs of spaces, repeats, tabs. */
const awkwardNames = ['Bob2smith  Bob-Lee', 'Ada\tTab Ada ada', '  lead trail  ', 'Maria de la Cruz', '123 456', 'a1b2c3', 'x', 'Zoë Ünal ÉMILE', 'Ünal9ünal', 'O"Brien \\ back'];

/** A store with a way to read its tables directly. */
interface Opened {
  store: Store;
  rows(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'tenantry-name-words-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const stores: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'sqlite',
    async open() {
      const file = join(dir, `${randomBytes(6).toString('hex')}.db`);
      const store = new SqliteStore(file);
      await store.migrate();
      const db = new Database(file, { readonly: true });
      return { store, rows: async (sql) => db.prepare(sql).raw(true).all() as unknown[][], close: async () => (db.close(), store.close()) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const store = new PostgresStore(testPostgresUrl, { schema: `t_${randomBytes(6).toString('hex')}` });
      await store.migrate();
      return {
        store,
        rows: async (sql) => (await store.pool.query({ text: sql, rowMode: 'array' })).rows as unknown[][],
        close: async () => (await store.dropSchema(), await store.close()),
      };
    },
  },
];

/** The rows the words index should hold, from the users table, split in JavaScript. */
async function expectedWords(db: Opened): Promise<string[]> {
  const users = (await db.rows('SELECT customer_id, state, display_name_key, id FROM users')) as string[][];
  return users.flatMap(([customer, state, key, id]) => filedNameWordsOf(key).map((word) => JSON.stringify([customer, word, state, key, id]))).sort();
}

async function heldWords(db: Opened): Promise<string[]> {
  return ((await db.rows('SELECT customer_id, word, state, display_name_key, id FROM user_name_words')) as string[][]).map((r) => JSON.stringify(r)).sort();
}

/** Every word of every user, leading or filed, is in the vocabulary. */
async function assertVocabularyHolds(db: Opened): Promise<void> {
  const words = [...new Set(((await db.rows('SELECT display_name_key FROM users')) as string[][]).flatMap(([key]) => nameWordsOf(key)))];
  assert.ok(words.length > 10);
  const vocabulary = new Set(((await db.rows('SELECT word FROM name_words')) as string[][]).map(([w]) => w));
  for (const word of words) assert.ok(vocabulary.has(word), word);
}

for (const factory of stores) {
  describe(`the index of display-name words on ${factory.name}`, () => {
    it('files each user under the distinct words of its name but the leading one, as JavaScript splits them, through creates, bulk loads, renames, deletes, restores and purges', async () => {
      const db = await factory.open();
      const { store } = db;
      try {
        const customer = testCustomer(demoPartnerId, 'Words');
        await store.insertCustomer(customer, []);
        const named = (rows: UserRow[], offset: number) => rows.map((row, i) => toUserRow({ ...row, displayName: awkwardNames[(i + offset) % awkwardNames.length] }));
        const created = named(syntheticUsers(customer.id, customer.domain, 0, 12), 0);
        for (const row of created) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
        const loaded = named(syntheticUsers(customer.id, customer.domain, 100, 30), 3);
        await store.insertUsersBulk([loaded.slice(0, 20), loaded.slice(20)], unusablePasswordHash);
        assert.deepEqual(await heldWords(db), await expectedWords(db));
        assert.ok((await heldWords(db)).length > 30);

        assert.equal((await store.updateUser(toUserRow({ ...created[0], displayName: 'Person Renamed9x' }))).result, 'ok');
        assert.equal((await store.updateUser(toUserRow({ ...loaded[0], state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' }))).result, 'ok');
        assert.equal((await store.updateUser(toUserRow({ ...loaded[2], state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' }))).result, 'ok');
        assert.equal((await store.updateUser(toUserRow({ ...loaded[2], displayName: 'Back Again' }))).result, 'ok');
        // An update that changes neither the name nor the state leaves its words as they were.
        assert.equal((await store.updateUser(toUserRow({ ...created[3], usageLocation: 'FR' }))).result, 'ok');
        const held = await heldWords(db);
        assert.deepEqual(held, await expectedWords(db));
        assert.ok(held.some((r) => r.includes('"renamed"')));
        assert.ok(held.some((r) => r.includes('"inactive"')));

        assert.equal(await store.purgeDeletedUsers('2001-01-01T00:00:00Z'), 1);
        assert.deepEqual(await heldWords(db), await expectedWords(db));
        assert.ok(!(await heldWords(db)).some((r) => r.includes(loaded[0].id)));
        await assertVocabularyHolds(db);
      } finally {
        await db.close();
      }
    });

    it('unfiles the users of a wiped workspace and keeps every other partner\'s', async () => {
      const db = await factory.open();
      const { store } = db;
      try {
        const partnerId = randomUUID();
        const mine = testCustomer(partnerId, 'Mine');
        const theirs = testCustomer(demoPartnerId, 'Theirs');
        for (const [customer, offset] of [[mine, 0], [theirs, 5]] as const) {
          await store.insertCustomer(customer, []);
          const rows = syntheticUsers(customer.id, customer.domain, 0, 15).map((row, i) => toUserRow({ ...row, displayName: awkwardNames[(i + offset) % awkwardNames.length] }));
          await store.insertUsersBulk([rows], unusablePasswordHash);
        }
        assert.ok((await heldWords(db)).some((r) => r.includes(mine.id)));
        await store.deletePartnerData(partnerId);
        const held = await heldWords(db);
        assert.deepEqual(held, await expectedWords(db));
        assert.ok(held.some((r) => r.includes(theirs.id)));
        assert.ok(!held.some((r) => r.includes(mine.id)));
      } finally {
        await db.close();
      }
    });
  });
}

describe('filing the users of a database made before the index of display-name words', () => {
  const users = (customer: ReturnType<typeof testCustomer>) =>
    syntheticUsers(customer.id, customer.domain, 0, 40).map((row, i) => (i % 4 === 0 ? toUserRow({ ...row, displayName: awkwardNames[i % awkwardNames.length] }) : row));

  it('files them on SQLite when migrated', async () => {
    const file = join(dir, 'old.db');
    createSqliteDatabaseBefore(file, 'CREATE TABLE user_name_words');
    const store = new SqliteStore(file);
    const db = new Database(file, { readonly: true });
    const opened: Opened = { store, rows: async (sql) => db.prepare(sql).raw(true).all() as unknown[][], close: async () => (db.close(), store.close()) };
    try {
      const customer = testCustomer(demoPartnerId, 'Before');
      await store.insertCustomer(customer, []);
      const rows = users(customer);
      await store.insertUsersBulk([rows.slice(0, 30)], unusablePasswordHash);
      for (const row of rows.slice(30)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      await store.migrate();
      // Most of these names have a word after the leading one; a name of digits only has none.
      const filed = rows.filter((r) => filedNameWordsOf(r.displayNameKey).length > 0);
      assert.ok(filed.length > 30 && filed.length < 40);
      assert.deepEqual(await heldWords(opened), await expectedWords(opened));
      assert.equal(new Set((await heldWords(opened)).map((r) => JSON.parse(r)[4])).size, filed.length);
      await assertVocabularyHolds(opened);
      // The vocabulary's trigram index finds each word by its own text.
      const find = db.prepare('SELECT word FROM name_words WHERE rowid IN (SELECT rowid FROM name_word_search WHERE name_word_search MATCH ?)').pluck();
      for (const word of ['bob-lee', 'smith', 'lead', 'trail', 'ünal']) assert.ok((find.all(ftsPhrase(word)) as string[]).includes(word), word);
    } finally {
      await opened.close();
    }
  });

  it('writes a PostgreSQL load\'s words in the order of their index when the load comes in display-name order', async () => {
    const opened = await stores[1].open();
    try {
      const customer = testCustomer(demoPartnerId, 'In order');
      await opened.store.insertCustomer(customer, []);
      // As `tenantry seed` sends them: display-name order, ids ascending with it, in batches.
      await opened.store.insertUsersBulk(syntheticUsersInKeyOrder(customer.id, customer.domain, 0, 3_000, 500), unusablePasswordHash);
      const columns = 'customer_id, word, state, display_name_key, id';
      const asWritten = await opened.rows(`SELECT ${columns} FROM user_name_words ORDER BY ctid`);
      assert.equal(asWritten.length, 3_000);
      assert.deepEqual(asWritten, await opened.rows(`SELECT ${columns} FROM user_name_words ORDER BY ${columns}`));
      assert.deepEqual(await heldWords(opened), await expectedWords(opened));
    } finally {
      await opened.close();
    }
  });

  it('files them on PostgreSQL with the migration\'s set-based fill, as JavaScript splits them', async () => {
    const opened = await stores[1].open();
    try {
      const customer = testCustomer(demoPartnerId, 'Before');
      await opened.store.insertCustomer(customer, []);
      await opened.store.insertUsersBulk([users(customer)], unusablePasswordHash);
      const pool = (opened.store as PostgresStore).pool;
      await pool.query('DELETE FROM user_name_words; DELETE FROM name_words');
      assert.deepEqual(await heldWords(opened), []);
      await pool.query(postgresFillNameWordsSql);
      assert.deepEqual(await heldWords(opened), await expectedWords(opened));
      assert.ok((await heldWords(opened)).length > 30);
      await assertVocabularyHolds(opened);
    } finally {
      await opened.close();
    }
  });
});
