import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import type { UserRow } from '../../domain/user.js';
import { testCustomer, testPostgresUrl } from '../../test-support/stores.js';
import { numberPlaceholders, postgresGenericUserPageSql, userPageSql, type SqlText } from '../queries/user-list-sql.js';
import { userPageItemsText } from '../store.js';
import { PostgresStore } from './postgres-store.js';

const userCount = 30_000;

/** Every page whose plan does not depend on its parameters: each order, unfiltered or with a prefix or exact search on its sort key, with and without a position. */
function parameterFreeShapes(position: { key: string; id: string }): { query: UserListQuery; after?: { key: string; id: string } }[] {
  const shapes = [];
  for (const state of ['active', 'inactive'] as const)
    for (const sortField of ['displayName', 'userPrincipalName'] as const)
      for (const direction of ['asc', 'desc'] as const)
        for (const operator of [undefined, 'starts_with', 'equals'] as const)
          for (const after of [undefined, position]) {
            const search = operator && { field: sortField, operator, value: 'ada' };
            shapes.push({ query: { state, sortField, direction, ...(search ? { search } : {}) }, after });
          }
  return shapes;
}

/** Fisher–Yates with a fixed seed, so the table's order is unlike every index's, the same each run. */
function shuffled<T>(items: T[]): T[] {
  let seed = 20261205;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

describe('pages on PostgreSQL whose plan does not depend on their parameters', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const customer = testCustomer(demoPartnerId, 'generic');
  let store: PostgresStore;
  let rows: UserRow[];

  before(async () => {
    store = new PostgresStore(testPostgresUrl, { schema });
    await store.migrate();
    await store.insertCustomer(customer, []);
    rows = shuffled(syntheticUsers(customer.id, customer.domain, 0, userCount));
    await store.insertUsersBulk([rows], unusablePasswordHash);
  });
  after(async () => {
    await store.dropSchema();
    await store.close();
  });

  /**
   * The plan PostgreSQL keeps for `sql` as a prepared statement that always runs its generic plan,
   * on a server whose planner assumes a small cache and slow seeks (as for a large directory on
   * small or remote storage), where reading rows in index order looks dearest.
   */
  async function genericPlan(sql: SqlText): Promise<string> {
    const client = await store.pool.connect();
    try {
      await client.query("SET plan_cache_mode = force_generic_plan; SET effective_cache_size = '1MB'; SET random_page_cost = 40");
      await client.query(`PREPARE page AS ${numberPlaceholders(sql.text)}`);
      const literals = sql.params.map((v) => `'${String(v).replaceAll("'", "''")}'`).join(', ');
      const { rows: lines } = await client.query(`EXPLAIN EXECUTE page(${literals})`);
      return lines.map((l) => String(l['QUERY PLAN'])).join('\n');
    } finally {
      await client.query('DEALLOCATE ALL; RESET plan_cache_mode; RESET effective_cache_size; RESET random_page_cost').catch(() => {});
      client.release();
    }
  }

  it('keep one generic plan that walks the sort index, even where the planner thinks index order dear and the table is ordered unlike the index', async () => {
    const position = { key: rows[0].displayNameKey, id: rows[0].id };
    for (const { query, after } of parameterFreeShapes(position)) {
      const plan = await genericPlan(postgresGenericUserPageSql(query, demoPartnerId, customer.id, 100, after));
      const index = query.sortField === 'displayName' ? 'users_by_display_name' : 'users_by_upn';
      // An exact UPN may as well be found through the unique index of active UPNs.
      const indexes = query.search?.operator === 'equals' ? `(${index}|users_active_upn)` : index;
      assert.match(plan, new RegExp(`Index (Only )?Scan (Backward )?using ${indexes} on users`), `${JSON.stringify(query)}:\n${plan}`);
      assert.doesNotMatch(plan, /Seq Scan on users|Bitmap Heap Scan on users/, `${JSON.stringify(query)}:\n${plan}`);
    }
  });

  it('would scan and sort the whole customer under a generic plan if the size were bound, which is why it is written in', async () => {
    const plan = await genericPlan(userPageSql('postgres', { state: 'active', sortField: 'displayName', direction: 'asc' }, demoPartnerId, customer.id, 100));
    assert.match(plan, /Seq Scan on users|Bitmap Heap Scan on users/, plan);
  });

  it('are read through prepared statements that run their generic plan, never planned again', async () => {
    const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc' };
    let page = await store.readUserPage(demoPartnerId, customer.id, query, 50);
    for (let i = 0; i < 8 && page?.next; i++) page = await store.readUserPage(demoPartnerId, customer.id, query, 50, page.next);
    // One request at a time takes the same idle connection back, whose statements these are.
    const { rows: statements } = await store.pagePool.query("SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'gp\\_%'");
    assert.ok(statements.length > 0, 'no page statement was prepared on the page connections');
    for (const s of statements) {
      assert.equal(s.custom, 0, `${s.name} was planned for its parameters`);
      assert.ok(s.generic > 0, `${s.name} never ran`);
    }
  });

  it('of more sizes than get generic statements are still each the right users', async () => {
    const query: UserListQuery = { state: 'active', sortField: 'userPrincipalName', direction: 'desc' };
    const expected = [...rows].sort((a, b) => (a.userPrincipalNameKey === b.userPrincipalNameKey ? (a.id < b.id ? 1 : -1) : a.userPrincipalNameKey < b.userPrincipalNameKey ? 1 : -1));
    for (let size = 1; size <= 40; size++) {
      const page = await store.readUserPage(demoPartnerId, customer.id, query, size);
      assert.ok(page);
      const ids = (JSON.parse(`[${userPageItemsText(page)}]`) as { id: string }[]).map((u) => u.id);
      assert.deepEqual(ids, expected.slice(0, size).map((r) => r.id), `size ${size}`);
      assert.deepEqual(page.next, { key: expected[size - 1].userPrincipalNameKey, id: expected[size - 1].id }, `size ${size}`);
    }
  });
});
