/**
 * Workspace snapshots on SQLite (issue 11). Taking one copies each of the workspace's rows into
 * `emulator_snapshot_rows` as a JSON object, in one statement per table; restoring deletes the
 * workspace's rows and inserts them back from there, with its clock, id counter and settings, in
 * one IMMEDIATE transaction. The users' search index follows through its triggers.
 */
import type Database from 'better-sqlite3';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { emulatorSql, workspaceFromRow } from '../queries/emulator-sql.js';
import { snapshotFromRow, snapshotSql as sql, snapshotTables, type SnapshotRow } from '../queries/snapshot-sql.js';
import type { SnapshotState } from '../store.js';
import { StatementCache } from './statement-cache.js';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export class SqliteEmulatorSnapshots {
  private readonly statements: StatementCache;
  /** Per table: the statement that copies rows out, and the one that puts them back. */
  private copies?: { table: string; save: string; restore: string; remove: string }[];

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  private stmt(text: string): Database.Statement {
    return this.statements.get(text);
  }

  /** Built from the live schema, so columns added by later migrations are carried too. */
  private tableCopies() {
    return (this.copies ??= snapshotTables.map(({ table, where }) => {
      const columns = (this.db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map((c) => c.name);
      const object = columns.map((c) => `'${c}', ${quote(c)}`).join(', ');
      const extract = columns.map((c) => `json_extract(row_json, '$.${c}')`).join(', ');
      return {
        table,
        save: `INSERT INTO emulator_snapshot_rows (partner_id, name, table_name, row_json) SELECT ?, ?, '${table}', json_object(${object}) FROM ${quote(table)} WHERE ${where}`,
        restore: `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) SELECT ${extract} FROM emulator_snapshot_rows WHERE partner_id = ? AND name = ? AND table_name = '${table}'`,
        remove: `DELETE FROM ${quote(table)} WHERE ${where}`,
      };
    }));
  }

  save(partnerId: string, name: string, state: SnapshotState): SnapshotRow {
    return this.db.transaction(() => {
      this.stmt(sql.deleteRows).run(partnerId, name);
      this.stmt(sql.deleteMeta).run(partnerId, name);
      let rows = 0;
      for (const copy of this.tableCopies()) rows += this.stmt(copy.save).run(partnerId, name, partnerId).changes;
      this.stmt(sql.insertMeta).run(partnerId, name, state.createdAt, state.clock.offsetMs, state.clock.frozenAt ?? null, state.idCounter, state.settings, rows);
      return { name, createdAt: state.createdAt, rows };
    }).immediate();
  }

  list(partnerId: string): SnapshotRow[] {
    return (this.stmt(sql.list).all(partnerId) as Record<string, unknown>[]).map(snapshotFromRow);
  }

  restore(partnerId: string, name: string): WorkspaceRecord | undefined {
    return this.db.transaction(() => {
      const meta = this.stmt(sql.findMeta).get(partnerId, name) as Record<string, unknown> | undefined;
      if (!meta) return undefined;
      const copies = this.tableCopies();
      for (const copy of [...copies].reverse()) this.stmt(copy.remove).run(partnerId);
      for (const copy of copies) this.stmt(copy.restore).run(partnerId, name);
      this.stmt(sql.restoreState).run(meta.clock_offset_ms, meta.frozen_at ?? null, meta.id_counter, meta.settings, partnerId);
      const row = this.stmt(emulatorSql.find).get(partnerId) as Record<string, unknown> | undefined;
      return row ? workspaceFromRow(row) : undefined;
    }).immediate();
  }

  delete(partnerId: string, name: string): boolean {
    return this.db.transaction(() => {
      this.stmt(sql.deleteRows).run(partnerId, name);
      return this.stmt(sql.deleteMeta).run(partnerId, name).changes === 1;
    }).immediate();
  }

  deleteAll(partnerId: string): void {
    this.db.transaction(() => {
      this.stmt(sql.deleteAllRows).run(partnerId);
      this.stmt(sql.deleteAllMeta).run(partnerId);
    }).immediate();
  }
}
