import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { testPostgresUrl } from '../../test-support/stores.js';
import { inTransaction } from './transaction.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inTransaction', () => {
  const pool = new pg.Pool({ connectionString: testPostgresUrl, max: 2 });
  const admin = new pg.Pool({ connectionString: testPostgresUrl, max: 1 });
  // Idle connections that PostgreSQL ends are the pool's to drop, as the store does.
  pool.on('error', () => {});
  after(async () => {
    await Promise.all([pool.end(), admin.end()]);
  });

  it('rejects the work, and does not crash the process, when PostgreSQL ends its connection between two statements', async () => {
    // A connection that ends while it is checked out and idle emits 'error' on its client; with no
    // listener that is an uncaught exception, which in `serve --workers` took a whole worker down.
    const outcome = inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await sleep(300); // PostgreSQL's goodbye arrives while no statement runs
      await client.query('SELECT 1');
    });
    await assert.rejects(outcome);
    // The pool dropped the dead connection and serves again.
    const { rows } = await inTransaction(pool, (client) => client.query<{ one: number }>('SELECT 1 AS one'));
    assert.equal(rows[0].one, 1);
  });

  it('commits the work when it resolves and rolls it back when it throws', async () => {
    const table = `tx_${process.pid}_${Date.now()}`;
    await pool.query(`CREATE TABLE ${table} (n int)`);
    try {
      await inTransaction(pool, (client) => client.query(`INSERT INTO ${table} VALUES (1)`));
      await assert.rejects(
        inTransaction(pool, async (client) => {
          await client.query(`INSERT INTO ${table} VALUES (2)`);
          throw new Error('work failed');
        }),
        /work failed/,
      );
      const { rows } = await pool.query(`SELECT n FROM ${table} ORDER BY n`);
      assert.deepEqual(rows.map((r) => r.n), [1]);
    } finally {
      await pool.query(`DROP TABLE ${table}`);
    }
  });
});
