/**
 * The store's side of the consistency lag (issue 12), on both stores: pending changes are kept per
 * workspace, replaced per entity, counted down one read at a time, and cleared by a reset, by
 * visibility or with the workspace's data.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { PendingChange } from '../domain/emulator/pending-change.js';
import { realTime } from '../domain/emulator/workspace-clock.js';
import { storeFactories } from '../test-support/stores.js';
import type { Store } from './store.js';

for (const factory of storeFactories) {
  describe(`pending changes on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    const change = (partnerId: string, entityId: string, more: Partial<PendingChange> = {}): PendingChange => ({
      partnerId, customerId: 'c1', kind: 'user', entityId, ...more,
    });

    it('replaces the change of an entity and lists a customer\'s changes of one partner only', async () => {
      const p = randomUUID();
      await store.putPendingChange(change(p, 'u1', { visibleAt: '2026-01-01T00:00:30.000Z' }));
      await store.putPendingChange(change(p, 'u1', { previousJson: '{"a":1}', readsLeft: 2 }));
      await store.putPendingChange(change(randomUUID(), 'u1', { readsLeft: 1 }));
      await store.putPendingChange({ ...change(p, 'r/u1', { readsLeft: 1 }), kind: 'roleMember' });
      const listed = (await store.listPendingChanges(p, 'c1')).sort((a, b) => a.kind.localeCompare(b.kind));
      assert.deepEqual(listed, [
        { partnerId: p, customerId: 'c1', kind: 'roleMember', entityId: 'r/u1', previousJson: undefined, visibleAt: undefined, readsLeft: 1 },
        { partnerId: p, customerId: 'c1', kind: 'user', entityId: 'u1', previousJson: '{"a":1}', visibleAt: undefined, readsLeft: 2 },
      ]);
      assert.deepEqual(await store.listPendingChanges(p, 'c2'), []);
    });

    it('counts reads down to zero and no further, each read once', async () => {
      const p = randomUUID();
      await store.putPendingChange(change(p, 'u1', { readsLeft: 2 }));
      const reads = await Promise.all([1, 2, 3, 4].map(() => store.consumePendingRead(p, 'c1', 'user', 'u1')));
      assert.equal(reads.filter(Boolean).length, 2);
      assert.equal((await store.listPendingChanges(p, 'c1'))[0].readsLeft, 0);
      assert.equal(await store.consumePendingRead(p, 'c1', 'user', 'nobody'), false);
    });

    it('clears the changes visible by an instant or out of reads, then all of a workspace, then with its data', async () => {
      const p = randomUUID();
      await store.putPendingChange(change(p, 'early', { visibleAt: '2026-01-01T00:00:10.000Z' }));
      await store.putPendingChange(change(p, 'late', { visibleAt: '2026-01-01T00:01:00.000Z' }));
      await store.putPendingChange(change(p, 'read', { readsLeft: 0 }));
      await store.putPendingChange(change(p, 'unread', { readsLeft: 1 }));
      assert.equal(await store.clearPendingChanges(p, '2026-01-01T00:00:30.000Z'), 2);
      assert.deepEqual((await store.listPendingChanges(p, 'c1')).map((c) => c.entityId).sort(), ['late', 'unread']);
      assert.equal(await store.clearPendingChanges(p), 2);
      await store.putPendingChange(change(p, 'again', { readsLeft: 1 }));
      await store.deletePartnerData(p);
      assert.deepEqual(await store.listPendingChanges(p, 'c1'), []);
    });

    it('sets a workspace\'s settings, bumping its generation, and answers undefined for an unknown one', async () => {
      const id = randomUUID();
      assert.ok(await store.insertWorkspace({ id, name: 'w', clock: realTime, idCounter: 0, generation: 0, settings: '{}', createdAt: new Date().toISOString() }));
      const next = await store.setWorkspaceSettings(id, '{"consistency":{"afterReads":3}}');
      assert.equal(next?.settings, '{"consistency":{"afterReads":3}}');
      assert.equal(next?.generation, 1);
      assert.equal((await store.findWorkspace(id))?.settings, '{"consistency":{"afterReads":3}}');
      assert.equal(await store.setWorkspaceSettings(randomUUID(), '{}'), undefined);
    });
  });
}
