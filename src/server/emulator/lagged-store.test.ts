/**
 * Consistency lag (issue 12) in-process, on both stores: a lagged workspace's reads see new,
 * changed and deleted users, licence changes and role memberships only after the lag (workspace
 * clock or reads); writes act on the real state; other workspaces and the default stay immediate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { microsoft365E3 } from '../../domain/product-catalog.js';
import { defaultConfig } from '../config.js';
import { buildApp } from '../app.js';
import { startEmulatorHarness, type Harness, type TestResponse } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const helpdeskAdministrator = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const ok = (res: TestResponse, status = 200) => {
  assert.equal(res.status, status, res.text);
  return res.json;
};

for (const factory of storeFactories) {
  describe(`consistency lag on ${factory.name}`, () => {
    let h: Harness;
    let n = 0;
    const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });

    before(async () => {
      h = await startEmulatorHarness(factory);
    });
    after(async () => h.close());

    /** A workspace with a frozen clock, one customer and the given lag. */
    async function workspace(consistency: Record<string, unknown>) {
      const ws = ok(await admin('POST', '/_tenantry/workspaces', { name: `lag ${++n}` }), 201) as { id: string; tokens: { AdminAgent: string } };
      ok(await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { freeze: true }));
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, consistency));
      const call = (method: string, url: string, body?: unknown) => h.request(method, url, { token: ws.tokens.AdminAgent, body });
      const domain = `lag${n}-${factory.name}.onmicrosoft.com`;
      const customer = ok(await call('POST', '/v1/customers', { companyProfile: { domain }, billingProfile: { companyName: `Lag ${n}` } }), 201) as { id: string };
      const base = `/v1/customers/${customer.id}`;
      // A new customer comes with its first users; the tests look at the users they add.
      const initial = new Set(((ok(await call('GET', `${base}/users`)) as { items: { id: string }[] }).items.map((u) => u.id)));
      return {
        id: ws.id,
        call,
        base,
        advance: async (duration: string) => ok(await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: duration })),
        createUser: async (alias: string, displayName = `User ${alias}`) =>
          ok(await call('POST', `${base}/users`, { userPrincipalName: `${alias}@${domain}`, displayName, usageLocation: 'US' }), 201) as { id: string },
        listIds: async (query = '') => ((ok(await call('GET', `${base}/users${query}`)) as { items: { id: string }[] }).items.map((u) => u.id).filter((id) => !initial.has(id))),
        initial,
      };
    }

    it('is immediate by default: GET of the workspace shows {} and a new user is seen at once', async () => {
      const ws = ok(await admin('POST', '/_tenantry/workspaces', { name: 'default' }), 201) as { id: string; tokens: { AdminAgent: string } };
      assert.deepEqual(ok(await admin('GET', `/_tenantry/workspaces/${ws.id}/consistency`)), {});
      const customer = ok(await h.request('POST', '/v1/customers', { token: ws.tokens.AdminAgent, body: { companyProfile: { domain: `default-${factory.name}.onmicrosoft.com` }, billingProfile: { companyName: 'D' } } }), 201);
      const user = ok(await h.request('POST', `/v1/customers/${customer.id}/users`, { token: ws.tokens.AdminAgent, body: { userPrincipalName: `a@default-${factory.name}.onmicrosoft.com`, displayName: 'A' } }), 201);
      ok(await h.request('GET', `/v1/customers/${customer.id}/users/${user.id}`, { token: ws.tokens.AdminAgent }));
    });

    it('stores the setting, answers it on GET and refuses bad values with 400 naming the property', async () => {
      const ws = await workspace({ after: 'pt30s' });
      assert.deepEqual(ok(await admin('GET', `/_tenantry/workspaces/${ws.id}/consistency`)), { after: 'PT30S' });
      assert.deepEqual(ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { afterReads: 2 })), { afterReads: 2 });
      for (const [body, property] of [[{ after: 'soon' }, 'after'], [{ after: '-PT1S' }, 'after'], [{ after: 'PT1S', afterReads: 1 }, 'after|afterReads']] as const) {
        const res = await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, body);
        assert.equal(res.status, 400, res.text);
        assert.ok(res.json.description.includes(property), res.text);
      }
      for (const body of [{ afterReads: -1 }, { afterReads: 1.5 }, { afterReads: 1001 }, { after: 'P2Y' }, { after: `P${'9'.repeat(80)}D` }, [], 'PT1S']) {
        const res = await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, body);
        assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
        assert.equal(typeof res.json.code, 'number', res.text);
      }
      assert.equal((await admin('PUT', '/_tenantry/workspaces/00000000-0000-4000-8000-000000000000/consistency', {})).json.code, 600101);
      assert.deepEqual(ok(await admin('POST', `/_tenantry/workspaces/${ws.id}/consistency`, {})), {});
      assert.deepEqual(ok(await admin('GET', `/_tenantry/workspaces/${ws.id}/consistency`)), {});
    });

    it('hides a created user for PT30S of the workspace clock: GET is 404 / 60002 and the list lacks it, then both show it', async () => {
      const ws = await workspace({ after: 'PT30S' });
      const user = await ws.createUser('new');
      const res = await ws.call('GET', `${ws.base}/users/${user.id}`);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.json.code, 60002);
      assert.deepEqual(await ws.listIds(), []);
      // Writes act on the real user meanwhile.
      ok(await ws.call('PATCH', `${ws.base}/users/${user.id}`, { displayName: 'Renamed' }));
      await ws.advance('PT29S');
      assert.equal((await ws.call('GET', `${ws.base}/users/${user.id}`)).status, 404);
      await ws.advance('PT2S');
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}`)).displayName, 'Renamed');
      assert.deepEqual(await ws.listIds(), [user.id]);
    });

    it('keeps a deleted user in GET and in the active list at its sort position inside the window, not yet in the deleted list', async () => {
      const ws = await workspace({});
      const a = await ws.createUser('a', 'Alpha');
      const b = await ws.createUser('b', 'Bravo');
      const c = await ws.createUser('c', 'Charlie');
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT1M' }));
      assert.equal((await ws.call('DELETE', `${ws.base}/users/${b.id}`)).status, 204);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${b.id}`)).state, 'active');
      assert.deepEqual(await ws.listIds(), [a.id, b.id, c.id]);
      assert.deepEqual(await ws.listIds('?sortDirection=Descending'), [c.id, b.id, a.id]);
      // Paged one by one, the walk still meets every user once, in order.
      const walked: string[] = [];
      let page = ok(await ws.call('GET', `${ws.base}/users?size=1`));
      for (;;) {
        walked.push(...page.items.map((u: { id: string }) => u.id).filter((id: string) => !ws.initial.has(id)));
        const token = page.continuationToken as string | undefined;
        if (!token) break;
        page = ok(await h.request('GET', `${ws.base}/users?seekOperation=Next`, { token: (await tokenOf(ws.id)), headers: { 'MS-ContinuationToken': token } }));
      }
      assert.deepEqual(walked, [a.id, b.id, c.id]);
      const inactive = `?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }))}`;
      assert.deepEqual(await ws.listIds(inactive), []);
      // The real state: deleting again is 404, as the user is deleted.
      assert.equal((await ws.call('DELETE', `${ws.base}/users/${b.id}`)).status, 404);
      await ws.advance('PT61S');
      assert.equal((await ws.call('GET', `${ws.base}/users/${b.id}`)).json.state, 'inactive');
      assert.deepEqual(await ws.listIds(), [a.id, c.id]);
      assert.deepEqual(await ws.listIds(inactive), [b.id]);
    });

    it('shows a changed user with its old display name, then the new one', async () => {
      const ws = await workspace({});
      const user = await ws.createUser('x', 'Old name');
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT30S' }));
      assert.equal(ok(await ws.call('PATCH', `${ws.base}/users/${user.id}`, { displayName: 'New name' })).displayName, 'New name');
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}`)).displayName, 'Old name');
      assert.deepEqual(ok(await ws.call('GET', `${ws.base}/users`)).items.filter((u: { id: string }) => u.id === user.id).map((u: { displayName: string }) => u.displayName), ['Old name']);
      // A second change inside the window: reads keep the state they saw, the window starts again.
      await ws.advance('PT20S');
      ok(await ws.call('PATCH', `${ws.base}/users/${user.id}`, { displayName: 'Newer name' }));
      await ws.advance('PT20S');
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}`)).displayName, 'Old name');
      await ws.advance('PT11S');
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}`)).displayName, 'Newer name');
    });

    it('with afterReads: 2 the first two reads that would show a change miss it and the third sees it', async () => {
      const ws = await workspace({ afterReads: 2 });
      const user = await ws.createUser('r');
      assert.equal((await ws.call('GET', `${ws.base}/users/${user.id}`)).status, 404);
      assert.deepEqual(await ws.listIds(), []);
      ok(await ws.call('GET', `${ws.base}/users/${user.id}`));
      assert.deepEqual(await ws.listIds(), [user.id]);
      // A read that could not show it (another user's GET) does not count.
      const other = await ws.createUser('s');
      const first = await ws.createUser('t');
      assert.equal((await ws.call('GET', `${ws.base}/users/${first.id}`)).status, 404);
      assert.equal((await ws.call('GET', `${ws.base}/users/${first.id}`)).status, 404);
      ok(await ws.call('GET', `${ws.base}/users/${first.id}`));
      assert.equal((await ws.call('GET', `${ws.base}/users/${other.id}`)).status, 404);
    });

    it('lags licence assignments: the licence list shows the previous licences, then the new ones', async () => {
      const ws = await workspace({});
      const user = await ws.createUser('l');
      ok(await ws.call('PUT', `${ws.base}/subscribedskus/${microsoft365E3.id}`, { totalUnits: 1 }), 201);
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT30S' }));
      ok(await ws.call('POST', `${ws.base}/users/${user.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] }), 201);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}/licenses`)).totalCount, 0);
      // The write acted: the only seat is taken, so another user's assignment is refused.
      const second = await ws.createUser('l2');
      assert.equal((await ws.call('POST', `${ws.base}/users/${second.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] })).json?.code, 60012);
      await ws.advance('PT31S');
      const held = ok(await ws.call('GET', `${ws.base}/users/${user.id}/licenses`));
      assert.equal(held.totalCount, 1);
      assert.equal(held.items[0].productSku.id, microsoft365E3.id);
    });

    it('lags role membership: members and the user\'s roles show the old membership, then the new', async () => {
      const ws = await workspace({});
      const user = await ws.createUser('m', 'Member');
      const members = `${ws.base}/directoryroles/${helpdeskAdministrator}/usermembers`;
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT30S' }));
      ok(await ws.call('POST', members, { id: user.id }), 201);
      assert.equal(ok(await ws.call('GET', members)).totalCount, 0);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}/directoryroles`)).totalCount, 0);
      await ws.advance('PT31S');
      assert.deepEqual(ok(await ws.call('GET', members)).items.map((m: { id: string }) => m.id), [user.id]);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}/directoryroles`)).totalCount, 1);
      assert.equal((await ws.call('DELETE', `${members}/${user.id}`)).status, 204);
      assert.deepEqual(ok(await ws.call('GET', members)).items.map((m: { displayName: string }) => m.displayName), ['Member']);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}/directoryroles`)).totalCount, 1);
      await ws.advance('PT31S');
      assert.equal(ok(await ws.call('GET', members)).totalCount, 0);
    });

    it('keeps a deleted user\'s licences and role memberships in reads inside the window, and drops them after', async () => {
      const ws = await workspace({});
      const user = await ws.createUser('d', 'Doomed');
      const members = `${ws.base}/directoryroles/${helpdeskAdministrator}/usermembers`;
      ok(await ws.call('PUT', `${ws.base}/subscribedskus/${microsoft365E3.id}`, { totalUnits: 1 }), 201);
      ok(await ws.call('POST', `${ws.base}/users/${user.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] }), 201);
      ok(await ws.call('POST', members, { id: user.id }), 201);
      ok(await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT30S' }));
      assert.equal((await ws.call('DELETE', `${ws.base}/users/${user.id}`)).status, 204);
      assert.equal(ok(await ws.call('GET', `${ws.base}/users/${user.id}/licenses`)).totalCount, 1);
      assert.deepEqual(ok(await ws.call('GET', members)).items.map((m: { id: string }) => m.id), [user.id]);
      // The seat was freed for real: the subscribed SKU says so at once (SKUs do not lag).
      const skus = ok(await ws.call('GET', `${ws.base}/subscribedskus`));
      assert.equal(skus.items.find((x: { productSku: { id: string } }) => x.productSku.id === microsoft365E3.id).consumedUnits, 0);
      await ws.advance('PT31S');
      assert.equal((await ws.call('GET', `${ws.base}/users/${user.id}/licenses`)).json.totalCount ?? 0, 0);
      assert.equal(ok(await ws.call('GET', members)).totalCount, 0);
    });

    it('leaves another workspace immediate, and a reset or a switch to immediate drops what was pending', async () => {
      const lagged = await workspace({ after: 'PT1H' });
      const other = await workspace({});
      const hidden = await lagged.createUser('h');
      const seen = await other.createUser('o');
      ok(await other.call('GET', `${other.base}/users/${seen.id}`));
      assert.equal((await lagged.call('GET', `${lagged.base}/users/${hidden.id}`)).status, 404);
      ok(await admin('PUT', `/_tenantry/workspaces/${lagged.id}/consistency`, {}));
      ok(await lagged.call('GET', `${lagged.base}/users/${hidden.id}`));

      ok(await admin('PUT', `/_tenantry/workspaces/${lagged.id}/consistency`, { after: 'PT1H' }));
      const again = await lagged.createUser('g');
      assert.equal((await lagged.call('GET', `${lagged.base}/users/${again.id}`)).status, 404);
      ok(await admin('POST', `/_tenantry/workspaces/${lagged.id}/reset`));
      assert.equal((await h.store.listPendingChanges(lagged.id, lagged.base.split('/').pop()!)).length, 0);
      // The reset keeps the setting (it is the workspace's, not its data's).
      assert.deepEqual(ok(await admin('GET', `/_tenantry/workspaces/${lagged.id}/consistency`)), { after: 'PT1H' });
    });

    it('does not change /v1 for a partner that is not a workspace', async () => {
      const list = ok(await h.request('GET', `/v1/customers/${h.customerId}/users?size=2`));
      assert.equal(list.items.length, 2);
      const created = ok(await h.request('POST', `/v1/customers/${h.customerId}/users`, { body: { userPrincipalName: `plain-${factory.name}@${(await demoDomain(h))}`, displayName: 'Plain' } }), 201);
      ok(await h.request('GET', `/v1/customers/${h.customerId}/users/${created.id}`));
    });

    /** The workspace's AdminAgent token. */
    async function tokenOf(id: string): Promise<string> {
      return (ok(await admin('GET', `/_tenantry/workspaces/${id}`)) as { tokens: { AdminAgent: string } }).tokens.AdminAgent;
    }
  });
}

