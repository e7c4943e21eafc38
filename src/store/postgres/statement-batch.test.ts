import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { toUserRow, type UserRow } from '../../domain/user.js';
import { testCustomer, testPostgresUrl } from '../../test-support/stores.js';
import { userPageItemsText, type UserPageJson } from '../store.js';
import { PostgresStore } from './postgres-store.js';
import { batchedStatement, maxBatchedExecutions, StatementBatch } from './statement-batch.js';

/** The names of the statements a pool is asked to run, recorded around its own `query`. */
function recordStatementNames(pool: pg.Pool): string[] {
  const names: string[] = [];
  const query = pool.query.bind(pool) as (config: { name?: string }) => Promise<unknown>;
  (pool as unknown as { query: typeof query }).query = (config) => {
    names.push(config.name ?? '');
    return query(config);
  };
  return names;
}

describe('a statement batch on PostgreSQL', () => {
  let pool: pg.Pool;
  before(() => {
    pool = new pg.Pool({ connectionString: testPostgresUrl, max: 4 });
  });
  after(async () => pool.end());

  it('writes the statement once per element of its parameter arrays, each row led by its place', () => {
    assert.equal(
      batchedStatement('SELECT x FROM t WHERE a = $1 AND b > $2', 2),
      'SELECT r.i::int, p.* FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(p1, p2, i) CROSS JOIN LATERAL (SELECT x FROM t WHERE a = r.p1 AND b > r.p2) p',
    );
  });

  it('answers each execution of a turn with the rows it would get alone, in one statement', async () => {
    const names = recordStatementNames(pool);
    const batch = new StatementBatch(pool);
    const text = 'SELECT g, $1 || g::text AS label FROM generate_series(1, length($2)) g';
    const values = Array.from({ length: 12 }, (_, i) => [`w${i}-`, 'x'.repeat(i % 4)]);
    const answers = await Promise.all(values.map((v) => batch.query('sb_series', text, v)));
    for (const [i, [label, span]] of values.entries())
      assert.deepEqual(answers[i], Array.from({ length: span.length }, (_, g) => [g + 1, `${label}${g + 1}`]), `execution ${i}`);
    assert.deepEqual(names, ['sb_series_b']);
  });

  it(`runs more than ${maxBatchedExecutions} executions of a turn in batches of at most that many`, async () => {
    const names = recordStatementNames(pool);
    const batch = new StatementBatch(pool);
    const count = maxBatchedExecutions * 2 + 3;
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => batch.query('sb_upper', 'SELECT upper($1)', [`v${i}`])));
    assert.deepEqual(answers, Array.from({ length: count }, (_, i) => [[`V${i}`]]));
    assert.deepEqual(names, ['sb_upper_b', 'sb_upper_b', 'sb_upper_b']);
  });

  it('runs an execution alone when it is the only one of its turn, or when a value is not text', async () => {
    const names = recordStatementNames(pool);
    const batch = new StatementBatch(pool);
    assert.deepEqual(await batch.query('sb_alone', 'SELECT lower($1)', ['ABC']), [['abc']]);
    const [sum, text] = await Promise.all([batch.query('sb_sum', 'SELECT $1::int + 1', [41]), batch.query('sb_sum_text', 'SELECT $1 || $1', ['ab'])]);
    assert.deepEqual([sum, text], [[[42]], [['abab']]]);
    assert.deepEqual(names.sort(), ['sb_alone', 'sb_sum', 'sb_sum_text']);
  });

  it('gives a failing execution its own error and the others of its turn their rows', async () => {
    const batch = new StatementBatch(pool);
    const text = 'SELECT (12 / length($1))::int';
    const answers = await Promise.allSettled(['ab', '', 'abcd', 'abc'].map((v) => batch.query('sb_divide', text, [v])));
    assert.deepEqual(answers[0], { status: 'fulfilled', value: [[6]] });
    assert.equal(answers[1].status, 'rejected');
    assert.match(String((answers[1] as PromiseRejectedResult).reason), /division by zero/);
    assert.deepEqual(answers.slice(2), [
      { status: 'fulfilled', value: [[3]] },
      { status: 'fulfilled', value: [[4]] },
    ]);
  });
});

