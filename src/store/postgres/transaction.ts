/**
 * Runs work on one pooled PostgreSQL connection, or in one transaction on it: COMMIT when it
 * resolves, ROLLBACK when it throws.
 */
import type pg from 'pg';

/**
 * Runs work on a connection checked out of `pool`, and returns it afterwards. A connection that
 * PostgreSQL ends while it is checked out (a restart, an administrator's terminate) emits 'error'
 * on its client when no statement is running; pg-pool listens only while the connection is idle in
 * the pool, so without this listener that error is an uncaught exception and ends the process. The
 * work's next statement rejects instead, and the dead connection goes back to the pool to be dropped.
 *
 * @example
 * await withClient(pool, async (client) => { await client.query('SELECT pg_advisory_lock(1)'); });
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onLost = (e: Error) => {
    lost = e;
  };
  client.on('error', onLost);
  try {
    return await work(client);
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}

/**
 * @example
 * await inTransaction(pool, async (client) => { await client.query('UPDATE …'); });
 */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  });
}
