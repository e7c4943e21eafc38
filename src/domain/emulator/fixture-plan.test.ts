import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { microsoft365E3, powerBiPro } from '../product-catalog.js';
import { planFixture, type FixtureProblem } from './fixture-plan.js';

const ctx = { partnerId: '11111111-1111-4111-8111-111111111111', seed: 'plan-test', now: '2026-01-01T00:00:00Z' };
const problems = (fixture: unknown): FixtureProblem[] => {
  const r = planFixture(fixture, ctx);
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : r.problems;
};
const paths = (fixture: unknown) => problems(fixture).map((p) => p.path);

const good = () => ({
  customers: [
    {
      companyName: 'Contoso',
      domain: 'contoso.onmicrosoft.com',
      users: [
        { userPrincipalName: 'ann@contoso.onmicrosoft.com', displayName: 'Ann', usageLocation: 'US' },
        { userPrincipalName: 'bob@contoso.onmicrosoft.com', firstName: 'Bob', lastName: 'Stone' },
        { userPrincipalName: 'old@contoso.onmicrosoft.com', softDeletionTime: '2026-02-01T00:00:00Z' },
      ],
      generate: { count: 5 },
      subscribedSkus: [{ skuId: microsoft365E3.id, seats: 2 }],
      licenses: [
        { user: 'ann@contoso.onmicrosoft.com', skuIds: [microsoft365E3.id] },
        { user: 'old@contoso.onmicrosoft.com', skuIds: [microsoft365E3.id] },
      ],
      roleMembers: [{ role: 'Helpdesk Administrator', users: ['BOB@contoso.onmicrosoft.com'] }],
    },
  ],
});

