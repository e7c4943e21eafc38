/**
 * Runs work in one PostgreSQL transaction on a pooled connection: COMMIT when it resolves,
 * ROLLBACK when it throws.
 */
import type pg from 'pg';

/**
 * @example
 * await inTransaction(pool, async (client) => { await client.query('UPDATE …'); });
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
