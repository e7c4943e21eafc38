/**
 * The emulator's control plane (issue 11) in-process, on both stores: it exists only in emulator
 * mode, answers only to its admin token, and its workspaces are isolated partners with their own
 * clock and (with a seed) repeatable ids.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { microsoft365E3 } from '../../domain/product-catalog.js';
import { startEmulatorHarness, startHarness, type Harness, type TestResponse } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const expectFault = (res: TestResponse, status: number, code?: number) => {
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.json?.code, 'number', res.text);
  assert.equal(typeof res.json?.description, 'string', res.text);
  if (code !== undefined) assert.equal(res.json.code, code, res.text);
};

/** A few calls a test suite would make against its own workspace. */
function workspaceClient(h: Harness, token: string) {
  const call = (method: string, url: string, body?: unknown) => h.request(method, url, { token, body });
  return {
    call,
    async createCustomer(domain: string) {
      const res = await call('POST', '/v1/customers', { companyProfile: { domain }, billingProfile: { companyName: `${domain} Ltd` } });
      assert.equal(res.status, 201, res.text);
      return res.json as { id: string; companyProfile: { domain: string } };
    },
    async createUser(customerId: string, domain: string, alias: string) {
      const res = await call('POST', `/v1/customers/${customerId}/users`, { userPrincipalName: `${alias}@${domain}`, displayName: `User ${alias}`, usageLocation: 'US' });
      assert.equal(res.status, 201, res.text);
      return res.json as { id: string };
    },
  };
}

describe('without --emulator', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(storeFactories[0]);
  });
  after(async () => h.close());

  it('has no control plane: /_tenantry routes are 404 and absent from the OpenAPI document', async () => {
    assert.equal((await h.request('GET', '/_tenantry/workspaces', { token: 'anything' })).status, 404);
    assert.equal((await h.request('POST', '/_tenantry/workspaces', { token: null, body: {} })).status, 404);
    assert.equal((await h.request('GET', '/_tenantry/about', { token: null })).status, 404);
    const doc = (await h.request('GET', '/openapi.json')).json;
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/_tenantry')));
  });
});

