/**
 * The emulator's request journal (issue 12) on SQLite: a batch is written a slice at a time; the
 * ring is kept by deleting, per partner, everything older than its newest `keep` rows.
 */
import type Database from 'better-sqlite3';
import { setImmediate } from 'node:timers/promises';
import { journalColumns, journalRowOf, journalWhere } from '../queries/journal-sql.js';
import type { EmulatorJournalStore, JournalFilter, JournalRow, StoredJournalRow } from '../journal-store.js';
import { StatementCache } from './statement-cache.js';

const q = () => '?';

/** Journal rows written per transaction (see append). */
const rowsPerTransaction = 50;

export class SqliteEmulatorJournal implements EmulatorJournalStore {
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  async append(rows: JournalRow[], keep: number): Promise<void> {
    const insert = this.statements.get('INSERT INTO emulator_journal (partner_id, time, method, path, operation, request_id, correlation_id, status, checks, entry_json, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // A batch is written a slice at a time, each its own transaction, with a turn of the event
    // loop between: written whole, a batch of a busy second (~330 rows with their answers) held
    // the loop ~7 ms, and every request in flight waited. The ring is trimmed with the last slice.
    for (let start = 0; start < rows.length; start += rowsPerTransaction) {
      if (start > 0) await setImmediate();
      const slice = rows.slice(start, start + rowsPerTransaction);
      const last = start + rowsPerTransaction >= rows.length;
      this.db.transaction(() => {
        for (const r of slice) insert.run(r.partnerId, r.time, r.method, r.path, r.operation, r.requestId, r.correlationId, r.status, r.checks, r.entryJson, r.responseBody);
        if (!last) return;
        const trim = this.statements.get('DELETE FROM emulator_journal WHERE partner_id = ? AND seq <= (SELECT seq FROM emulator_journal WHERE partner_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)');
        for (const partnerId of new Set(rows.map((r) => r.partnerId))) trim.run(partnerId, partnerId, keep);
      }).immediate();
    }
  }

  async page(partnerId: string, filter: JournalFilter, before: number | undefined, limit: number): Promise<StoredJournalRow[]> {
    const where = journalWhere(partnerId, filter, q);
    const seek = before === undefined ? '' : ' AND seq < ?';
    const values = before === undefined ? where.values : [...where.values, before];
    const rows = this.statements.get(`SELECT ${journalColumns} FROM emulator_journal WHERE ${where.sql}${seek} ORDER BY seq DESC LIMIT ?`).all(...values, limit) as Record<string, unknown>[];
    return rows.map(journalRowOf);
  }

  async count(partnerId: string, filter: JournalFilter): Promise<number> {
    const where = journalWhere(partnerId, filter, q);
    return (this.statements.get(`SELECT count(*) AS n FROM emulator_journal WHERE ${where.sql}`).get(...where.values) as { n: number }).n;
  }

  async get(partnerId: string, seq: number): Promise<StoredJournalRow | undefined> {
    const row = this.statements.get(`SELECT ${journalColumns} FROM emulator_journal WHERE partner_id = ? AND seq = ?`).get(partnerId, seq) as Record<string, unknown> | undefined;
    return row ? journalRowOf(row) : undefined;
  }

  async withChecks(partnerId: string): Promise<{ seq: number; time: string; checks: string }[]> {
    return (this.statements.get("SELECT seq, time, checks FROM emulator_journal WHERE partner_id = ? AND checks <> '' ORDER BY seq DESC").all(partnerId) as Record<string, unknown>[])
      .map((r) => ({ seq: Number(r.seq), time: String(r.time), checks: String(r.checks) }));
  }

  async clear(partnerId: string): Promise<number> {
    return this.statements.get('DELETE FROM emulator_journal WHERE partner_id = ?').run(partnerId).changes;
  }
}
