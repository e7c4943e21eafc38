/**
 * A SQLite database file as an older release left it: migrated, as the store migrates, up to
 * (not including) the first migration whose SQL contains `marker`. For tests of what a migration
 * does to existing data.
 */
import Database from 'better-sqlite3';
import { sqliteMigrations } from '../store/sqlite/migrations.js';

/**
 * @example
 * createSqliteDatabaseBefore(file, 'CREATE TABLE user_name_words'); // then insert, then migrate
 */
export function createSqliteDatabaseBefore(file: string, marker: string): void {
  const migration = sqliteMigrations.findIndex((sql) => sql.includes(marker));
  if (migration < 1) throw new Error(`no migration after the first contains ${JSON.stringify(marker)}`);
  const db = new Database(file);
  try {
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const [i, sql] of sqliteMigrations.slice(0, migration).entries()) {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(i + 1, new Date().toISOString());
    }
  } finally {
    db.close();
  }
}