describe('users pages read in one turn on PostgreSQL', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const customer = testCustomer(demoPartnerId, 'batched');
  const otherPartnerId = randomUUID();
  const otherCustomer = testCustomer(otherPartnerId, 'other');
  let store: PostgresStore;
  let users: UserRow[];

  before(async () => {
    store = new PostgresStore(testPostgresUrl, { schema });
    await store.migrate();
    await store.insertCustomer(customer, []);
    await store.insertCustomer(otherCustomer, []);
    // Every seventh user deleted, so both states have pages.
    users = syntheticUsers(customer.id, customer.domain, 0, 240).map((row, i) => (i % 7 === 3 ? toUserRow({ ...row, state: 'inactive', softDeletionTime: '2026-01-02T00:00:00Z' }) : row));
    await store.insertUsers(users.map((row) => ({ row, passwordHash: unusablePasswordHash })));
    await store.insertUsers(syntheticUsers(otherCustomer.id, otherCustomer.domain, 0, 30).map((row) => ({ row, passwordHash: unusablePasswordHash })));
  });
  after(async () => {
    await store.dropSchema();
    await store.close();
  });

  const text = (page: UserPageJson | undefined) => (page ? { items: userPageItemsText(page), count: page.count, next: page.next } : undefined);

  it('are each what they are read alone, in every order and search, with a partner that does not own its customer among them', async () => {
    const queries: UserListQuery[] = [];
    // A part of a word of display names: answered from the words' index (its own statements).
    const word = users[0].displayNameKey.split(' ')[0].slice(1, 4);
    for (const sortField of ['displayName', 'userPrincipalName'] as const)
      for (const direction of ['asc', 'desc'] as const) {
        const other = sortField === 'displayName' ? 'userPrincipalName' : 'displayName';
        queries.push({ state: 'active', sortField, direction });
        queries.push({ state: 'inactive', sortField, direction });
        queries.push({ state: 'active', sortField, direction, search: { field: sortField, operator: 'starts_with', value: 'a' } });
        queries.push({ state: 'active', sortField, direction, search: { field: other, operator: 'substring', value: 'a' } });
        queries.push({ state: 'active', sortField, direction, search: { field: 'displayName', operator: 'substring', value: word } });
      }
    // Positions along each query's own walk, read alone, one page at a time.
    const reads: { partnerId: string; customerId: string; query: UserListQuery; size: number; after?: KeysetPosition }[] = [];
    for (const query of queries)
      for (const size of [1, 10, 100]) {
        let after: KeysetPosition | undefined;
        for (let i = 0; i < 4; i++) {
          reads.push({ partnerId: demoPartnerId, customerId: customer.id, query, size, after });
          reads.push({ partnerId: otherPartnerId, customerId: customer.id, query, size, after });
          const page = await store.readUserPage(demoPartnerId, customer.id, query, size, after);
          after = page?.next;
          if (!after) break;
        }
      }
    const names = recordStatementNames(store.pagePool);
    const together = await Promise.all(reads.map((r) => store.readUserPage(r.partnerId, r.customerId, r.query, r.size, r.after)));
    assert.ok(
      names.some((name) => name.endsWith('_b')),
      `the turn's pages ran as batches: ${names.join(' ')}`,
    );
    assert.ok(names.length < reads.length / 2, `${names.length} statements for ${reads.length} pages`);
    for (const [i, r] of reads.entries()) {
      const alone = await store.readUserPage(r.partnerId, r.customerId, r.query, r.size, r.after);
      assert.deepEqual(text(together[i]), text(alone), `read ${i}: ${JSON.stringify(r)}`);
      assert.equal(together[i] === undefined, r.partnerId === otherPartnerId, `read ${i}: only the owner gets a page`);
    }
  });

  it("look up a customer and a user's item in one statement each, each as it is alone, only for the customer's own partner", async () => {
    const lookups: { partnerId: string; customerId: string; userId: string }[] = [];
    for (const partnerId of [demoPartnerId, otherPartnerId])
      for (const customerId of [customer.id, otherCustomer.id, randomUUID()])
        for (const userId of [users[0].id, users[200].id, randomUUID()]) lookups.push({ partnerId, customerId, userId });
    const names = recordStatementNames(store.pool);
    const [customers, items] = await Promise.all([
      Promise.all(lookups.map((l) => store.findCustomer(l.partnerId, l.customerId))),
      Promise.all(lookups.map((l) => store.findUserJson(l.customerId, l.userId))),
    ]);
    assert.deepEqual(names.sort(), ['find_customer_b', 'find_user_json_b']);
    for (const [i, l] of lookups.entries()) {
      assert.deepEqual(customers[i], await store.findCustomer(l.partnerId, l.customerId), `customer ${i}`);
      assert.equal(items[i], await store.findUserJson(l.customerId, l.userId), `item ${i}`);
      const owned = (l.partnerId === demoPartnerId && l.customerId === customer.id) || (l.partnerId === otherPartnerId && l.customerId === otherCustomer.id);
      assert.equal(customers[i]?.id, owned ? l.customerId : undefined, `customer ${i} is found for its own partner only`);
      const user = l.customerId === customer.id ? users.find((u) => u.id === l.userId) : undefined;
      assert.equal(items[i], user?.itemJson, `item ${i} is the user's, of that customer only`);
    }
    assert.deepEqual(customers[0], customer, 'the customer reads back whole');
  });
});
