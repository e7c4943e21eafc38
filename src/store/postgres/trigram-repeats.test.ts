import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import { toUserRow, type UserRow } from '../../domain/user.js';
import { realTime } from '../../domain/emulator/workspace-clock.js';
import { testCustomer, testPostgresUrl } from '../../test-support/stores.js';
import { postgresMigrations } from './migrations.js';
import { PostgresStore } from './postgres-store.js';
import { userTrigramRepeats } from '../queries/trigram-repeats.js';

/** Display names and aliases that repeat trigrams in awkward characters, and some that do not. */
const awkward: [string, string][] = [
  ['Ann 99999', 'ann.99999'],
  ['Ünününü Öz', 'ünününü'],
  ['😀😀😀😀 Smile', '😀😀😀😀'],
  ['X\\x\\x\\ "q"q"q', 'x\\x\\x\\'],
  ['Tab\tTab\tTab', 'tab,tab,tab'],
  ['{a,b}{a,b}', 'a{}a{}a{}'],
  ['Ada Lovelace', 'ada.lovelace'],
  ['Aa', 'a'],
];

describe('the trigram repeats column on PostgreSQL', () => {
  const schema = `r_${randomBytes(6).toString('hex')}`;
  let store: PostgresStore;
  const customer = testCustomer(demoPartnerId, 'Repeats');
  const rows: UserRow[] = syntheticUsers(customer.id, customer.domain, 0, awkward.length * 2).map((row, i) => {
    const [displayName, alias] = awkward[i % awkward.length];
    return toUserRow({ ...row, displayName, userPrincipalName: `${alias}.${i >= awkward.length ? 'x' : ''}@${customer.domain}` });
  });
  const stored = async () => {
    const { rows: found } = await store.pool.query('SELECT id, trigram_repeats FROM users WHERE customer_id = $1', [customer.id]);
    return new Map(found.map((r) => [String(r.id), r.trigram_repeats as string[] | null]));
  };
  const expected = (r: UserRow) => userTrigramRepeats(r.displayNameKey, r.userPrincipalNameKey) ?? null;

  before(async () => {
    store = new PostgresStore(testPostgresUrl, { schema });
    await store.migrate();
    await store.insertCustomer(customer, []);
  });
  after(async () => {
    await store.dropSchema();
    await store.close();
  });

  it('holds what the JavaScript function computes, whether the users were created one by one or loaded', async () => {
    // The first half created one by one (INSERT), the second loaded (COPY).
    for (const row of rows.slice(0, awkward.length)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
    await store.insertUsersBulk([rows.slice(awkward.length)], unusablePasswordHash);
    const byId = await stored();
    for (const row of rows) assert.deepEqual(byId.get(row.id), expected(row), `${row.displayName} / ${row.userPrincipalName}`);
    assert.ok([...byId.values()].filter((v) => v === null).length >= 2, 'keys that repeat nothing hold NULL');
  });

  it('follows a rename', async () => {
    const renamed = toUserRow({ ...rows[0], displayName: 'Plain Name', userPrincipalName: `aaaa.bbbb.aaaa@${customer.domain}` });
    assert.equal((await store.updateUser(renamed)).result, 'ok');
    const value = (await stored()).get(renamed.id);
    assert.deepEqual(value, expected(renamed));
    assert.deepEqual(value, ['u2:aaa', 'u2:bbb', 'u3:aaa', 'u4:aaa']);
  });

  it('is filled for the users already there, and those of saved snapshots, by the migration that adds it', async () => {
    const version = postgresMigrations.length;
    // A snapshot saved before the column existed: its users' rows lack it.
    await store.insertWorkspace({ id: demoPartnerId, name: 'repeats', clock: realTime, idCounter: 0, generation: 0, settings: '{}', createdAt: new Date().toISOString() });
    await store.saveSnapshot(demoPartnerId, 'before', { createdAt: new Date().toISOString(), clock: realTime, idCounter: 0, settings: '{}' });
    await store.pool.query("UPDATE emulator_snapshot_rows SET row_json = row_json - 'trigram_repeats' WHERE table_name = 'users'");
    await store.pool.query(
      `DROP FUNCTION tenantry_user_trigram_repeats(text, text), tenantry_trigram_repeats(text, text);
       ALTER TABLE users DROP COLUMN trigram_repeats; DELETE FROM schema_migrations WHERE version = ${version}`,
    );
    await store.migrate();
    const byId = await stored();
    const current = [toUserRow({ ...rows[0], displayName: 'Plain Name', userPrincipalName: `aaaa.bbbb.aaaa@${customer.domain}` }), ...rows.slice(1)];
    for (const row of current) assert.deepEqual(byId.get(row.id), expected(row), row.displayName);
    const { rows: index } = await store.pool.query("SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'users_trigram_repeats'", [schema]);
    assert.equal(index.length, 1);
    // The restore takes the saved values as they are, so they must be right.
    await store.pool.query('UPDATE users SET trigram_repeats = NULL');
    assert.ok(await store.restoreSnapshot(demoPartnerId, 'before'));
    const restored = await stored();
    for (const row of current) assert.deepEqual(restored.get(row.id), expected(row), `restored ${row.displayName}`);
  });

  it('computes in SQL what JavaScript computes, for any text', async () => {
    const texts = [...awkward.flat(), 'aaaaaaaaaa', 'abcabcabcabc', '', 'ab', `${randomUUID()}${randomUUID()}`, 'abcdefghijklmnopqrstuvwxyz'.repeat(3), `a😀b${'x'.repeat(70)}a😀b`];
    const { rows: found } = await store.pool.query('SELECT t, tenantry_user_trigram_repeats(t, t) AS v FROM unnest($1::text[]) AS t', [texts]);
    for (const r of found) assert.deepEqual(r.v, userTrigramRepeats(r.t, r.t) ?? null, JSON.stringify(r.t));
  });
});
