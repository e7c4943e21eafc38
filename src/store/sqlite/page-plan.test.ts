import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { domainUsersSql, upnDomainsSql } from '../queries/substring-search.js';
import { denseSearchProbeSql, userPageSql } from '../queries/user-list-sql.js';
import { sqlitePlans } from '../../test-support/sqlite-plans.js';

describe('a page of users on SQLite', () => {
  const planOf = sqlitePlans();

  const pages: [string, UserListQuery][] = [
    ['the default order', { state: 'active', sortField: 'displayName', direction: 'asc' }],
    ['display name descending, deleted users', { state: 'inactive', sortField: 'displayName', direction: 'desc' }],
    ['a display-name prefix', { state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'starts_with', value: 'emma b' } }],
    ['the UPN order', { state: 'active', sortField: 'userPrincipalName', direction: 'asc' }],
    ['a UPN prefix in UPN order', { state: 'active', sortField: 'userPrincipalName', direction: 'desc', search: { field: 'userPrincipalName', operator: 'starts_with', value: 'zoe.z' } }],
  ];
  for (const [name, query] of pages) {
    it(`reads ${name} from one index that carries the users' JSON, without a look-up into the table per user`, () => {
      for (const position of [undefined, { key: 'm', id: '5' }]) {
        const sql = userPageSql('sqlite', query, 'partner', 'customer', 100, position);
        const plan = planOf(sql.text, sql.params);
        const index = query.sortField === 'displayName' ? 'users_page_by_display_name' : 'users_page_by_upn';
        assert.ok(plan.some((step) => step.includes(`USING COVERING INDEX ${index}`)), plan.join('\n'));
        assert.ok(!plan.some((step) => /^(SEARCH|SCAN) users USING (PRIMARY KEY|INDEX )/.test(step)), plan.join('\n'));
      }
    });
  }

  it("reads a customer's UPN domains with one seek of the domain index per domain, not a scan of its users", () => {
    const plan = planOf(upnDomainsSql('sqlite'), ['customer', 'customer']);
    assert.ok(plan.filter((step) => step.includes('USING COVERING INDEX users_by_upn_domain')).length >= 2, plan.join('\n'));
    assert.ok(!plan.some((step) => /^SCAN users\b/.test(step) || /USING PRIMARY KEY/.test(step)), plan.join('\n'));
  });

  it("lists the users of some UPN domains from the domain index, not a scan of the customer's users", () => {
    const plan = planOf(domainUsersSql, ['customer', '["contoso.com","fabrikam.com"]']);
    assert.ok(plan.some((step) => step.includes('USING COVERING INDEX users_by_upn_domain (customer_id=? AND <expr>=?)')), plan.join('\n'));
    assert.ok(!plan.some((step) => /^SCAN users\b/.test(step)), plan.join('\n'));
  });

  it('probes how dense a contains search is from one covering index, whichever field the page is sorted by', () => {
    for (const [field, sortField, index] of [
      ['userPrincipalName', 'displayName', 'users_page_by_upn'],
      ['displayName', 'userPrincipalName', 'users_page_by_display_name'],
      ['displayName', 'displayName', 'users_page_by_display_name'],
    ] as const) {
      const query: UserListQuery = { state: 'active', sortField, direction: 'asc', search: { field, operator: 'substring', value: 'tanaka' } };
      const sql = denseSearchProbeSql(query, 'customer', 100, { key: 'm', id: '5' });
      const plan = planOf(sql.text, sql.params);
      assert.ok(plan.some((step) => step.includes(`USING COVERING INDEX ${index}`)), plan.join('\n'));
      assert.ok(!plan.some((step) => /USING PRIMARY KEY|^SCAN users\b/.test(step)), plan.join('\n'));
    }
  });
});
