/**
 * Emulator fault rules (issue 12) on SQLite. Counters are single UPDATE … RETURNING statements, so
 * processes sharing the file count each call once.
 */
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';
import type { StoredFaultRule } from '../store.js';

const fromRow = (r: Record<string, unknown>): StoredFaultRule => ({
  id: String(r.id), ruleJson: String(r.rule_json), times: r.times === null ? null : Number(r.times), matched: Number(r.matched), fired: Number(r.fired),
});

export class SqliteEmulatorFaults {
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  list(partnerId: string): StoredFaultRule[] {
    return (this.statements.get('SELECT id, rule_json, times, matched, fired FROM emulator_fault_rules WHERE partner_id = ? ORDER BY seq, id').all(partnerId) as Record<string, unknown>[]).map(fromRow);
  }

  insert(partnerId: string, rules: StoredFaultRule[]): 'ok' | 'exists' {
    return this.db.transaction((): 'ok' | 'exists' => {
      const next = (this.statements.get('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM emulator_fault_rules WHERE partner_id = ?').get(partnerId) as { n: number }).n;
      const exists = this.statements.get('SELECT 1 FROM emulator_fault_rules WHERE partner_id = ? AND id = ?');
      if (rules.some((r) => exists.get(partnerId, r.id))) return 'exists';
      const insert = this.statements.get('INSERT INTO emulator_fault_rules (partner_id, id, seq, rule_json, times, matched, fired) VALUES (?, ?, ?, ?, ?, ?, ?)');
      rules.forEach((r, i) => insert.run(partnerId, r.id, next + i, r.ruleJson, r.times, r.matched, r.fired));
      return 'ok';
    }).immediate();
  }

  delete(partnerId: string, ruleId: string): boolean {
    return this.statements.get('DELETE FROM emulator_fault_rules WHERE partner_id = ? AND id = ?').run(partnerId, ruleId).changes === 1;
  }

  clear(partnerId: string): number {
    return this.statements.get('DELETE FROM emulator_fault_rules WHERE partner_id = ?').run(partnerId).changes;
  }

  countMatch(partnerId: string, ruleId: string): number {
    const row = this.statements.get('UPDATE emulator_fault_rules SET matched = matched + 1 WHERE partner_id = ? AND id = ? RETURNING matched').get(partnerId, ruleId) as { matched: number } | undefined;
    return row?.matched ?? 0;
  }

  countFire(partnerId: string, ruleId: string): boolean {
    return this.statements.get('UPDATE emulator_fault_rules SET fired = fired + 1 WHERE partner_id = ? AND id = ? AND (times IS NULL OR fired < times)').run(partnerId, ruleId).changes === 1;
  }
}
