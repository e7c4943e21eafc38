/**
 * Prepared statements by SQL text, so each is parsed and planned once per connection. Bounded,
 * because list SQL carries its row limit as a literal (see `limitClause`): sizes 1–500 times the
 * query shapes could otherwise pile up; the oldest statement goes first.
 */
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity = 1000,
  ) {}

  /**
   * The prepared statement for `sql`, preparing it on first use.
   *
   * @example
   * const row = cache.get('SELECT 1 FROM customers WHERE id = ?').get(id);
   */
  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= this.capacity) this.statements.delete(this.statements.keys().next().value!);
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
