/**
 * Workspace snapshots on SQLite (issue 11). Each copied table has a shadow table
 * (`emulator_snapshot__<table>`: the snapshot's partner and name, then the table's own columns),
 * made and widened from the live schema when first used, so columns added by later migrations
 * are carried without touching this file.
 *
 * A restore writes only the difference: rows whose key the snapshot lacks are deleted (child
 * tables first), then the snapshot's rows that differ from the live ones are upserted (parents
 * first). A test that wrote a few rows since its snapshot pays for those rows, not for the
 * workspace's 10,000 users and their search index. All in one IMMEDIATE transaction.
 */
import type Database from 'better-sqlite3';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { emulatorSql, workspaceFromRow } from '../queries/emulator-sql.js';
import { snapshotFromRow, snapshotSql as sql, snapshotTables, type SnapshotRow } from '../queries/snapshot-sql.js';
import type { SnapshotState } from '../store.js';
import { StatementCache } from './statement-cache.js';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface TableCopy {
  save: string;
  /** Deletes the live rows whose key the snapshot does not hold. */
  prune: string;
  /** Upserts the snapshot's rows that differ from the live ones. */
  upsert: string;
  /** The whole-table path, when the difference cannot be applied row by row. */
  remove: string;
  insertAll: string;
  dropSnapshot: string;
  dropAll: string;
}

export class SqliteEmulatorSnapshots {
  private readonly statements: StatementCache;
  private copies?: TableCopy[];

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  private stmt(text: string): Database.Statement {
    return this.statements.get(text);
  }

  /** Makes (or widens) the shadow tables and builds each table's statements, once per store. */
  private tableCopies(): TableCopy[] {
    return (this.copies ??= snapshotTables.map(({ table, where }) => {
      const info = this.db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; pk: number }[];
      const columns = info.map((c) => c.name);
      const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const shadow = quote(`emulator_snapshot__${table}`);
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${shadow} (snapshot_partner TEXT NOT NULL, snapshot_name TEXT NOT NULL, ${columns.map(quote).join(', ')})`);
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${quote(`emulator_snapshot__${table}_by_snapshot`)} ON ${shadow} (snapshot_partner, snapshot_name)`);
      const shadowColumns = new Set((this.db.prepare(`PRAGMA table_info(${shadow})`).all() as { name: string }[]).map((c) => c.name));
      for (const c of columns) if (!shadowColumns.has(c)) this.db.exec(`ALTER TABLE ${shadow} ADD COLUMN ${quote(c)}`);

      const list = columns.map(quote).join(', ');
      const keyList = key.map(quote).join(', ');
      const live = `SELECT ${list} FROM ${quote(table)} WHERE ${where}`;
      const kept = `SELECT ${list} FROM ${shadow} WHERE snapshot_partner = ? AND snapshot_name = ?`;
      const others = columns.filter((c) => !key.includes(c));
      const onConflict = others.length ? `ON CONFLICT (${keyList}) DO UPDATE SET ${others.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}` : 'ON CONFLICT DO NOTHING';
      return {
        save: `INSERT INTO ${shadow} (snapshot_partner, snapshot_name, ${list}) SELECT ?, ?, ${list} FROM ${quote(table)} WHERE ${where}`,
        prune: `DELETE FROM ${quote(table)} WHERE ${where} AND (${keyList}) NOT IN (SELECT ${keyList} FROM ${shadow} WHERE snapshot_partner = ? AND snapshot_name = ?)`,
        // "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
        upsert: `INSERT INTO ${quote(table)} (${list}) SELECT * FROM (${kept} EXCEPT ${live}) WHERE true ${onConflict}`,
        remove: `DELETE FROM ${quote(table)} WHERE ${where}`,
        insertAll: `INSERT INTO ${quote(table)} (${list}) ${kept}`,
        dropSnapshot: `DELETE FROM ${shadow} WHERE snapshot_partner = ? AND snapshot_name = ?`,
        dropAll: `DELETE FROM ${shadow} WHERE snapshot_partner = ?`,
      };
    }));
  }

  save(partnerId: string, name: string, state: SnapshotState): SnapshotRow {
    const copies = this.tableCopies();
    return this.db.transaction(() => {
      for (const copy of copies) this.stmt(copy.dropSnapshot).run(partnerId, name);
      this.stmt(sql.deleteMeta).run(partnerId, name);
      let rows = 0;
      for (const copy of copies) rows += this.stmt(copy.save).run(partnerId, name, partnerId).changes;
      this.stmt(sql.insertMeta).run(partnerId, name, state.createdAt, state.clock.offsetMs, state.clock.frozenAt ?? null, state.idCounter, state.settings, rows);
      return { name, createdAt: state.createdAt, rows };
    }).immediate();
  }

  list(partnerId: string): SnapshotRow[] {
    return (this.stmt(sql.list).all(partnerId) as Record<string, unknown>[]).map(snapshotFromRow);
  }

  restore(partnerId: string, name: string): WorkspaceRecord | undefined {
    try {
      return this.restoreWith(partnerId, name, 'difference');
    } catch (e) {
      // Upserting row by row can meet a unique name still held by a row that comes later (two
      // users who swapped names since): then the workspace is rewritten whole.
      if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      return this.restoreWith(partnerId, name, 'whole');
    }
  }

  private restoreWith(partnerId: string, name: string, mode: 'difference' | 'whole'): WorkspaceRecord | undefined {
    const copies = this.tableCopies();
    return this.db.transaction(() => {
      const meta = this.stmt(sql.findMeta).get(partnerId, name) as Record<string, unknown> | undefined;
      if (!meta) return undefined;
      if (mode === 'difference') {
        for (const copy of [...copies].reverse()) this.stmt(copy.prune).run(partnerId, partnerId, name);
        for (const copy of copies) this.stmt(copy.upsert).run(partnerId, name, partnerId);
      } else {
        for (const copy of [...copies].reverse()) this.stmt(copy.remove).run(partnerId);
        for (const copy of copies) this.stmt(copy.insertAll).run(partnerId, name);
      }
      this.stmt(sql.restoreState).run(meta.clock_offset_ms, meta.frozen_at ?? null, meta.id_counter, meta.settings, partnerId);
      const row = this.stmt(emulatorSql.find).get(partnerId) as Record<string, unknown> | undefined;
      return row ? workspaceFromRow(row) : undefined;
    }).immediate();
  }

  delete(partnerId: string, name: string): boolean {
    const copies = this.tableCopies();
    return this.db.transaction(() => {
      for (const copy of copies) this.stmt(copy.dropSnapshot).run(partnerId, name);
      return this.stmt(sql.deleteMeta).run(partnerId, name).changes === 1;
    }).immediate();
  }

  deleteAll(partnerId: string): void {
    const copies = this.tableCopies();
    this.db.transaction(() => {
      for (const copy of copies) this.stmt(copy.dropAll).run(partnerId);
      this.stmt(sql.deleteAllMeta).run(partnerId);
    }).immediate();
  }
}