async function demoDomain(h: Harness): Promise<string> {
  const customer = (await h.request('GET', `/v1/customers/${h.customerId}`)).json as { companyProfile: { domain: string } };
  return customer.companyProfile.domain;
}

for (const factory of storeFactories) {
  describe(`consistency lag across two servers of one ${factory.name} database`, () => {
    it('a change pending on one is pending on the other, and reads on both count toward afterReads', async () => {
      const store = await factory.open();
      const adminToken = 'lag-two-servers-admin-token-0123';
      // As with --workers: every request re-reads its workspace row.
      const config = { logLevel: 'silent', sweepIntervalMs: 0, rateLimit: { ...defaultConfig.rateLimit, enabled: false }, emulator: { adminToken, stateCacheMs: 0 } } as const;
      const [a, b] = [await buildApp(store, config), await buildApp(store, config)];
      try {
        const call = async (app: typeof a.app, method: string, url: string, token: string, body?: unknown) => {
          const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
          return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
        };
        const ws = (await call(a.app, 'POST', '/_tenantry/workspaces', adminToken, { name: 'two servers' })).json;
        assert.deepEqual((await call(b.app, 'PUT', `/_tenantry/workspaces/${ws.id}/consistency`, adminToken, { afterReads: 2 })).json, { afterReads: 2 });
        const token = ws.tokens.AdminAgent as string;
        const domain = `two-${factory.name}.onmicrosoft.com`;
        const customer = (await call(a.app, 'POST', '/v1/customers', token, { companyProfile: { domain }, billingProfile: { companyName: 'Two' } })).json;
        const user = (await call(a.app, 'POST', `/v1/customers/${customer.id}/users`, token, { userPrincipalName: `u@${domain}`, displayName: 'U' })).json;
        const get = (app: typeof a.app) => call(app, 'GET', `/v1/customers/${customer.id}/users/${user.id}`, token);
        assert.equal((await get(b.app)).status, 404);
        assert.equal((await get(a.app)).status, 404);
        assert.equal((await get(b.app)).status, 200);
        assert.equal((await get(a.app)).status, 200);
      } finally {
        await a.app.close();
        await b.app.close();
        await factory.dispose(store);
      }
    });
  });
}
