/**
 * PostgreSQL: the name words of a whole workspace's users, kept set-based by the transactions
 * that remove or put back all of them (a snapshot's restore, a workspace's wipe) instead of row by
 * row in the triggers (see postgresPartnerNameWordsSql).
 */
import type pg from 'pg';
import { postgresBulkLoadSetting, postgresPartnerNameWordsSql } from '../queries/name-words.js';

/**
 * Inside a transaction, before it deletes the partner's users: turns the triggers off for the
 * rest of the transaction and unfiles those users in one statement.
 *
 * @example
 * await unfilePartnerNameWords(client, partnerId);
 * await client.query(`DELETE FROM users WHERE …`, [partnerId]);
 */
export async function unfilePartnerNameWords(client: pg.PoolClient, partnerId: string): Promise<void> {
  await client.query('SELECT set_config($1, $2, true)', [postgresBulkLoadSetting, 'on']);
  await client.query(postgresPartnerNameWordsSql.unfile, [partnerId]);
}

/**
 * After {@link unfilePartnerNameWords} and the insert of the partner's users: files them, then
 * turns the triggers back on.
 */
export async function filePartnerNameWords(client: pg.PoolClient, partnerId: string): Promise<void> {
  await client.query(postgresPartnerNameWordsSql.planner);
  for (const file of postgresPartnerNameWordsSql.file) await client.query(file, [partnerId]);
  await client.query('SELECT set_config($1, $2, true)', [postgresBulkLoadSetting, 'off']);
}