for (const factory of storeFactories) {
  describe(`emulator control plane on ${factory.name}`, () => {
    let h: Harness;
    const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });

    before(async () => {
      h = await startEmulatorHarness(factory);
    });
    after(async () => h.close());

    it('lists its routes in the OpenAPI document under the tag Emulator', async () => {
      const doc = (await h.request('GET', '/openapi.json')).json;
      const paths = Object.entries(doc.paths as Record<string, Record<string, { tags?: string[] }>>).filter(([p]) => p.startsWith('/_tenantry'));
      assert.ok(paths.some(([p]) => p === '/_tenantry/workspaces/{id}/clock'));
      for (const [, ops] of paths) for (const op of Object.values(ops)) assert.deepEqual(op.tags, ['Emulator']);
    });

    it('tells anyone it is an emulator at /_tenantry/about, and nothing more', async () => {
      const res = await h.request('GET', '/_tenantry/about', { token: null });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { emulator: true });
      assert.ok(!res.text.includes(h.emulatorAdminToken!));
    });

    it('refuses a missing admin token with 401 / 800001, a forged or unknown one with 401, a partner token with 403 / 900150', async () => {
      expectFault(await h.request('GET', '/_tenantry/workspaces', { token: null }), 401, 800001);
      expectFault(await h.request('GET', '/_tenantry/workspaces', { token: 'not-the-admin-token' }), 401);
      expectFault(await h.request('GET', '/_tenantry/workspaces', { token: `${h.emulatorAdminToken}x` }), 401);
      const expired = await h.token({ expiresIn: -10 });
      expectFault(await h.request('GET', '/_tenantry/workspaces', { token: expired }), 401);
      expectFault(await h.request('GET', '/_tenantry/workspaces', { token: await h.token() }), 403, 900150);
      expectFault(await h.request('POST', '/_tenantry/workspaces', { token: await h.token(), body: {} }), 403, 900150);
    });

    it('creates, gets, lists and deletes a workspace; its tokens act for its own partner', async () => {
      const created = await admin('POST', '/_tenantry/workspaces', { name: 'suite one' });
      assert.equal(created.status, 201, created.text);
      const ws = created.json;
      assert.equal(ws.id, ws.partnerId);
      assert.equal(ws.name, 'suite one');
      assert.equal(ws.clock.frozen, false);
      assert.ok(Math.abs(Date.parse(ws.clock.now) - Date.now()) < 60_000);
      assert.deepEqual(Object.keys(ws.tokens).sort(), ['AdminAgent', 'HelpdeskAgent', 'SalesAgent']);

      assert.equal((await admin('GET', `/_tenantry/workspaces/${ws.id}`)).json.name, 'suite one');
      assert.ok((await admin('GET', '/_tenantry/workspaces')).json.items.some((w: { id: string }) => w.id === ws.id));

      const client = workspaceClient(h, ws.tokens.AdminAgent);
      const customer = await client.createCustomer('suite-one-create.onmicrosoft.com');
      await client.createUser(customer.id, customer.companyProfile.domain, 'ann');
      assert.equal((await client.call('GET', '/v1/customers')).json.totalCount, 1);
      // The helpdesk token is a HelpdeskAgent: it cannot create customers.
      expectFault(await workspaceClient(h, ws.tokens.HelpdeskAgent).call('POST', '/v1/customers', { companyProfile: { domain: 'x.onmicrosoft.com' }, billingProfile: { companyName: 'X' } }), 403, 900150);

      assert.equal((await admin('DELETE', `/_tenantry/workspaces/${ws.id}`)).status, 204);
      expectFault(await admin('GET', `/_tenantry/workspaces/${ws.id}`), 404, 600101);
      assert.equal((await h.store.listCustomers(ws.id, undefined, 10)).items.length, 0);
      assert.equal((await h.store.listAuditRecords(ws.id, { from: '2000-01-01T00:00:00Z' }, 10)).items.length, 0);
      assert.deepEqual(await h.store.listSubscribedSkus(customer.id), []);
      // Every row went with it: the domain is free again, and a new workspace can take it.
      const again = (await admin('POST', '/_tenantry/workspaces', {})).json;
      await workspaceClient(h, again.tokens.AdminAgent).createCustomer('suite-one-create.onmicrosoft.com');
    });

    it('answers bad workspace ids, bodies and clock values with 4xx ApiFaults naming what is wrong', async () => {
      expectFault(await admin('GET', '/_tenantry/workspaces/not-a-guid'), 404, 600101);
      expectFault(await admin('DELETE', '/_tenantry/workspaces/00000000-0000-4000-8000-000000000000'), 404, 600101);
      expectFault(await admin('POST', '/_tenantry/workspaces', { seed: 42 }), 400);
      const ws = (await admin('POST', '/_tenantry/workspaces', {})).json;
      const clock = (body: unknown) => admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, body);
      for (const [body, property] of [
        [{ advance: 'thirty days' }, 'advance'],
        [{ advance: 'P' }, 'advance'],
        [{ advance: 'P99999Y' }, 'advance'],
        [{ set: '2027-01-01' }, 'set'],
        [{ set: '2027-13-45T00:00:00Z' }, 'set'],
        [{ advance: 'P1D', set: '2027-01-01T00:00:00Z' }, 'advance|set|freeze'],
        [{}, 'advance|set|freeze'],
      ] as const) {
        const res = await clock(body);
        expectFault(res, 400, 3000);
        assert.ok(res.json.description.includes(property), res.text);
      }
      expectFault(await clock({ advance: 30 }), 400);
      expectFault(await admin('POST', `/_tenantry/workspaces/${ws.id}/tokens`, { expiresIn: 'soon' }), 400, 3000);
      expectFault(await admin('POST', `/_tenantry/workspaces/${ws.id}/tokens`, { expiresIn: '-PT1H' }), 400, 3000);
      expectFault(await admin('POST', `/_tenantry/workspaces/${ws.id}/tokens`, { roles: ['Root'] }), 400);
    });

    it('keeps workspaces apart: four suites in parallel each see only their own customers and users', async () => {
      const suites = await Promise.all(
        [0, 1, 2, 3].map(async (n) => {
          const ws = (await admin('POST', '/_tenantry/workspaces', { name: `parallel ${n}` })).json;
          const client = workspaceClient(h, ws.tokens.AdminAgent);
          const customers = [];
          for (let c = 0; c < 2; c++) {
            const customer = await client.createCustomer(`p${n}-c${c}-${factory.name}.onmicrosoft.com`);
            for (let u = 0; u < 3; u++) await client.createUser(customer.id, customer.companyProfile.domain, `u${u}`);
            customers.push(customer);
          }
          return { ws, client, customers };
        }),
      );
      await Promise.all(
        suites.map(async ({ client, customers }, n) => {
          const listed = (await client.call('GET', '/v1/customers')).json;
          assert.deepEqual(listed.items.map((c: { id: string }) => c.id).sort(), customers.map((c) => c.id).sort(), `suite ${n}`);
          for (const customer of customers) assert.equal((await client.call('GET', `/v1/customers/${customer.id}/users`)).json.totalCount, 4);
          for (const other of suites.filter((_, m) => m !== n)) {
            expectFault(await client.call('GET', `/v1/customers/${other.customers[0].id}/users`), 403, 20002);
          }
        }),
      );
    });

    it('gives a seeded workspace the same id and the same ids for what it creates, after a reset too', async () => {
      const run = async () => {
        const ws = (await admin('POST', '/_tenantry/workspaces', { seed: `seed-${factory.name}` })).json;
        const client = workspaceClient(h, ws.tokens.AdminAgent);
        const customer = await client.createCustomer(`seeded-${factory.name}.onmicrosoft.com`);
        const user = await client.createUser(customer.id, customer.companyProfile.domain, 'ann');
        return { ws, ids: [ws.id, customer.id, user.id] };
      };
      const first = await run();
      expectFault(await admin('POST', '/_tenantry/workspaces', { seed: `seed-${factory.name}` }), 409, 600102);
      assert.equal((await admin('DELETE', `/_tenantry/workspaces/${first.ws.id}`)).status, 204);
      const second = await run();
      assert.deepEqual(second.ids, first.ids);

      const reset = await admin('POST', `/_tenantry/workspaces/${second.ws.id}/reset`);
      assert.equal(reset.status, 200, reset.text);
      const client = workspaceClient(h, second.ws.tokens.AdminAgent);
      assert.equal((await client.call('GET', '/v1/customers')).json.totalCount, 0);
      const customer = await client.createCustomer(`seeded-${factory.name}.onmicrosoft.com`);
      assert.equal(customer.id, first.ids[1]);
    });

    it('gives the same seed the same ids on two fresh servers', async () => {
      const other = await startEmulatorHarness(factory);
      try {
        const run = async (server: Harness) => {
          const ws = (await server.request('POST', '/_tenantry/workspaces', { token: server.emulatorAdminToken!, body: { seed: 'two-servers' } })).json;
          const client = workspaceClient(server, ws.tokens.AdminAgent);
          const customer = await client.createCustomer(`two-servers-${factory.name}.onmicrosoft.com`);
          const users = [await client.createUser(customer.id, customer.companyProfile.domain, 'a'), await client.createUser(customer.id, customer.companyProfile.domain, 'b')];
          const audit = (await client.call('GET', '/v1/auditrecords')).json.items.map((r: { id: string }) => r.id);
          return [ws.id, customer.id, ...users.map((u) => u.id), ...audit];
        };
        const [here, there] = [await run(h), await run(other)];
        assert.equal(here.length, 7);
        assert.deepEqual(there, here);
      } finally {
        await other.close();
      }
    });

    it('purges a deleted user once the clock passes its restore window, and its seat stays free', async () => {
      const ws = (await admin('POST', '/_tenantry/workspaces', {})).json;
      const client = workspaceClient(h, ws.tokens.AdminAgent);
      const customer = await client.createCustomer(`purge-${factory.name}.onmicrosoft.com`);
      const base = `/v1/customers/${customer.id}`;
      assert.equal((await client.call('PUT', `${base}/subscribedskus/${microsoft365E3.id}`, { totalUnits: 1 })).status, 201);
      const user = await client.createUser(customer.id, customer.companyProfile.domain, 'leaver');
      assert.equal((await client.call('POST', `${base}/users/${user.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] })).status, 201);
      assert.equal((await client.call('DELETE', `${base}/users/${user.id}`)).status, 204);
      const deletedList = async () => (await client.call('GET', `${base}/users?filter=${encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}')}`)).json;
      assert.equal((await deletedList()).totalCount, 1);

      const moved = await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'P31D' });
      assert.equal(moved.status, 200, moved.text);
      assert.ok(Date.parse(moved.json.now) - Date.now() > 30 * 24 * 3600 * 1000);

      expectFault(await client.call('GET', `${base}/users/${user.id}`), 404, 60002);
      expectFault(await client.call('PATCH', `${base}/users/${user.id}`, { state: 'active' }), 404, 60002);
      assert.equal((await deletedList()).totalCount, 0);
      const skus = (await client.call('GET', `${base}/subscribedskus`)).json.items;
      const e3 = skus.find((s: { productSku: { id: string } }) => s.productSku.id === microsoft365E3.id);
      assert.equal(e3.availableUnits, 1);
      assert.equal(e3.consumedUnits, 0);
    });

    it('stamps softDeletionTime and audit records with the workspace time, and finds records by workspace dates', async () => {
      const ws = (await admin('POST', '/_tenantry/workspaces', {})).json;
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { freeze: true })).json.frozen, true);
      assert.deepEqual((await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { set: '2027-03-01T12:00:00Z' })).json, { now: '2027-03-01T12:00:00.000Z', frozen: true });
      const client = workspaceClient(h, ws.tokens.AdminAgent);
      const customer = await client.createCustomer(`audit-${factory.name}.onmicrosoft.com`);
      const user = await client.createUser(customer.id, customer.companyProfile.domain, 'ann');
      assert.equal((await client.call('DELETE', `/v1/customers/${customer.id}/users/${user.id}`)).status, 204);
      const got = (await client.call('GET', `/v1/customers/${customer.id}/users/${user.id}`)).json;
      assert.equal(got.softDeletionTime, '2027-03-01T12:00:00Z');

      const records = (await client.call('GET', '/v1/auditrecords?startDate=2027-03-01')).json;
      assert.equal(records.totalCount, 3, JSON.stringify(records));
      for (const r of records.items) assert.equal(r.operationDate.slice(0, 19), '2027-03-01T12:00:00');
      // Date ranges are on the workspace clock too: the next day (still in its past) holds nothing.
      const nextDay = await client.call('GET', '/v1/auditrecords?startDate=2027-03-02');
      assert.equal(nextDay.status, 200, nextDay.text);
      assert.equal(nextDay.json.totalCount, 0);
    });

    it('keeps tokens without expiresIn valid across a month, and expires one with expiresIn on the workspace clock', async () => {
      const ws = (await admin('POST', '/_tenantry/workspaces', {})).json;
      const issued = await admin('POST', `/_tenantry/workspaces/${ws.id}/tokens`, { roles: ['HelpdeskAgent'], expiresIn: 'PT1H' });
      assert.equal(issued.status, 201, issued.text);
      assert.ok(Math.abs(Date.parse(issued.json.expiresOn) - Date.now() - 3600_000) < 60_000);
      const timeless = (await admin('POST', `/_tenantry/workspaces/${ws.id}/tokens`, { roles: ['HelpdeskAgent'] })).json;
      assert.equal(timeless.expiresOn, undefined);
      for (const token of [issued.json.token, timeless.token, ws.tokens.AdminAgent]) assert.equal((await h.request('GET', '/v1/customers', { token })).status, 200);

      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'PT61M' });
      expectFault(await h.request('GET', '/v1/customers', { token: issued.json.token }), 401, 400);
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'P1M' });
      for (const token of [timeless.token, ws.tokens.AdminAgent]) assert.equal((await h.request('GET', '/v1/customers', { token })).status, 200);
      // Back to the past: timeless tokens have no nbf to fall before.
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { set: '2020-01-01T00:00:00Z' });
      assert.equal((await h.request('GET', '/v1/customers', { token: timeless.token })).status, 200);
    });
  });
}

