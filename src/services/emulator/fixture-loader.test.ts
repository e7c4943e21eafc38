/**
 * Fixtures end to end (issue 11), in-process on both stores: a workspace created with a fixture
 * answers it through /v1, a wrong fixture is refused whole with every JSON path, reset brings the
 * fixture back, and an export loaded into a new workspace gives identical /v1 answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchangeOnlinePlan1, microsoft365E3 } from '../../domain/product-catalog.js';
import { startEmulatorHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const helpdesk = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const globalReader = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const inactive = encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}');

const fixture = (domain: string) => ({
  customers: [
    {
      companyName: 'Contoso',
      domain,
      users: [
        { userPrincipalName: `ann@${domain}`, displayName: 'Ann Lee', firstName: 'Ann', lastName: 'Lee', usageLocation: 'US' },
        { userPrincipalName: `bob@${domain}`, displayName: 'Bob', usageLocation: 'GB' },
        { userPrincipalName: `gone@${domain}`, displayName: 'Gone', softDeletionTime: '2026-01-15T10:00:00Z' },
      ],
      generate: { count: 40 },
      subscribedSkus: [
        { skuId: microsoft365E3.id, seats: 10 },
        { skuId: exchangeOnlinePlan1.id, seats: 5 },
      ],
      licenses: [
        { user: `ann@${domain}`, skuIds: [microsoft365E3.id] },
        { user: `gone@${domain}`, skuIds: [exchangeOnlinePlan1.id] },
      ],
      roleMembers: [{ role: 'Helpdesk Administrator', users: [`bob@${domain}`, `ann@${domain}`] }],
    },
  ],
});

for (const factory of storeFactories) {
  describe(`fixtures on ${factory.name}`, () => {
    let h: Harness;
    const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });
    const createWorkspace = async (body: unknown) => {
      const res = await admin('POST', '/_tenantry/workspaces', body);
      assert.equal(res.status, 201, res.text);
      return res.json as { id: string; tokens: { AdminAgent: string } };
    };

    /** Every /v1 answer a fixture decides, as text, keyed by the request. */
    async function answers(token: string): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      const get = async (url: string) => {
        const res = await h.request('GET', url, { token });
        assert.equal(res.status, 200, `${url}: ${res.text}`);
        out.set(url, res.text);
        return res.json;
      };
      const customers = await get('/v1/customers?size=500');
      for (const c of customers.items as { id: string }[]) {
        await get(`/v1/customers/${c.id}`);
        await get(`/v1/customers/${c.id}/subscribedskus?licenseGroupIds=Group1&licenseGroupIds=Group2`);
        const active = await get(`/v1/customers/${c.id}/users?size=500`);
        const deleted = await get(`/v1/customers/${c.id}/users?size=500&filter=${inactive}`);
        for (const u of [...active.items, ...deleted.items] as { id: string }[]) {
          await get(`/v1/customers/${c.id}/users/${u.id}`);
          await get(`/v1/customers/${c.id}/users/${u.id}/licenses`);
          await get(`/v1/customers/${c.id}/users/${u.id}/directoryroles`);
        }
        for (const role of [helpdesk, globalReader]) await get(`/v1/customers/${c.id}/directoryroles/${role}/usermembers`);
      }
      return out;
    }

    before(async () => {
      h = await startEmulatorHarness(factory);
    });
    after(async () => h.close());

    it('creates a workspace from a fixture: users (deleted ones too), seats, licences and role members answer through /v1', async () => {
      const ws = await createWorkspace({ seed: `fx-${factory.name}-1`, fixture: fixture('fx1.onmicrosoft.com') });
      const token = ws.tokens.AdminAgent;
      const customers = (await h.request('GET', '/v1/customers', { token })).json;
      assert.equal(customers.totalCount, 1);
      const cid = customers.items[0].id;
      const users = (await h.request('GET', `/v1/customers/${cid}/users?size=500`, { token })).json;
      assert.equal(users.totalCount, 42);
      const deleted = (await h.request('GET', `/v1/customers/${cid}/users?filter=${inactive}`, { token })).json;
      assert.deepEqual(deleted.items.map((u: { userPrincipalName: string; softDeletionTime: string }) => [u.userPrincipalName, u.softDeletionTime]), [['gone@fx1.onmicrosoft.com', '2026-01-15T10:00:00Z']]);
      const skus = (await h.request('GET', `/v1/customers/${cid}/subscribedskus`, { token })).json;
      const e3 = skus.items.find((s: { productSku: { id: string } }) => s.productSku.id === microsoft365E3.id);
      assert.equal(e3.totalUnits, 10);
      assert.equal(e3.consumedUnits, 1);
      const members = (await h.request('GET', `/v1/customers/${cid}/directoryroles/${helpdesk}/usermembers`, { token })).json;
      assert.deepEqual(members.items.map((m: { userPrincipalName: string }) => m.userPrincipalName).sort(), ['ann@fx1.onmicrosoft.com', 'bob@fx1.onmicrosoft.com']);
    });

    it('refuses a wrong fixture whole, with every problem and its JSON path, and leaves no workspace behind', async () => {
      const before = (await admin('GET', '/_tenantry/workspaces')).json.totalCount;
      const bad = fixture('fx2.onmicrosoft.com');
      bad.customers[0].users.push({ userPrincipalName: 'eve@elsewhere.com', displayName: 'Eve' } as never);
      bad.customers[0].subscribedSkus[0].seats = 0;
      bad.customers[0].roleMembers.push({ role: 'No Such Role', users: [] });
      const res = await admin('POST', '/_tenantry/workspaces', { seed: 'bad', fixture: bad });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.code, 600108);
      const paths = (res.json.data as { path: string }[]).map((p) => p.path).sort();
      assert.deepEqual(paths, ['/customers/0/roleMembers/1/role', '/customers/0/subscribedSkus/0/seats', '/customers/0/users/3/userPrincipalName']);
      assert.equal((await admin('GET', '/_tenantry/workspaces')).json.totalCount, before);
    });

    it('answers 409 naming the customer when a fixture domain is taken by another workspace, and leaves nothing behind', async () => {
      const before = (await admin('GET', '/_tenantry/workspaces')).json.totalCount;
      const res = await admin('POST', '/_tenantry/workspaces', { fixture: fixture('fx1.onmicrosoft.com') });
      assert.equal(res.status, 409, res.text);
      assert.equal(res.json.data[0].path, '/customers/0');
      assert.equal((await admin('GET', '/_tenantry/workspaces')).json.totalCount, before);
    });

    it('reset brings the workspace back to its fixture', async () => {
      const ws = await createWorkspace({ seed: `fx-${factory.name}-3`, fixture: fixture('fx3.onmicrosoft.com') });
      const token = ws.tokens.AdminAgent;
      const original = await answers(token);
      const cid = (await h.request('GET', '/v1/customers', { token })).json.items[0].id;
      const res = await h.request('POST', `/v1/customers/${cid}/users`, { token, body: { userPrincipalName: 'new@fx3.onmicrosoft.com', displayName: 'New', usageLocation: 'US' } });
      assert.equal(res.status, 201, res.text);
      assert.notDeepEqual(await answers(token), original);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/reset`)).status, 200);
      assert.deepEqual(await answers(token), original);
    });

    it('exports a changed workspace as a fixture that loads into a new workspace with identical /v1 answers', async () => {
      const a = await createWorkspace({ seed: `fx-${factory.name}-4`, fixture: fixture('fx4.onmicrosoft.com') });
      const token = a.tokens.AdminAgent;
      const call = async (method: string, url: string, body?: unknown, status = 200) => {
        const res = await h.request(method, url, { token, body });
        assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
        return res.json;
      };
      const cid = (await call('GET', '/v1/customers')).items[0].id;
      // Changes through the API: a new user, a deleted one holding a licence, excluded plans, a
      // role member, a product outside the catalogue.
      const carl = await call('POST', `/v1/customers/${cid}/users`, { userPrincipalName: 'carl@fx4.onmicrosoft.com', displayName: 'Carl', usageLocation: 'DE' }, 201);
      await call('POST', `/v1/customers/${cid}/users/${carl.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id, excludedPlans: [microsoft365E3.servicePlans[0].id] }] }, 201);
      await call('POST', `/v1/customers/${cid}/directoryroles/${globalReader}/usermembers`, { id: carl.id }, 201);
      const users = (await call('GET', `/v1/customers/${cid}/users?size=500`)).items as { id: string; userPrincipalName: string }[];
      const bob = users.find((u) => u.userPrincipalName.startsWith('bob@'))!;
      await call('POST', `/v1/customers/${cid}/users/${bob.id}/licenseupdates`, { licensesToAssign: [{ skuId: exchangeOnlinePlan1.id }] }, 201);
      await call('DELETE', `/v1/customers/${cid}/users/${bob.id}`, undefined, 204);
      await call('PUT', `/v1/customers/${cid}/subscribedskus/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9`, {
        totalUnits: 3,
        productSku: { name: 'Contoso Widget', skuPartNumber: 'WIDGET' },
        servicePlans: [{ id: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d', serviceName: 'WIDGET_PLAN', displayName: 'Widget plan' }],
      }, 201);
      const before = await answers(token);

      const exported = await admin('GET', `/_tenantry/workspaces/${a.id}/export`);
      assert.equal(exported.status, 200, exported.text);
      const customer = exported.json.customers[0];
      assert.equal(customer.users.filter((u: { softDeletionTime?: string }) => u.softDeletionTime).length, 2);
      // Customer ids and domains are server-wide: the copy takes the original's place.
      assert.equal((await admin('DELETE', `/_tenantry/workspaces/${a.id}`)).status, 204);
      const b = await createWorkspace({ fixture: exported.json });
      const afterLoad = await answers(b.tokens.AdminAgent);
      assert.deepEqual([...afterLoad.keys()], [...before.keys()]);
      for (const [url, text] of before) assert.equal(afterLoad.get(url), text, url);
      // And the export of the copy is the export of the original.
      assert.deepEqual((await admin('GET', `/_tenantry/workspaces/${b.id}/export`)).json, exported.json);
    });

    it('serves the fixture JSON Schema and documents the export in the OpenAPI document', async () => {
      const schema = await admin('GET', '/_tenantry/fixture.schema.json');
      assert.equal(schema.status, 200, schema.text);
      assert.equal(schema.json.title, 'Tenantry emulator fixture');
      assert.ok(schema.json.properties.customers);
      const doc = (await h.request('GET', '/openapi.json')).json;
      assert.ok(doc.paths['/_tenantry/workspaces/{id}/export'], Object.keys(doc.paths).join());
    });
  });
}
