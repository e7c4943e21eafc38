import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { CustomerRecord } from '../domain/customer.js';
import type { SubscribedSkuRecord } from '../domain/licensing.js';
import { exchangeOnlinePlan1, microsoft365E3 } from '../domain/product-catalog.js';
import { toUserRow, type UserRecord } from '../domain/user.js';
import { unusablePasswordHash } from '../demo/synthetic-users.js';
import { storeFactories } from '../test-support/stores.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

const now = '2026-01-01T00:00:00Z';

function customer(): CustomerRecord {
  const id = randomUUID();
  return { partnerId: randomUUID(), id, commerceId: randomUUID(), domain: `c${id.slice(0, 8)}.onmicrosoft.com`, companyName: 'Seat Test', customDomains: [], billingProfile: {}, createdAt: now };
}

function users(customerId: string, count: number) {
  return Array.from({ length: count }, (_, i): { row: ReturnType<typeof toUserRow>; passwordHash: string } => {
    const u: UserRecord = { customerId, id: randomUUID(), userPrincipalName: `u${i}@seat.test`, displayName: `U ${i}`, usageLocation: 'US', userDomainType: 'none', state: 'active', forceChangePassword: false, createdAt: now, updatedAt: now };
    return { row: toUserRow(u), passwordHash: unusablePasswordHash };
  });
}

const seats = (customerId: string, product = microsoft365E3, totalUnits = 5): SubscribedSkuRecord => ({ customerId, product, totalUnits, consumedUnits: 0, warningUnits: 0, suspendedUnits: 0, updatedAt: now });
const assignPlan = (skuId: string) => ({ assign: [{ skuId, excludedPlans: [] }], remove: [] });

async function consumed(store: Store, customerId: string, skuId: string) {
  return (await store.listSubscribedSkus(customerId)).find((s) => s.product.id === skuId)!.consumedUnits;
}

for (const factory of storeFactories) {
  describe(`seat accounting in the ${factory.name} store`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    it('counts seats up on assign and down on remove, never below zero or above the total', async () => {
      const c = customer();
      const [a, b] = users(c.id, 2);
      assert.equal(await store.insertCustomer(c, [a, b]), true);
      assert.equal(await store.putSubscribedSku(seats(c.id, exchangeOnlinePlan1, 1)), 'created');
      assert.deepEqual(await store.applyLicenseUpdate(c.id, a.row.id, assignPlan(exchangeOnlinePlan1.id), now), { kind: 'ok' });
      assert.equal(await consumed(store, c.id, exchangeOnlinePlan1.id), 1);
      assert.deepEqual(await store.applyLicenseUpdate(c.id, b.row.id, assignPlan(exchangeOnlinePlan1.id), now), { kind: 'out_of_seats', skuId: exchangeOnlinePlan1.id });
      assert.deepEqual(await store.applyLicenseUpdate(c.id, b.row.id, { assign: [], remove: [exchangeOnlinePlan1.id] }, now), { kind: 'not_assigned', skuId: exchangeOnlinePlan1.id });
      assert.deepEqual(await store.applyLicenseUpdate(c.id, a.row.id, assignPlan(microsoft365E3.id), now), { kind: 'sku_missing', skuId: microsoft365E3.id });
      assert.deepEqual(await store.applyLicenseUpdate(c.id, randomUUID(), assignPlan(exchangeOnlinePlan1.id), now), { kind: 'user_missing' });
      assert.equal(await store.putSubscribedSku(seats(c.id, exchangeOnlinePlan1, 0)), 'below_consumed');
      assert.deepEqual(await store.applyLicenseUpdate(c.id, a.row.id, { assign: [], remove: [exchangeOnlinePlan1.id] }, now), { kind: 'ok' });
      assert.equal(await consumed(store, c.id, exchangeOnlinePlan1.id), 0);
      assert.equal(await store.putSubscribedSku(seats(c.id, exchangeOnlinePlan1, 0)), 'updated');
      assert.deepEqual(await store.listUserLicenses(c.id, a.row.id), []);
    });

    it('rolls a whole update back when one of its assignments finds no seat', async () => {
      const c = customer();
      const [a, b] = users(c.id, 2);
      await store.insertCustomer(c, [a, b]);
      await store.putSubscribedSku(seats(c.id, exchangeOnlinePlan1, 5));
      await store.putSubscribedSku(seats(c.id, microsoft365E3, 1));
      await store.applyLicenseUpdate(c.id, b.row.id, assignPlan(microsoft365E3.id), now);
      const outcome = await store.applyLicenseUpdate(c.id, a.row.id, { assign: [{ skuId: exchangeOnlinePlan1.id, excludedPlans: [] }, { skuId: microsoft365E3.id, excludedPlans: [] }], remove: [] }, now);
      assert.equal(outcome.kind, 'out_of_seats');
      assert.equal(await consumed(store, c.id, exchangeOnlinePlan1.id), 0, 'the first assignment of the update was undone');
      assert.deepEqual(await store.listUserLicenses(c.id, a.row.id), []);
    });

    it('suspends on delete and resumes on restore only while seats remain', async () => {
      const c = customer();
      const [a, b] = users(c.id, 2);
      await store.insertCustomer(c, [a, b]);
      await store.putSubscribedSku(seats(c.id, microsoft365E3, 1));
      await store.putSubscribedSku(seats(c.id, exchangeOnlinePlan1, 1));
      await store.applyLicenseUpdate(c.id, a.row.id, { assign: [{ skuId: microsoft365E3.id, excludedPlans: [] }, { skuId: exchangeOnlinePlan1.id, excludedPlans: [] }], remove: [] }, now);
      await store.suspendUserLicenses(c.id, a.row.id, now);
      assert.equal(await consumed(store, c.id, microsoft365E3.id), 0);
      assert.deepEqual(await store.listUserLicenses(c.id, a.row.id), []);
      await store.applyLicenseUpdate(c.id, b.row.id, assignPlan(microsoft365E3.id), now);
      assert.deepEqual(await store.resumeUserLicenses(c.id, a.row.id, now), [microsoft365E3.id]);
      assert.deepEqual((await store.listUserLicenses(c.id, a.row.id)).map((l) => l.skuId), [exchangeOnlinePlan1.id]);
      assert.equal(await consumed(store, c.id, microsoft365E3.id), 1);
      assert.equal(await consumed(store, c.id, exchangeOnlinePlan1.id), 1);
      assert.deepEqual(await store.resumeUserLicenses(c.id, a.row.id, now), [], 'nothing left to resume');
    });

    it('drops a purged user\'s licences and role memberships with the user', async () => {
      const c = customer();
      const [a] = users(c.id, 1);
      await store.insertCustomer(c, [a]);
      await store.putSubscribedSku(seats(c.id, microsoft365E3, 1));
      await store.applyLicenseUpdate(c.id, a.row.id, assignPlan(microsoft365E3.id), now);
      assert.equal(await store.addRoleMember(c.id, '729827e3-9c14-49f7-bb1b-9608f156bbb8', a.row.id, now), 'ok');
      await store.updateUser({ ...a.row, state: 'inactive', softDeletionTime: '2000-01-01T00:00:00Z' });
      await store.suspendUserLicenses(c.id, a.row.id, now);
      assert.ok((await store.purgeDeletedUsers('2001-01-01T00:00:00Z')) >= 1);
      assert.deepEqual(await store.listUserRoleIds(c.id, a.row.id), []);
      assert.equal(await consumed(store, c.id, microsoft365E3.id), 0);
    });
  });
}

