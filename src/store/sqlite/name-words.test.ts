import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import { toUserRow, type UserRow } from '../../domain/user.js';
import { testCustomer } from '../../test-support/stores.js';
import { filedNameWordsOf, nameWordsMatchQuery, nameWordsOf } from '../queries/name-words.js';
import { sqliteMigrations } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

/** Display names that split in every way a name can: digits, runs of spaces, repeats, tabs. */
const awkwardNames = ['Bob2smith  Bob-Lee', 'Ada\tTab Ada ada', '  lead trail  ', 'Maria de la Cruz', '123 456', 'a1b2c3', 'x', 'Zoë Ünal ÉMILE', 'Ünal9ünal', 'O"Brien \\ back'];

/** The rows the words index should hold, from the users table, split in JavaScript. */
function expectedWords(db: Database.Database): string[] {
  const users = db.prepare('SELECT customer_id, state, display_name_key, id FROM users').raw(true).all() as string[][];
  return users.flatMap(([customer, state, key, id]) => filedNameWordsOf(key).map((word) => JSON.stringify([customer, word, state, key, id]))).sort();
}

function heldWords(db: Database.Database): string[] {
  return (db.prepare('SELECT customer_id, word, state, display_name_key, id FROM user_name_words').raw(true).all() as string[][]).map((r) => JSON.stringify(r)).sort();
}

/** Every word of every user, leading or filed, is in the vocabulary, and its trigram index finds it by its own text. */
function assertVocabularyHolds(db: Database.Database): void {
  const words = [...new Set((db.prepare('SELECT display_name_key FROM users').pluck().all() as string[]).flatMap(nameWordsOf))];
  assert.ok(words.length > 10);
  const find = db.prepare('SELECT word FROM name_words WHERE rowid IN (SELECT rowid FROM name_word_search WHERE name_word_search MATCH ?)').pluck();
  for (const word of words) if ([...word].length >= 3) assert.ok((find.all(nameWordsMatchQuery(word)) as string[]).includes(word), word);
}

describe('the index of display-name words on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-name-words-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('files each user under the distinct words of its name, as JavaScript splits them, through creates, bulk loads, renames, deletes, restores and purges', async () => {
    const file = join(dir, 'words.db');
    const store = new SqliteStore(file);
    const db = new Database(file, { readonly: true });
    try {
      await store.migrate();
      const customer = testCustomer(demoPartnerId, 'Words');
      await store.insertCustomer(customer, []);
      const named = (rows: UserRow[], offset: number) => rows.map((row, i) => toUserRow({ ...row, displayName: awkwardNames[(i + offset) % awkwardNames.length] }));
      const created = named(syntheticUsers(customer.id, customer.domain, 0, 12), 0);
      for (const row of created) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      const loaded = named(syntheticUsers(customer.id, customer.domain, 100, 30), 3);
      await store.insertUsersBulk([loaded.slice(0, 20), loaded.slice(20)], unusablePasswordHash);
      assert.deepEqual(heldWords(db), expectedWords(db));
      assert.ok(heldWords(db).length > 30);

      assert.equal((await store.updateUser(toUserRow({ ...created[0], displayName: 'Person Renamed9x' }))).result, 'ok');
      assert.equal((await store.updateUser(toUserRow({ ...loaded[0], state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' }))).result, 'ok');
      assert.equal((await store.updateUser(toUserRow({ ...loaded[2], state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' }))).result, 'ok');
      assert.equal((await store.updateUser(toUserRow({ ...loaded[2], displayName: 'Back Again' }))).result, 'ok');
      // An update that changes neither the name nor the state leaves its words as they were.
      assert.equal((await store.updateUser(toUserRow({ ...created[3], usageLocation: 'FR' }))).result, 'ok');
      assert.deepEqual(heldWords(db), expectedWords(db));
      assert.ok(heldWords(db).some((r) => r.includes('"renamed"')));
      assert.ok(heldWords(db).some((r) => r.includes('"inactive"')));

      assert.equal(await store.purgeDeletedUsers('2001-01-01T00:00:00Z'), 1);
      assert.deepEqual(heldWords(db), expectedWords(db));
      assert.ok(!heldWords(db).some((r) => r.includes(loaded[0].id)));
      assertVocabularyHolds(db);
    } finally {
      db.close();
      await store.close();
    }
  });

  it('files the users of a database made before it, when migrated', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const wordsMigration = sqliteMigrations.findIndex((sql) => sql.includes('CREATE TABLE user_name_words'));
    assert.ok(wordsMigration > 0);
    for (const [i, sql] of sqliteMigrations.slice(0, wordsMigration).entries()) {
      old.exec(sql);
      old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(i + 1, new Date().toISOString());
    }
    old.close();
    const store = new SqliteStore(file);
    try {
      const customer = testCustomer(demoPartnerId, 'Before');
      await store.insertCustomer(customer, []);
      const rows = syntheticUsers(customer.id, customer.domain, 0, 40).map((row, i) => (i % 4 === 0 ? toUserRow({ ...row, displayName: awkwardNames[i % awkwardNames.length] }) : row));
      await store.insertUsersBulk([rows.slice(0, 30)], unusablePasswordHash);
      for (const row of rows.slice(30)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      await store.migrate();
      const db = new Database(file, { readonly: true });
      try {
        assert.deepEqual(heldWords(db), expectedWords(db));
        // Most of these names have a word after the leading one; a name of digits only has none.
        const filed = rows.filter((r) => filedNameWordsOf(r.displayNameKey).length > 0);
        assert.ok(filed.length > 30 && filed.length < 40);
        assert.equal(new Set(heldWords(db).map((r) => JSON.parse(r)[4])).size, filed.length);
        assertVocabularyHolds(db);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });
});
