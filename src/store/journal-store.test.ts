import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeFactories } from '../test-support/stores.js';
import type { JournalRow } from './journal-store.js';
import type { Store } from './store.js';

const row = (partnerId: string, n: number, over: Partial<JournalRow> = {}): JournalRow => ({
  partnerId,
  time: new Date(Date.UTC(2026, 11, 1, 0, 0, n)).toISOString(),
  method: 'GET',
  path: '/v1/customers',
  operation: n % 2 === 0 ? 'customers.list' : 'users.list',
  requestId: `r-${n}`,
  correlationId: n < 5 ? 'corr-a' : 'corr-b',
  status: n % 3 === 0 ? 429 : 200,
  checks: n === 4 ? 'noCorrelationId,ownPagingUrl' : '',
  entryJson: '{}',
  responseBody: n === 1 ? Buffer.from([1, 2, 3]) : null,
  ...over,
});

for (const factory of storeFactories) {
  describe(`journal storage on ${factory.name}`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(async () => factory.dispose(store));

    it('keeps each partner to its newest `keep` rows, without touching other partners', async () => {
      await store.journal().append([0, 1, 2].map((n) => row('ring-b', n)), 10);
      await store.journal().append([0, 1, 2, 3, 4, 5].map((n) => row('ring-a', n)), 4);
      await store.journal().append([6, 7].map((n) => row('ring-a', n)), 4);
      const a = await store.journal().page('ring-a', {}, undefined, 100);
      assert.deepEqual(a.map((r) => r.requestId), ['r-7', 'r-6', 'r-5', 'r-4']);
      assert.equal(await store.journal().count('ring-a', {}), 4);
      assert.equal(await store.journal().count('ring-b', {}), 3);
    });

    it('trims each partner of a mixed batch and counts a cleared partner from zero again', async () => {
      await store.journal().append([0, 1, 2].map((n) => row('mix-a', n)), 3);
      await store.journal().append([3, 4, 5, 6].flatMap((n) => [row('mix-a', n), row('mix-b', n)]), 3);
      assert.deepEqual((await store.journal().page('mix-a', {}, undefined, 100)).map((r) => r.requestId), ['r-6', 'r-5', 'r-4']);
      assert.deepEqual((await store.journal().page('mix-b', {}, undefined, 100)).map((r) => r.requestId), ['r-6', 'r-5', 'r-4']);
      assert.equal(await store.journal().clear('mix-a'), 3);
      // After the clear the ring is empty: three new rows all stay, a fourth pushes out the first.
      await store.journal().append([7, 8, 9].map((n) => row('mix-a', n)), 3);
      assert.deepEqual((await store.journal().page('mix-a', {}, undefined, 100)).map((r) => r.requestId), ['r-9', 'r-8', 'r-7']);
      await store.journal().append([row('mix-a', 10)], 3);
      assert.deepEqual((await store.journal().page('mix-a', {}, undefined, 100)).map((r) => r.requestId), ['r-10', 'r-9', 'r-8']);
      assert.equal(await store.journal().count('mix-b', {}), 3);
    });

    it('keeps order and the ring across a batch larger than one write (SQLite writes 50 rows a transaction)', async () => {
      const batch = Array.from({ length: 130 }, (_, n) => row(n % 2 === 0 ? 'big-a' : 'big-b', n));
      await store.journal().append(batch, 60);
      const newest = (p: string) => batch.filter((r) => r.partnerId === p).map((r) => r.requestId).reverse().slice(0, 60);
      assert.deepEqual((await store.journal().page('big-a', {}, undefined, 100)).map((r) => r.requestId), newest('big-a'));
      assert.deepEqual((await store.journal().page('big-b', {}, undefined, 100)).map((r) => r.requestId), newest('big-b'));
    });

    it('pages newest first by seq and filters by request id, correlation id, status, operation and time', async () => {
      const p = 'paging';
      await store.journal().append(Array.from({ length: 10 }, (_, n) => row(p, n)), 100);
      const first = await store.journal().page(p, {}, undefined, 4);
      const second = await store.journal().page(p, {}, first.at(-1)!.seq, 4);
      assert.deepEqual([...first, ...second].map((r) => r.requestId), ['r-9', 'r-8', 'r-7', 'r-6', 'r-5', 'r-4', 'r-3', 'r-2']);
      assert.ok(first[0].seq > first[1].seq);
      assert.deepEqual((await store.journal().page(p, { requestId: 'r-3' }, undefined, 10)).map((r) => r.requestId), ['r-3']);
      assert.equal(await store.journal().count(p, { correlationId: 'corr-a' }), 5);
      assert.equal(await store.journal().count(p, { status: 429 }), 4);
      assert.equal(await store.journal().count(p, { operation: 'users.list' }), 5);
      assert.equal(await store.journal().count(p, { since: row(p, 7).time }), 3);
      assert.equal(await store.journal().count(p, { status: 429, operation: 'customers.list' }), 2);
      // A filter value is data, never SQL.
      assert.equal(await store.journal().count(p, { requestId: "r-1' OR '1'='1" }), 0);
    });

    it('reads one row back whole, lists the rows with checks, and clears a partner', async () => {
      const p = 'one';
      await store.journal().append([row(p, 1), row(p, 4)], 100);
      const [four, one] = await store.journal().page(p, {}, undefined, 10);
      const got = await store.journal().get(p, one.seq);
      assert.deepEqual(got, one);
      assert.deepEqual([...got!.responseBody!], [1, 2, 3]);
      assert.equal(await store.journal().get('someone-else', one.seq), undefined);
      assert.deepEqual(await store.journal().withChecks(p), [{ seq: four.seq, time: four.time, checks: 'noCorrelationId,ownPagingUrl' }]);
      assert.equal(await store.journal().clear(p), 2);
      assert.equal(await store.journal().count(p, {}), 0);
    });
  });
}
