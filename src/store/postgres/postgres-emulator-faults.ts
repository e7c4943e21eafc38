/**
 * Emulator fault rules (issue 12) on PostgreSQL. Counters are single UPDATE … RETURNING statements,
 * so workers count each call once; a batch of rules is inserted in one transaction.
 */
import type pg from 'pg';
import { inTransaction } from './transaction.js';
import type { StoredFaultRule } from '../store.js';

const fromRow = (r: Record<string, unknown>): StoredFaultRule => ({
  id: String(r.id), ruleJson: String(r.rule_json), times: r.times === null ? null : Number(r.times), matched: Number(r.matched), fired: Number(r.fired),
});

export class PostgresEmulatorFaults {
  constructor(private readonly pool: pg.Pool) {}

  async list(partnerId: string): Promise<StoredFaultRule[]> {
    const { rows } = await this.pool.query('SELECT id, rule_json, times, matched, fired FROM emulator_fault_rules WHERE partner_id = $1 ORDER BY seq, id', [partnerId]);
    return rows.map(fromRow);
  }

  async insert(partnerId: string, rules: StoredFaultRule[]): Promise<'ok' | 'exists'> {
    return inTransaction(this.pool, async (client) => {
      // One writer per workspace at a time, so seq numbers never clash.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`faults:${partnerId}`]);
      const { rows: taken } = await client.query('SELECT 1 FROM emulator_fault_rules WHERE partner_id = $1 AND id = ANY($2::text[])', [partnerId, rules.map((r) => r.id)]);
      if (taken.length > 0) return 'exists';
      const next = Number((await client.query('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM emulator_fault_rules WHERE partner_id = $1', [partnerId])).rows[0].n);
      for (const [i, r] of rules.entries()) {
        await client.query('INSERT INTO emulator_fault_rules (partner_id, id, seq, rule_json, times, matched, fired) VALUES ($1, $2, $3, $4, $5, $6, $7)', [partnerId, r.id, next + i, r.ruleJson, r.times, r.matched, r.fired]);
      }
      return 'ok';
    });
  }

  async delete(partnerId: string, ruleId: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM emulator_fault_rules WHERE partner_id = $1 AND id = $2', [partnerId, ruleId])).rowCount ?? 0) === 1;
  }

  async clear(partnerId: string): Promise<number> {
    return (await this.pool.query('DELETE FROM emulator_fault_rules WHERE partner_id = $1', [partnerId])).rowCount ?? 0;
  }

  async countMatch(partnerId: string, ruleId: string): Promise<number> {
    const { rows } = await this.pool.query('UPDATE emulator_fault_rules SET matched = matched + 1 WHERE partner_id = $1 AND id = $2 RETURNING matched', [partnerId, ruleId]);
    return rows.length ? Number(rows[0].matched) : 0;
  }

  async countFire(partnerId: string, ruleId: string): Promise<boolean> {
    return ((await this.pool.query('UPDATE emulator_fault_rules SET fired = fired + 1 WHERE partner_id = $1 AND id = $2 AND (times IS NULL OR fired < times)', [partnerId, ruleId])).rowCount ?? 0) === 1;
  }
}