for (const factory of storeFactories) {
  describe(`emulator throttling on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await startEmulatorHarness(factory, {
        rateLimit: { enabled: true, budgets: { windowSeconds: 60, partnerReads: 3, partnerWrites: 100, customerReads: 100, customerWrites: 100 } },
      });
    });
    after(async () => h.close());

    it('throttles within a window and gives the budget back after advancing the clock 61 s', async () => {
      const ws = (await h.request('POST', '/_tenantry/workspaces', { token: h.emulatorAdminToken!, body: { name: 'throttle' } })).json;
      await h.request('POST', `/_tenantry/workspaces/${ws.id}/clock`, { token: h.emulatorAdminToken!, body: { freeze: true } });
      const list = () => h.request('GET', '/v1/customers', { token: ws.tokens.AdminAgent });
      for (let i = 0; i < 3; i++) assert.equal((await list()).status, 200);
      const throttled = await list();
      assert.equal(throttled.status, 429);
      assert.ok(Number(throttled.headers['retry-after']) >= 1);
      await h.request('POST', `/_tenantry/workspaces/${ws.id}/clock`, { token: h.emulatorAdminToken!, body: { advance: 'PT61S' } });
      assert.equal((await list()).status, 200);
    });

    it('keeps a throttled workspace throttled while another one jumps a month ahead', async () => {
      const create = async (name: string) => (await h.request('POST', '/_tenantry/workspaces', { token: h.emulatorAdminToken!, body: { name } })).json;
      const [steady, ahead] = [await create('steady'), await create('ahead')];
      await h.request('POST', `/_tenantry/workspaces/${steady.id}/clock`, { token: h.emulatorAdminToken!, body: { freeze: true } });
      const list = (token: string) => h.request('GET', '/v1/customers', { token });
      for (let i = 0; i < 3; i++) assert.equal((await list(steady.tokens.AdminAgent)).status, 200);
      assert.equal((await list(steady.tokens.AdminAgent)).status, 429);
      await h.request('POST', `/_tenantry/workspaces/${ahead.id}/clock`, { token: h.emulatorAdminToken!, body: { advance: 'P30D' } });
      assert.equal((await list(ahead.tokens.AdminAgent)).status, 200);
      assert.equal((await list(steady.tokens.AdminAgent)).status, 429);
    });
  });
}