describe('planFixture', () => {
  it('turns a right fixture into rows: listed and generated users, seats used by active users only, role members by name', () => {
    const r = planFixture(good(), ctx);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    const [c] = r.customers;
    assert.equal(c.users.length, 8);
    assert.equal(c.users.find((u) => u.userPrincipalName === 'bob@contoso.onmicrosoft.com')?.displayName, 'Bob Stone');
    const old = c.users.find((u) => u.userPrincipalName.startsWith('old@'))!;
    assert.equal(old.state, 'inactive');
    assert.equal(old.softDeletionTime, '2026-02-01T00:00:00Z');
    assert.equal(c.skus[0].consumedUnits, 1, 'the deleted user holds a suspended licence, no seat');
    assert.deepEqual(c.licences.map((l) => l.active).sort(), [false, true]);
    assert.equal(c.members[0].roleId, '729827e3-9c14-49f7-bb1b-9608f156bbb8');
  });

  it('gives the same ids for the same fixture and seed, and other ids for another seed', () => {
    const ids = (seed: string) => {
      const r = planFixture(good(), { ...ctx, seed });
      assert.ok(r.ok);
      return [r.customers[0].customer.id, ...r.customers[0].users.map((u) => u.id)];
    };
    assert.deepEqual(ids('a'), ids('a'));
    assert.notDeepEqual(ids('a'), ids('b'));
  });

  it('keeps the ids a fixture gives', () => {
    const f = good();
    Object.assign(f.customers[0], { id: 'AAAAAAAA-0000-4000-8000-000000000001' });
    Object.assign(f.customers[0].users[0], { id: 'aaaaaaaa-0000-4000-8000-000000000002' });
    const r = planFixture(f, ctx);
    assert.ok(r.ok);
    assert.equal(r.customers[0].customer.id, 'aaaaaaaa-0000-4000-8000-000000000001');
    assert.equal(r.customers[0].users[0].id, 'aaaaaaaa-0000-4000-8000-000000000002');
  });

  it('hands out seeded ids in ascending order along the display-name index (active users first), keeping the given ones', () => {
    const f = good();
    Object.assign(f.customers[0].users[1], { id: '00000000-0000-4000-8000-000000000009' });
    const r = planFixture(f, ctx);
    assert.ok(r.ok);
    const seeded = r.customers[0].users.filter((u) => u.id !== '00000000-0000-4000-8000-000000000009');
    const byIndexKey = [...seeded].sort((a, b) => (a.state !== b.state ? (a.state === 'active' ? -1 : 1) : a.displayName.toLowerCase() < b.displayName.toLowerCase() ? -1 : 1));
    const ids = byIndexKey.map((u) => u.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(byIndexKey.at(-1)?.userPrincipalName, 'old@contoso.onmicrosoft.com');
    // References resolve to the ids the users ended with.
    assert.equal(r.customers[0].licences.find((l) => l.active)?.userId, r.customers[0].users[0].id);
    assert.equal(r.customers[0].members[0].userId, '00000000-0000-4000-8000-000000000009');
  });

  it('reports schema problems with their JSON paths', () => {
    const found = paths({ customers: [{ companyName: 'X', domain: 'x.com', users: [{ displayName: 'no upn' }], surprise: 1 }] });
    assert.ok(found.includes('/customers/0/users/0/userPrincipalName'), found.join());
    assert.ok(found.includes('/customers/0/surprise'), found.join());
  });

  it('reports every problem of a fixture at once, each with its path', () => {
    const f = good();
    const c = f.customers[0] as Record<string, unknown> & typeof f.customers[0];
    c.users.push({ userPrincipalName: 'ann@contoso.onmicrosoft.com', displayName: 'Ann again' } as never);
    c.users.push({ userPrincipalName: 'eve@fabrikam.com' } as never);
    c.users.push({ userPrincipalName: 'zed@contoso.onmicrosoft.com', id: 'not-a-guid' } as never);
    c.users.push({ userPrincipalName: 'yan@contoso.onmicrosoft.com', usageLocation: 'QQ' } as never);
    c.subscribedSkus[0].seats = 1;
    c.subscribedSkus.push({ skuId: '00000000-0000-4000-8000-00000000dead', seats: 1 });
    c.licenses.push({ user: 'bob@contoso.onmicrosoft.com', skuIds: [microsoft365E3.id, powerBiPro.id] });
    c.licenses.push({ user: 'nobody@contoso.onmicrosoft.com', skuIds: [microsoft365E3.id] });
    c.roleMembers.push({ role: 'Chief Wizard', users: [] });
    c.roleMembers.push({ role: 'Global Reader', users: ['ghost@contoso.onmicrosoft.com'] });
    const found = problems(f);
    const at = (path: string) => assert.ok(found.some((p) => p.path === path), `${path} not in ${JSON.stringify(found, null, 1)}`);
    at('/customers/0/users/3/userPrincipalName'); // duplicate UPN
    at('/customers/0/users/4/userPrincipalName'); // domain not the customer's
    at('/customers/0/users/5/id'); // not a GUID
    at('/customers/0/users/6/usageLocation');
    at('/customers/0/subscribedSkus/1/skuId'); // unknown SKU
    at('/customers/0/licenses/2/skuIds/1'); // SKU not subscribed
    at('/customers/0/subscribedSkus/0/seats'); // 2 active users assigned, 1 seat
    at('/customers/0/licenses/3/user'); // unknown user
    at('/customers/0/roleMembers/1/role'); // unknown role
    at('/customers/0/roleMembers/2/users/0');
    assert.ok(found.length >= 10);
  });

  it('reports duplicate customer ids and domains across customers', () => {
    const id = 'bbbbbbbb-0000-4000-8000-000000000001';
    const found = paths({ customers: [{ id, companyName: 'A', domain: 'a.onmicrosoft.com' }, { id, companyName: 'B', domain: 'A' }] });
    assert.deepEqual(found.sort(), ['/customers/1/domain', '/customers/1/id']);
  });

  it('refuses a duplicate user id and a user licensed twice for one SKU', () => {
    const f = good();
    const id = 'cccccccc-0000-4000-8000-000000000001';
    Object.assign(f.customers[0].users[0], { id });
    Object.assign(f.customers[0].users[1], { id: id.toUpperCase() });
    f.customers[0].licenses.push({ user: id, skuIds: [microsoft365E3.id] });
    const found = paths(f);
    assert.ok(found.includes('/customers/0/users/1/id'), found.join());
    assert.ok(found.includes('/customers/0/licenses/2/skuIds/0'), found.join());
  });
});