describe('seat accounting across connections', () => {
  it('gives N seats to exactly N of N+k SQLite connections racing in worker threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-seats-'));
    try {
      const path = join(dir, 'seats.db');
      const store = new SqliteStore(path);
      await store.migrate();
      const c = customer();
      const contenders = users(c.id, 10);
      await store.insertCustomer(c, contenders);
      await store.putSubscribedSku(seats(c.id, microsoft365E3, 4));
      const start = new SharedArrayBuffer(4);
      const workers = contenders.map(
        (u) =>
          new Promise<string>((resolve, reject) => {
            // Node 20 workers do not inherit the TypeScript loader: register it, then load the script.
            const script = new URL('../test-support/sqlite-license-worker.ts', import.meta.url).href;
            const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); })`;
            const w = new Worker(boot, { eval: true, workerData: { path, customerId: c.id, userId: u.row.id, skuId: microsoft365E3.id, start } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      );
      // Let every worker open its connection and reach the start line, then release them together.
      await new Promise((r) => setTimeout(r, 1500));
      const gate = new Int32Array(start);
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      const outcomes = await Promise.all(workers);
      assert.equal(outcomes.filter((o) => o === 'ok').length, 4, outcomes.join(','));
      assert.equal(outcomes.filter((o) => o === 'out_of_seats').length, 6);
      assert.equal(await consumed(store, c.id, microsoft365E3.id), 4);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives N seats to exactly N of N+k PostgreSQL connections from separate pools', async () => {
    const factory = storeFactories.find((f) => f.name === 'postgres')!;
    const store = (await factory.open()) as PostgresStore;
    // Separate pools on the same schema: as separate server processes would hold them.
    const schema = (await store.pool.query('SELECT current_schema() AS s')).rows[0].s as string;
    const url = (store.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const others = Array.from({ length: 4 }, () => new PostgresStore(url, { schema, poolSize: 4 }));
    try {
      const c = customer();
      const contenders = users(c.id, 14);
      await store.insertCustomer(c, contenders);
      await store.putSubscribedSku(seats(c.id, microsoft365E3, 5));
      const outcomes = await Promise.all(contenders.map((u, i) => others[i % others.length].applyLicenseUpdate(c.id, u.row.id, assignPlan(microsoft365E3.id), now)));
      assert.equal(outcomes.filter((o) => o.kind === 'ok').length, 5);
      assert.equal(outcomes.filter((o) => o.kind === 'out_of_seats').length, 9);
      assert.equal(await consumed(store, c.id, microsoft365E3.id), 5);
    } finally {
      for (const o of others) await o.close();
      await factory.dispose(store);
    }
  });
});
