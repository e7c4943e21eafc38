import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import pg from 'pg';
import { runCli } from '../../test-support/run-cli.js';
import { createScratchDatabase } from '../../test-support/server-process.js';
import { testPostgresUrl } from '../../test-support/stores.js';
import { PostgresStore } from './postgres-store.js';

const trigramIndexes = ['user_name_words_by_word', 'users_by_upn_domain', 'users_display_name_trgm', 'users_upn_local_trgm'];

/** Which of the search indexes (two trigram, one of UPN domains, one of name words) the tables in `schema` have. */
async function indexesOf(db: Pick<pg.Pool, 'query'>, schema: string): Promise<string[]> {
  const { rows } = await db.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = ANY($2) AND indexname = ANY($3) ORDER BY indexname', [schema, ['users', 'user_name_words'], trigramIndexes]);
  return rows.map((r) => String(r.indexname));
}

describe('the trigram indexes on PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let store: PostgresStore;
  const customerId = randomUUID();
  const domain = `trgm${customerId.slice(0, 8)}.onmicrosoft.com`;

  before(async () => {
    store = new PostgresStore(testPostgresUrl, { schema });
    await store.migrate();
    await store.insertCustomer(
      {
        partnerId: demoPartnerId,
        id: customerId,
        commerceId: randomUUID(),
        domain,
        companyName: 'Trigram',
        customDomains: [],
        billingProfile: { companyName: 'Trigram', culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
        createdAt: '2026-01-01T00:00:00Z',
      },
      [],
    );
  });
  after(async () => {
    await store.dropSchema();
    await store.close();
  });

  it('are in place again once a bulk load into a small table, which drops them, has returned', async () => {
    await store.insertUsersBulk([syntheticUsers(customerId, domain, 0, 500), syntheticUsers(customerId, domain, 500, 500)], unusablePasswordHash);
    assert.deepEqual(await indexesOf(store.pool, schema), trigramIndexes);
    const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM ${schema}.users WHERE customer_id = $1`, [customerId]);
    assert.equal(rows[0].n, 1000);
  });

  it('come with fresh planner statistics and visibility once a load has grown the table, as autovacuum would bring later', async () => {
    const { rows } = await store.pool.query(
      "SELECT c.relallvisible AS visible, (SELECT count(*)::int FROM pg_stats s WHERE s.schemaname = $1 AND s.tablename = 'users') AS statistics FROM pg_class c WHERE c.oid = 'users'::regclass",
      [schema],
    );
    // Only VACUUM marks pages all-visible, only ANALYZE fills pg_stats; this machine's PostgreSQL runs no autovacuum.
    assert.ok(rows[0].visible > 0, `${rows[0].visible} pages marked all-visible`);
    assert.ok(rows[0].statistics > 0, 'column statistics gathered');
  });

  it('are built, with fresh statistics, by the next start when the load committed and its process was killed before building them', async () => {
    const scratch = await createScratchDatabase();
    const admin = new pg.Client({ connectionString: scratch.url });
    try {
      const seeded = await runCli(['seed', '--database', scratch.url, '--customer', customerId, '--users', '3000'], { env: { TENANTRY_FAILPOINT: 'after-load-commit' } });
      assert.equal(seeded.code, null, `seed was killed: ${seeded.stdout}${seeded.stderr}`);
      await admin.connect();
      const state = async () => ({
        users: (await admin.query('SELECT count(*)::int AS n FROM users WHERE customer_id = $1', [customerId])).rows[0].n as number,
        indexes: await indexesOf(admin, 'public'),
        pending: (await admin.query("SELECT count(*)::int AS n FROM settings WHERE name = 'pending_index_builds'")).rows[0].n as number,
        // Expression statistics are what lets the planner weigh the UPN index against a walk.
        statistics: (await admin.query("SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'users_upn_local_trgm'")).rows[0].n as number,
      });
      assert.deepEqual(await state(), { users: 3000, indexes: [], pending: 1, statistics: 0 });
      const restarted = new PostgresStore(scratch.url);
      try {
        await restarted.migrate();
        assert.deepEqual(await state(), { users: 3000, indexes: trigramIndexes, pending: 0, statistics: 1 });
        // A start with nothing pending leaves the indexes as they are.
        const oids = () => admin.query("SELECT oid FROM pg_class WHERE relname = ANY($1) ORDER BY relname", [trigramIndexes]).then((r) => r.rows);
        const before = await oids();
        await restarted.migrate();
        assert.deepEqual(await oids(), before);
      } finally {
        await restarted.close();
      }
    } finally {
      await admin.end().catch(() => {});
      await scratch.drop();
    }
  });
});
