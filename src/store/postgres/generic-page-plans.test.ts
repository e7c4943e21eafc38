import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import type { UserListQuery, UserSearch } from '../../domain/user-list-query.js';
import type { UserRow } from '../../domain/user.js';
import { testCustomer, testPostgresUrl } from '../../test-support/stores.js';
import { planUpnContains, type ContainsPlan } from '../queries/substring-search.js';
import { numberPlaceholders, postgresGenericUserPageSql, postgresNameWordsPageSql, userPageSql, type SqlText } from '../queries/user-list-sql.js';
import { userPageItemsText } from '../store.js';
import { PostgresStore } from './postgres-store.js';
import { batchedStatement } from './statement-batch.js';

const userCount = 30_000;

/**
 * Every page whose plan does not depend on its parameters, with and without a position: each
 * order, unfiltered, with a prefix or exact search on its sort key, or with a contains search no
 * index answers on the other field (a text shorter than a trigram, or in the UPN's domain part).
 */
function parameterFreeShapes(position: { key: string; id: string }): { query: UserListQuery; after?: { key: string; id: string }; plan?: ContainsPlan }[] {
  const shapes = [];
  for (const state of ['active', 'inactive'] as const)
    for (const sortField of ['displayName', 'userPrincipalName'] as const)
      for (const direction of ['asc', 'desc'] as const)
        for (const after of [undefined, position]) {
          const other = sortField === 'displayName' ? 'userPrincipalName' : 'displayName';
          const searches: { search?: UserSearch; plan?: ContainsPlan }[] = [
            {},
            { search: { field: sortField, operator: 'starts_with', value: 'ada' } },
            { search: { field: sortField, operator: 'equals', value: 'ada' } },
            { search: { field: other, operator: 'substring', value: 'ad' } },
          ];
          if (other === 'userPrincipalName') searches.push({ search: { field: other, operator: 'substring', value: '@generic' }, plan: { kind: 'walk' } });
          for (const { search, plan } of searches) shapes.push({ query: { state, sortField, direction, ...(search ? { search } : {}) }, after, plan });
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

  /** Settings of a server whose planner assumes a small cache and slow seeks (a large directory on small or remote storage), where reading rows in index order looks dearest. */
  const seeksLookDear = "SET effective_cache_size = '1MB'; SET random_page_cost = 40";

  /** The plan PostgreSQL runs for `sql` as a prepared statement, generic or custom, under `settings`. */
  async function preparedPlan(sql: SqlText, mode: 'generic' | 'custom', settings = ''): Promise<string> {
    const client = await store.pool.connect();
    try {
      await client.query(`SET plan_cache_mode = force_${mode}_plan; ${settings}`);
      await client.query(`PREPARE page AS ${numberPlaceholders(sql.text)}`);
      const literal = (v: unknown) => `'${String(v).replaceAll("'", "''")}'`;
      const literals = sql.params.map((v) => (Array.isArray(v) ? `ARRAY[${v.map(literal).join(', ')}]` : literal(v))).join(', ');
      const { rows: lines } = await client.query(`EXPLAIN EXECUTE page(${literals})`);
      return lines.map((l) => String(l['QUERY PLAN'])).join('\n');
    } finally {
      await client.query('DEALLOCATE ALL; RESET ALL').catch(() => {});
      client.release();
    }
  }
  const genericPlan = (sql: SqlText) => preparedPlan(sql, 'generic', seeksLookDear);
  /** A plan's nodes, without costs, conditions or values. */
  const nodesOf = (plan: string) => plan.split('\n').filter((l) => !/^\s*(Filter|Index Cond|Recheck Cond|Sort Key|Group Key|Rows Removed)/.test(l)).map((l) => l.replace(/\s*\(cost=.*$/, ''));

  it('keep one generic plan that walks the sort index, even where the planner thinks index order dear and the table is ordered unlike the index', async () => {
    const position = { key: rows[0].displayNameKey, id: rows[0].id };
    for (const { query, after } of parameterFreeShapes(position).filter((s) => s.query.search?.operator !== 'substring')) {
      const plan = await genericPlan(postgresGenericUserPageSql(query, demoPartnerId, customer.id, 100, after));
      const index = query.sortField === 'displayName' ? 'users_by_display_name' : 'users_by_upn';
      // An exact UPN may as well be found through the unique index of active UPNs.
      const indexes = query.search?.operator === 'equals' ? `(${index}|users_active_upn)` : index;
      assert.match(plan, new RegExp(`Index (Only )?Scan (Backward )?using ${indexes} on users`), `${JSON.stringify(query)}:\n${plan}`);
      assert.doesNotMatch(plan, /Seq Scan on users|Bitmap Heap Scan on users/, `${JSON.stringify(query)}:\n${plan}`);
    }
  });

  it("run a turn's pages as one statement whose generic plan walks the sort index for each page, even where the planner thinks index order dear", async () => {
    const position = { key: rows[0].displayNameKey, id: rows[0].id };
    for (const { query, after, plan: contains } of parameterFreeShapes(position)) {
      const sql = postgresGenericUserPageSql(query, demoPartnerId, customer.id, 100, after, contains);
      // Two pages of a turn: the shape's own, and one of another customer.
      const batched = { text: batchedStatement(numberPlaceholders(sql.text), sql.params.length), params: sql.params.map((p) => [p, p === customer.id ? randomUUID() : p]) };
      // As alone (the test below): a contains search no index answers is not held to a walk where seeks look dear.
      const plan = contains || query.search?.operator === 'substring' ? await preparedPlan(batched, 'generic') : await genericPlan(batched);
      assert.match(plan, /Nested Loop/, `${JSON.stringify(query)}:\n${plan}`);
      assert.match(plan, /Index (Only )?Scan (Backward )?using (users_by_display_name|users_by_upn|users_active_upn) on users/, `${JSON.stringify(query)}:\n${plan}`);
      assert.doesNotMatch(plan, /Seq Scan on users|Bitmap Heap Scan on users/, `${JSON.stringify(query)}:\n${plan}`);
    }
  });

  it('plan a contains search no index answers the same for every text, which its generic plan, a walk, keeps', async () => {
    const position = { key: rows[0].displayNameKey, id: rows[0].id };
    for (const { query, after, plan: contains } of parameterFreeShapes(position).filter((s) => s.query.search?.operator === 'substring')) {
      const sql = postgresGenericUserPageSql(query, demoPartnerId, customer.id, 100, after, contains);
      for (const settings of ['', seeksLookDear]) {
        const plans = new Set<string>();
        for (const value of ['a', 'zz', '@generic', 'ada.']) {
          // The same statement, planned for another text.
          const other = { text: sql.text, params: sql.params.map((p) => (p === query.search!.value ? value : p)) };
          plans.add(nodesOf(await preparedPlan(other, 'custom', settings)).join('\n'));
        }
        assert.equal(plans.size, 1, `${JSON.stringify(query)} ${settings}:\n${[...plans].join('\n\n')}`);
      }
      const generic = await preparedPlan(sql, 'generic');
      assert.doesNotMatch(generic, /Seq Scan on users|Bitmap Heap Scan on users/, `${JSON.stringify(query)}:\n${generic}`);
    }
  });

  /** Reads nine full pages of `query`, then checks that the page connections' statements named `prefix_…` only ever ran their generic plan. */
  async function assertPagesRunGenericPlans(query: UserListQuery, size: number, prefix: string): Promise<void> {
    let page = await store.readUserPage(demoPartnerId, customer.id, query, size);
    assert.ok(page && page.count === size, `${JSON.stringify(query)} should fill a page`);
    for (let i = 0; i < 8 && page?.next; i++) page = await store.readUserPage(demoPartnerId, customer.id, query, size, page.next);
    // One request at a time takes the same idle connection back, whose statements these are.
    const { rows: statements } = await store.pagePool.query("SELECT name, generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE $1 || '\\_%'", [prefix]);
    assert.ok(statements.length > 0, `no ${prefix}_ statement was prepared on the page connections`);
    for (const s of statements) {
      assert.equal(s.custom, 0, `${s.name} was planned for its parameters`);
      assert.ok(s.generic > 0, `${s.name} never ran`);
    }
  }

  it('would scan and sort the whole customer under a generic plan if the size were bound, which is why it is written in', async () => {
    const plan = await genericPlan(userPageSql('postgres', { state: 'active', sortField: 'displayName', direction: 'asc' }, demoPartnerId, customer.id, 100));
    assert.match(plan, /Seq Scan on users|Bitmap Heap Scan on users/, plan);
  });

  it('are read through prepared statements that run their generic plan, never planned again', async () => {
    const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc' };
    await assertPagesRunGenericPlans(query, 50, 'gp');
  });

  it('of a search answered by the words of display names keep one generic plan that reads each word from the indexes', async () => {
    const position = { key: rows[0].displayNameKey, id: rows[0].id };
    for (const state of ['active', 'inactive'] as const)
      for (const direction of ['asc', 'desc'] as const)
        for (const after of [undefined, position])
          for (const words of [['ada'], ['ada', 'tanaka', 'nakamura']]) {
            const query: UserListQuery = { state, sortField: 'displayName', direction, search: { field: 'displayName', operator: 'substring', value: 'ada' } };
            const sql = postgresNameWordsPageSql(query, demoPartnerId, customer.id, 100, words, after, 'written');
            for (const plan of [await preparedPlan(sql, 'generic'), await genericPlan(sql)]) {
              const context = `${JSON.stringify({ query, after, words })}:\n${plan}`;
              assert.match(plan, /Index (Only )?Scan (Backward )?using user_name_words_by_word on user_name_words/, context);
              assert.match(plan, /Index (Only )?Scan (Backward )?using users_by_display_name on users/, context);
              assert.match(plan, /Index Scan using users_pkey on users/, context);
              assert.doesNotMatch(plan, /Seq Scan on users|Bitmap Heap Scan/, context);
            }
          }
  });

  it('of a search answered by the words of display names run their generic plan, never planned again', async () => {
    const word = rows[0].displayNameKey.split(' ')[1];
    const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: word } };
    await assertPagesRunGenericPlans(query, 30, 'gw');
  });

  it('look for a search on the field they are not sorted by once, for the page and its boundary both', async () => {
    const sortedByName = { state: 'active', sortField: 'displayName', direction: 'asc' } as const;
    const trigram: UserListQuery = { ...sortedByName, search: { field: 'userPrincipalName', operator: 'substring', value: '.1234' } };
    const custom = await preparedPlan(userPageSql('postgres', trigram, demoPartnerId, customer.id, 100, undefined, undefined, planUpnContains('.1234', [customer.domain])), 'custom');
    assert.equal(custom.match(/Bitmap Index Scan on users_upn_local_trgm/g)?.length, 1, custom);
    const walk: UserListQuery = { ...sortedByName, search: { field: 'userPrincipalName', operator: 'substring', value: '@generic' } };
    const generic = await preparedPlan(postgresGenericUserPageSql(walk, demoPartnerId, customer.id, 100, undefined, { kind: 'walk' }), 'generic');
    assert.equal(generic.match(/Scan using users_by_display_name on users/g)?.length, 1, generic);
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
