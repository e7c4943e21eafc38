/**
 * The emulator's request journal (issue 12) on PostgreSQL: a batch is one INSERT of all its rows
 * and, per workspace, a count of its entries and a trim of the oldest beyond the ring's size, in
 * one transaction.
 */
import type pg from 'pg';
import { journalColumns, journalRowOf, journalWhere } from '../queries/journal-sql.js';
import type { EmulatorJournalStore, JournalFilter, JournalRow, StoredJournalRow } from '../journal-store.js';
import { inTransaction } from './transaction.js';

const dollar = (n: number) => `$${n}`;

export class PostgresEmulatorJournal implements EmulatorJournalStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(rows: JournalRow[], keep: number): Promise<void> {
    if (rows.length === 0) return;
    await inTransaction(this.pool, async (client) => {
      // A debugging aid, not a record of business: a crash may lose the last batch, and no commit waits for the WAL flush.
      await client.query('SET LOCAL synchronous_commit = off');
      // Rows of VALUES rather than unnest(arrays): the answers (bytea) then travel as binary
      // parameters instead of hex text inside an array literal. 11 parameters a row, 500 rows a batch at most.
      const values: unknown[] = [];
      const tuples = rows.map((r) => {
        const at = values.length;
        values.push(r.partnerId, r.time, r.method, r.path, r.operation, r.requestId, r.correlationId, r.status, r.checks, r.entryJson, r.responseBody);
        return `(${Array.from({ length: 11 }, (_, i) => `$${at + i + 1}`).join(', ')})`;
      });
      await client.query(`INSERT INTO emulator_journal (partner_id, time, method, path, operation, request_id, correlation_id, status, checks, entry_json, response_body) VALUES ${tuples.join(', ')}`, values);
      // Per workspace (in id order, so two batches lock their counts in the same order): count the
      // new entries, then delete the oldest beyond `keep`, walking the index from its old end.
      const added = new Map<string, number>();
      for (const r of rows) added.set(r.partnerId, (added.get(r.partnerId) ?? 0) + 1);
      for (const partnerId of [...added.keys()].sort()) {
        const counted = await client.query(
          'INSERT INTO emulator_journal_sizes (partner_id, entries) VALUES ($1, $2) ON CONFLICT (partner_id) DO UPDATE SET entries = emulator_journal_sizes.entries + excluded.entries RETURNING entries, trimmed_through',
          [partnerId, added.get(partnerId)],
        );
        const excess = Number(counted.rows[0].entries) - keep;
        if (excess <= 0) continue;
        // Entries at or below trimmed_through are gone; starting past them skips their dead index
        // entries, which pile up until a vacuum.
        await client.query(
          'WITH gone AS (DELETE FROM emulator_journal WHERE seq IN (SELECT seq FROM emulator_journal WHERE partner_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) RETURNING seq) ' +
            'UPDATE emulator_journal_sizes SET entries = entries - (SELECT count(*) FROM gone), trimmed_through = coalesce((SELECT max(seq) FROM gone), trimmed_through) WHERE partner_id = $1',
          [partnerId, counted.rows[0].trimmed_through, excess],
        );
      }
    });
  }

  async page(partnerId: string, filter: JournalFilter, before: number | undefined, limit: number): Promise<StoredJournalRow[]> {
    const where = journalWhere(partnerId, filter, dollar);
    const values: (string | number)[] = [...where.values];
    let seek = '';
    if (before !== undefined) {
      values.push(before);
      seek = ` AND seq < $${values.length}`;
    }
    values.push(limit);
    const { rows } = await this.pool.query(`SELECT ${journalColumns} FROM emulator_journal WHERE ${where.sql}${seek} ORDER BY seq DESC LIMIT $${values.length}`, values);
    return rows.map(journalRowOf);
  }

  async count(partnerId: string, filter: JournalFilter): Promise<number> {
    const where = journalWhere(partnerId, filter, dollar);
    const { rows } = await this.pool.query(`SELECT count(*) AS n FROM emulator_journal WHERE ${where.sql}`, where.values);
    return Number(rows[0].n);
  }

  async get(partnerId: string, seq: number): Promise<StoredJournalRow | undefined> {
    const { rows } = await this.pool.query(`SELECT ${journalColumns} FROM emulator_journal WHERE partner_id = $1 AND seq = $2`, [partnerId, seq]);
    return rows.length ? journalRowOf(rows[0]) : undefined;
  }

  async withChecks(partnerId: string): Promise<{ seq: number; time: string; checks: string }[]> {
    const { rows } = await this.pool.query("SELECT seq, time, checks FROM emulator_journal WHERE partner_id = $1 AND checks <> '' ORDER BY seq DESC", [partnerId]);
    return rows.map((r) => ({ seq: Number(r.seq), time: String(r.time), checks: String(r.checks) }));
  }

  async clear(partnerId: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      // The count first: it locks the workspace's count, so a batch appended meanwhile is either
      // deleted here or counted after.
      await client.query('INSERT INTO emulator_journal_sizes (partner_id, entries) VALUES ($1, 0) ON CONFLICT (partner_id) DO UPDATE SET entries = 0', [partnerId]);
      return (await client.query('DELETE FROM emulator_journal WHERE partner_id = $1', [partnerId])).rowCount ?? 0;
    });
  }
}
