import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { toUserRow, type UserRow } from '../domain/user.js';
import { syntheticUsers, syntheticUsersInKeyOrder } from './synthetic-users.js';

const numberOf = (row: UserRow) => Number(row.displayName.slice(row.displayName.lastIndexOf(' ') + 1));

describe('syntheticUsersInKeyOrder', () => {
  for (const [start, count, domain] of [
    [0, 2000, 'seed0c39d6d5.onmicrosoft.com'],
    [7, 1234, 'Contoso.Example.COM'],
    [99_990, 30, 'bücher.example'],
    [995_000, 10_000, 'seed0c39d6d5.onmicrosoft.com'],
  ] as const) {
    it(`makes the same users as syntheticUsers, byte for byte (users ${start}… of ${domain})`, () => {
      const customerId = randomUUID();
      const rows = [...syntheticUsersInKeyOrder(customerId, domain, start, count, 700)].flat();
      assert.equal(rows.length, count);
      const byNumber = new Map(rows.map((row) => [numberOf(row), row]));
      assert.equal(byNumber.size, count, 'each user once');
      for (const reference of syntheticUsers(customerId, domain, start, count)) {
        const row = byNumber.get(numberOf(reference))!;
        const { displayNameKey, userPrincipalNameKey, itemJson, ...record } = reference;
        // Only the random id differs; everything derived from it is derived again here.
        assert.deepEqual(row, toUserRow({ ...record, id: row.id }));
      }
    });
  }

  it('yields rows in display-name key order with ascending random version-4 ids, a batch at a time', () => {
    const batches = [...syntheticUsersInKeyOrder(randomUUID(), 'order.example', 12_345, 5000, 1500)];
    assert.deepEqual(batches.map((b) => b.length), [1500, 1500, 1500, 500]);
    const rows = batches.flat();
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i - 1].displayNameKey < rows[i].displayNameKey, `${rows[i - 1].displayNameKey} < ${rows[i].displayNameKey}`);
      assert.ok(rows[i - 1].id < rows[i].id);
    }
    for (const row of rows) assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
