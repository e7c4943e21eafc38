/**
 * SQLite's query plans for the schema as migrated, for tests that check a statement uses the
 * index it was written for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/**
 * Registers hooks that migrate a database file and open it read-only (a connection of its own,
 * as the plans do not depend on the store's), and returns a function giving a statement's plan,
 * one line per step. Call it inside a `describe`.
 *
 * @example
 * const planOf = sqlitePlans();
 * it('seeks', () => assert.ok(planOf('SELECT … WHERE id = ?', ['x']).some((step) => step.includes('USING INDEX'))));
 */
export function sqlitePlans(): (text: string, params: unknown[]) => string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-plan-'));
  let db: Database.Database | undefined;
  before(async () => {
    const store = new SqliteStore(join(dir, 'plan.db'));
    await store.migrate();
    await store.close();
    db = new Database(join(dir, 'plan.db'), { readonly: true });
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return (text, params) => (db!.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}
