import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { demoPartnerId } from '../demo/demo-data.js';
import { storeFactories, testCustomer } from '../test-support/stores.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { withTurnBatchedResults } from './turn-batched-results.js';

const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('answers handed over by turn', () => {
  it('hands over the answers of one turn at its end, together and in the order they came', async () => {
    // SQLite answers at once (in a microtask), which makes the hand-over's moment plain to see.
    const inner = new SqliteStore(':memory:');
    await inner.migrate();
    const store = withTurnBatchedResults(inner);
    const customer = testCustomer(demoPartnerId, 'turn');
    await store.insertCustomer(customer, []);
    const seen: string[] = [];
    void store.findCustomer(demoPartnerId, customer.id).then((c) => seen.push(`found ${c?.companyName}`));
    void store.countUsers(customer.id, 'active').then((n) => seen.push(`counted ${n}`));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    seen.push('microtasks of the turn');
    await turnEnd();
    assert.deepEqual(seen, ['microtasks of the turn', `found ${customer.companyName}`, 'counted 0']);
    await store.close();
  });

  for (const factory of storeFactories) {
    it(`passes answers and failures through unchanged on ${factory.name}`, async () => {
      const store = withTurnBatchedResults(await factory.open());
      try {
        const customer = testCustomer(demoPartnerId, 'turn');
        assert.equal(await store.insertCustomer(customer, []), true);
        assert.deepEqual(await store.findCustomer(demoPartnerId, customer.id), await store.findCustomer(demoPartnerId, customer.id));
        assert.equal((await store.findCustomer(demoPartnerId, customer.id))?.id, customer.id);
        assert.equal(await store.findCustomer(randomUUID(), customer.id), undefined, 'another partner does not see it');
        assert.equal(await store.insertCustomer(customer, []), false, 'the same customer twice');
      } finally {
        await factory.dispose(store);
      }
      // A real failure: the store's connection is closed.
      await assert.rejects(store.countUsers(randomUUID(), 'active'));
    });
  }
});
