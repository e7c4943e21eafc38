/**
 * Opens the store named by a database URL: `sqlite:PATH` (or `sqlite::memory:`) or `postgres://…`.
 */
import { withPageReadAhead } from './page-read-ahead.js';
import { withTurnBatchedResults } from './turn-batched-results.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const defaultDatabaseUrl = 'sqlite:./data/tenantry.db';

/**
 * @example
 * const store = openStore(process.env.TENANTRY_DATABASE_URL ?? defaultDatabaseUrl);
 */
export function openStore(url: string, options: { schema?: string; poolSize?: number } = {}): Store {
  if (url.startsWith('sqlite:')) return new SqliteStore(url.slice('sqlite:'.length) || ':memory:');
  // Walks read the next page ahead on PostgreSQL, where each page is a round trip (page-read-ahead.ts),
  // and the answers that arrive in one turn are handed over together (turn-batched-results.ts).
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return withTurnBatchedResults(withPageReadAhead(new PostgresStore(url, options)));
  throw new Error(`Unsupported database URL ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@'))}: use sqlite:PATH or postgres://…`);
}
