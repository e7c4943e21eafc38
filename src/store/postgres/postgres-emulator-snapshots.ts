/**
 * Workspace snapshots on PostgreSQL (issue 11). Rows are copied out with `to_jsonb(row)` and put
 * back with `jsonb_populate_record(NULL::table, …)`, so every column of the live table (including
 * ones added by later migrations) is carried without a column list; a restore is one transaction.
 */
import type pg from 'pg';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { emulatorSql, workspaceFromRow } from '../queries/emulator-sql.js';
import { snapshotFromRow, snapshotSql, snapshotTables, type SnapshotRow } from '../queries/snapshot-sql.js';
import { numberPlaceholders } from '../queries/user-list-sql.js';
import type { SnapshotState } from '../store.js';
import { inTransaction } from './transaction.js';
import { filePartnerNameWords, unfilePartnerNameWords } from './partner-name-words.js';

const sql = Object.fromEntries(Object.entries(snapshotSql).map(([k, v]) => [k, numberPlaceholders(v)])) as typeof snapshotSql;
const copies = snapshotTables.map(({ table, where }) => ({
  save: `INSERT INTO emulator_snapshot_rows (partner_id, name, table_name, row_json) SELECT $1, $2, '${table}', to_jsonb(t) FROM ${table} t WHERE ${where.replace('?', '$1')}`,
  restore: `INSERT INTO ${table} SELECT r.* FROM emulator_snapshot_rows s, jsonb_populate_record(NULL::${table}, s.row_json) r WHERE s.partner_id = $1 AND s.name = $2 AND s.table_name = '${table}'`,
  remove: `DELETE FROM ${table} WHERE ${where.replace('?', '$1')}`,
}));
const findWorkspace = numberPlaceholders(emulatorSql.find);

export class PostgresEmulatorSnapshots {
  constructor(private readonly pool: pg.Pool) {}

  async save(partnerId: string, name: string, state: SnapshotState): Promise<SnapshotRow> {
    return inTransaction(this.pool, async (client) => {
      await client.query(sql.deleteRows, [partnerId, name]);
      await client.query(sql.deleteMeta, [partnerId, name]);
      let rows = 0;
      for (const copy of copies) rows += (await client.query(copy.save, [partnerId, name])).rowCount ?? 0;
      await client.query(sql.insertMeta, [partnerId, name, state.createdAt, state.clock.offsetMs, state.clock.frozenAt ?? null, state.idCounter, state.settings, rows]);
      return { name, createdAt: state.createdAt, rows };
    });
  }

  async list(partnerId: string): Promise<SnapshotRow[]> {
    return (await this.pool.query(sql.list, [partnerId])).rows.map(snapshotFromRow);
  }

  async restore(partnerId: string, name: string): Promise<WorkspaceRecord | undefined> {
    return inTransaction(this.pool, async (client) => {
      // The workspace row is locked first, so two restores (or a restore and a clock move) queue.
      const locked = await client.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [partnerId]);
      if (locked.rowCount !== 1) return undefined;
      const meta = (await client.query(sql.findMeta, [partnerId, name])).rows[0] as Record<string, unknown> | undefined;
      if (!meta) return undefined;
      await unfilePartnerNameWords(client, partnerId);
      for (const copy of [...copies].reverse()) await client.query(copy.remove, [partnerId]);
      // A snapshot's users carry their trigram repeats (the migration that added the column filled
      // those of snapshots saved before it).
      for (const copy of copies) await client.query(copy.restore, [partnerId, name]);
      await filePartnerNameWords(client, partnerId);
      await client.query(sql.restoreState, [meta.clock_offset_ms, meta.frozen_at ?? null, meta.id_counter, meta.settings, partnerId]);
      const { rows } = await client.query(findWorkspace, [partnerId]);
      return rows[0] ? workspaceFromRow(rows[0]) : undefined;
    });
  }

  async delete(partnerId: string, name: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await client.query(sql.deleteRows, [partnerId, name]);
      return (await client.query(sql.deleteMeta, [partnerId, name])).rowCount === 1;
    });
  }

  async deleteAll(partnerId: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(sql.deleteAllRows, [partnerId]);
      await client.query(sql.deleteAllMeta, [partnerId]);
    });
  }
}
