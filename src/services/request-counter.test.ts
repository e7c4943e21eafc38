import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RateCounterKey, Store } from '../store/store.js';
import { storeFactories } from '../test-support/stores.js';
import { RequestCounter } from './request-counter.js';

for (const factory of storeFactories) {
  describe(`request counting on ${factory.name}`, () => {
    let store: Store;
    before(async () => (store = await factory.open()));
    after(async () => factory.dispose(store));

    /** The real store, with its countRequests calls counted. */
    const counted = () => {
      const calls: number[][] = [];
      const spy = {
        countRequests: (keys: RateCounterKey[], windowStart: number, hits?: readonly number[]) => {
          calls.push([...(hits ?? keys.map(() => 1))]);
          return store.countRequests(keys, windowStart, hits);
        },
      };
      return { spy, calls };
    };
    const keysOf = () => {
      const partnerId = randomUUID();
      return { partner: { partnerId, customerId: '', kind: 'read' as const }, customer: { partnerId, customerId: randomUUID(), kind: 'read' as const } };
    };

    it('counts the requests of one turn with one write, each seeing the count it would have seen alone', async () => {
      const { spy, calls } = counted();
      const counter = new RequestCounter(spy);
      const { partner, customer } = keysOf();
      const counts = await Promise.all([
        counter.count([partner, customer], 1000),
        counter.count([partner], 1000),
        counter.count([partner, customer], 1000),
      ]);
      assert.deepEqual(counts, [[1, 1], [2], [3, 2]]);
      assert.deepEqual(calls, [[3, 2]], 'one upsert adding 3 to the partner and 2 to the customer');
      // The next turn goes on from the stored totals.
      assert.deepEqual(await counter.count([customer, partner], 1000), [3, 4]);
      assert.deepEqual(await store.countRequests([partner], 1000, [0]), [4], 'the store holds every request');
    });

    it('keeps counts exact between two counters on one store, as between two server processes', async () => {
      const { partner } = keysOf();
      const counters = [new RequestCounter(store), new RequestCounter(store)];
      const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => counters[i % 2].count([partner], 2000)));
      assert.deepEqual(
        counts.map(([n]) => n).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
    });

    it('counts each window apart within one turn', async () => {
      const { spy, calls } = counted();
      const counter = new RequestCounter(spy);
      const { partner } = keysOf();
      const counts = await Promise.all([counter.count([partner], 3000), counter.count([partner], 3060), counter.count([partner], 3000)]);
      assert.deepEqual(counts, [[1], [1], [2]]);
      assert.deepEqual(calls.sort(), [[1], [2]]);
    });

    it("fails every request of the turn when the store's write fails", async () => {
      // A real failure: the store's connection is closed.
      const closed = await factory.open();
      await factory.dispose(closed);
      const counter = new RequestCounter(closed);
      const { partner } = keysOf();
      const results = await Promise.allSettled([counter.count([partner], 4000), counter.count([partner], 4000)]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
      const [first, second] = results as PromiseRejectedResult[];
      assert.equal(first.reason, second.reason, 'both see the one failed write');
    });
  });
}
