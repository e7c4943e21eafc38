/**
 * The stores every storage-touching test runs against: SQLite and PostgreSQL. PostgreSQL is not
 * optional: when it cannot be reached the tests fail, they do not skip.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CustomerRecord } from '../domain/customer.js';
import { withPageReadAhead } from '../store/page-read-ahead.js';
import { withTurnBatchedResults } from '../store/turn-batched-results.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';

export const testPostgresUrl = process.env.TENANTRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** Opens a new, empty, migrated store. */
  open(): Promise<Store>;
  /** Closes it and removes what it created. */
  dispose(store: Store): Promise<void>;
}

export const storeFactories: StoreFactory[] = [
  {
    name: 'sqlite',
    async open() {
      const store = new SqliteStore(':memory:');
      await store.migrate();
      return store;
    },
    async dispose(store) {
      await store.close();
    },
  },
  {
    name: 'postgres',
    async open() {
      // As openStore composes it for the server: with walks' pages read ahead and answers handed over by turn.
      const store = withTurnBatchedResults(withPageReadAhead(new PostgresStore(testPostgresUrl, { schema: `t_${randomBytes(6).toString('hex')}`, poolSize: 12 })));
      await store.migrate();
      return store;
    },
    async dispose(store) {
      await (store as PostgresStore).dropSchema();
      await store.close();
    },
  },
];

/**
 * A new customer of `partnerId` with a random id, its domain and company name made from `label`
 * and the id, for tests that insert it straight into a store.
 *
 * @example
 * await store.insertCustomer(testCustomer(demoPartnerId, 'page'), []);
 */
export function testCustomer(partnerId: string, label: string): CustomerRecord {
  const id = randomUUID();
  const name = `${label} ${id.slice(0, 8)}`;
  return {
    partnerId,
    id,
    commerceId: randomUUID(),
    domain: `${label.toLowerCase()}${id.slice(0, 8)}.onmicrosoft.com`,
    companyName: name,
    customDomains: [],
    billingProfile: { companyName: name, culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
    createdAt: '2026-01-01T00:00:00Z',
  };
}
