import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoCustomerId, demoPartnerId, seedDemoData } from '../demo/demo-data.js';
import type { CustomerRecord } from '../domain/customer.js';
import type { Store } from '../store/store.js';
import { storeFactories } from '../test-support/stores.js';
import { UserService } from './user-service.js';

const day = 24 * 3600 * 1000;

for (const factory of storeFactories) {
  describe(`the restore window on ${factory.name}`, () => {
    let store: Store;
    let customer: CustomerRecord;
    let clock = new Date('2026-03-01T00:00:00Z');
    let service: UserService;

    before(async () => {
      store = await factory.open();
      await seedDemoData(store);
      customer = (await store.findCustomer(demoPartnerId, demoCustomerId))!;
      service = new UserService(store, { pagingSecret: randomBytes(32), retentionMs: 30 * day, now: () => clock });
    });
    after(async () => factory.dispose(store));

    const create = async (alias: string) => JSON.parse((await service.create(customer, { userPrincipalName: `${alias}@${customer.domain}`, displayName: alias })).body);

    it('restores a user deleted 29 days ago', async () => {
      const user = await create('day29');
      clock = new Date('2026-03-01T00:00:00Z');
      await service.delete(customer, user.id);
      clock = new Date(clock.getTime() + 29 * day);
      const restored = JSON.parse((await service.patch(customer, user.id, { state: 'active' })).body);
      assert.equal(restored.state, 'active');
    });

    it('refuses to restore a user deleted 31 days ago, and the sweep purges it for good', async () => {
      clock = new Date('2026-04-01T00:00:00Z');
      const user = await create('day31');
      await service.delete(customer, user.id);
      const kept = await create('kept');
      clock = new Date(clock.getTime() + 31 * day);
      await assert.rejects(service.patch(customer, user.id, { state: 'active' }), (e: any) => e.code === 60002 && e.status === 404);
      assert.ok((await service.purgeExpired()) >= 1);
      assert.equal(await store.findUser(customer.id, user.id), undefined);
      assert.ok(await store.findUser(customer.id, kept.id), 'active users are never purged');
    });
  });
}
