import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { CustomerRecord } from '../../domain/customer.js';
import { SqliteStore } from './sqlite-store.js';

/**
 * The trigram index's segments, largest first: FTS5 numbers each page of its shadow table
 * `user_search_data` as (segment id << 37) + page (ids below 2^37 are its own records).
 */
function segmentsBySize(file: string): { segment: number; pages: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id >> 37 AS segment, count(*) AS pages FROM user_search_data WHERE id >= 137438953472 GROUP BY segment ORDER BY pages DESC').all() as { segment: number; pages: number }[];
  } finally {
    db.close();
  }
}

describe('the trigram index after a bulk load on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-segments-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is not rewritten by the users created one by one after a load of 100,000', async () => {
    const file = join(dir, 'load.db');
    const store = new SqliteStore(file);
    try {
      await store.migrate();
      const id = randomUUID();
      const customer: CustomerRecord = {
        partnerId: demoPartnerId,
        id,
        commerceId: randomUUID(),
        domain: `load${id.slice(0, 8)}.onmicrosoft.com`,
        companyName: 'Load',
        customDomains: [],
        billingProfile: { companyName: 'Load', culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } },
        createdAt: '2026-01-01T00:00:00Z',
      };
      await store.insertCustomer(customer, []);
      const loaded = 100_000;
      const rows = syntheticUsers(customer.id, customer.domain, 0, loaded + 300);
      await store.insertUsersBulk([rows.slice(0, loaded)], unusablePasswordHash);
      const [loadedIndex] = segmentsBySize(file);
      // Each create commits its own small segment; FTS5 merges segments as they pile up. Written
      // as one segment on the lowest level (as at 64 MB it was), the loaded index was merged whole
      // with the 16th of them, inside that create.
      for (const row of rows.slice(loaded)) assert.equal(await store.insertUser(row, unusablePasswordHash), 'ok');
      const segments = segmentsBySize(file);
      assert.deepEqual(segments.find((s) => s.segment === loadedIndex.segment), loadedIndex, 'the loaded segment is still there, unchanged');
      assert.deepEqual(segments[0], loadedIndex);
    } finally {
      await store.close();
    }
  });
});
