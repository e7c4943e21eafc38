import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enterpriseMobilitySecurityE3, exchangeOnlinePlan1, microsoft365E3, minecraftEducationStudent, powerBiPro } from '../../domain/product-catalog.js';
import { newRequestId, startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const demoDomain = 'dtdemocspcustomer005.onmicrosoft.com';
const danielId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const adminId = '6e668259-1f09-479d-bcb8-d9b03e826b8d';
const E3 = microsoft365E3.id;
const EMS = enterpriseMobilitySecurityE3.id;
const EXO = exchangeOnlinePlan1.id;
const PBI = powerBiPro.id;
const MEE = minecraftEducationStudent.id;

/** The licence update body exactly as the official .NET SDK serializes it. */
const sdkAssignBody = (skuId: string) =>
  `{"LicensesToAssign":[{"ExcludedPlans":null,"SkuId":"${skuId}"}],"LicensesToRemove":null,"LicenseWarnings":null,"Attributes":{"ObjectType":"LicenseUpdate"}}`;

const expectFault = (res: { status: number; json: any }, status: number, code: number) => {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.code, code, JSON.stringify(res.json));
  assert.equal(res.json.source, 'PartnerFD');
};

for (const factory of storeFactories) {
  describe(`licences on ${factory.name}`, () => {
    let h: Harness;
    const base = (customerId: string) => `/v1/customers/${customerId}`;

    /** A new customer of the demo partner, so each test counts seats on its own. */
    async function newCustomer(name: string) {
      const res = await h.request('POST', '/v1/customers', { body: { companyProfile: { domain: `${name}-${factory.name}` }, billingProfile: { companyName: `${name} Ltd` } } });
      assert.equal(res.status, 201, res.text);
      return { id: res.json.id as string, domain: res.json.companyProfile.domain as string };
    }
    async function createUser(customer: { id: string; domain: string }, alias: string, usageLocation: string | null = 'US') {
      const res = await h.request('POST', `${base(customer.id)}/users`, { body: { userPrincipalName: `${alias}@${customer.domain}`, displayName: `User ${alias}`, usageLocation } });
      assert.equal(res.status, 201, res.text);
      return res.json.id as string;
    }
    async function setSeats(customerId: string, skuId: string, totalUnits: number, extra: Record<string, unknown> = {}) {
      return h.request('PUT', `${base(customerId)}/subscribedskus/${skuId}`, { body: { totalUnits, ...extra } });
    }
    async function sku(customerId: string, skuId: string) {
      const res = await h.request('GET', `${base(customerId)}/subscribedskus?licenseGroupIds=Group1&licenseGroupIds=Group2`);
      assert.equal(res.status, 200, res.text);
      return res.json.items.find((s: any) => s.productSku.id === skuId);
    }
    const assign = (customerId: string, userId: string, body: unknown, headers: Record<string, string> = {}) =>
      h.request('POST', `${base(customerId)}/users/${userId}/licenseupdates`, { body, headers });
    const licenses = async (customerId: string, userId: string, query = '') => {
      const res = await h.request('GET', `${base(customerId)}/users/${userId}/licenses${query}`);
      assert.equal(res.status, 200, res.text);
      return res.json;
    };

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it("lists the demo customer's subscribed SKUs with availableUnits = totalUnits − consumedUnits", async () => {
      const res = await h.request('GET', `${base(h.customerId)}/subscribedskus`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(res.json.attributes, { objectType: 'Collection' });
      assert.equal(res.json.links, undefined, 'a plain collection, as Partner Center sends it');
      assert.deepEqual(res.json.items.map((s: any) => s.productSku.name), ['Enterprise Mobility + Security E3', 'Exchange Online (Plan 1)', 'Microsoft 365 E3']);
      const ems = res.json.items[0];
      // Partner Center's documented example item, with our catalogue's service plans.
      assert.deepEqual(
        { ...ems, servicePlans: ems.servicePlans.slice(0, 1) },
        {
          availableUnits: 4, activeUnits: 5, consumedUnits: 1, suspendedUnits: 0, totalUnits: 5, warningUnits: 0,
          productSku: { id: EMS, name: 'Enterprise Mobility + Security E3', skuPartNumber: 'EMS', targetType: 'User', licenseGroupId: 'group1' },
          servicePlans: [{ displayName: 'Azure Information Protection Premium P1', serviceName: 'RMS_S_PREMIUM', id: '6c57d4b6-3b23-47a5-9bc9-69f17b4947b3', capabilityStatus: 'Enabled', targetType: 'User' }],
          capabilityStatus: 'Enabled',
          attributes: { objectType: 'SubscribedSku' },
        },
      );
      for (const s of res.json.items) assert.equal(s.availableUnits, s.totalUnits - s.consumedUnits);
      assert.equal(res.json.totalCount, 3);
    });

    it("gets a user's licences with assigned service plans, and an empty collection for none", async () => {
      const daniel = await licenses(h.customerId, danielId);
      assert.equal(daniel.totalCount, 1);
      const item = daniel.items[0];
      assert.deepEqual(item.productSku, { id: EMS, name: 'Enterprise Mobility + Security E3', skuPartNumber: 'EMS', licenseGroupId: 'group1' });
      assert.ok(item.servicePlans.length > 0 && item.servicePlans.every((p: any) => p.capabilityStatus === 'Assigned'));
      assert.deepEqual(item.attributes, { objectType: 'License' });
      const none = await h.request('GET', `${base(h.customerId)}/users/${adminId}/licenses?licenseGroupIds=Group1`);
      assert.equal(none.text, '{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}');
    });

    it('assigns from the .NET SDK body with 201 and the documented answer, and removes again', async () => {
      const c = await newCustomer('assign');
      const user = await createUser(c, 'ann');
      assert.equal((await setSeats(c.id, EXO, 3)).status, 201);
      const res = await h.request('POST', `${base(c.id)}/users/${user}/licenseupdates`, { rawBody: sdkAssignBody(EXO), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.text, `{"licensesToAssign":[{"skuId":"${EXO}"}],"licenseWarnings":[],"attributes":{"objectType":"LicenseUpdate"}}`);
      assert.deepEqual((await licenses(c.id, user)).items.map((l: any) => l.productSku.id), [EXO]);
      let s = await sku(c.id, EXO);
      assert.deepEqual([s.totalUnits, s.consumedUnits, s.availableUnits], [3, 1, 2]);
      const removed = await assign(c.id, user, { LicensesToAssign: null, LicensesToRemove: [EXO.toUpperCase()] });
      assert.equal(removed.status, 201, removed.text);
      assert.deepEqual(removed.json.licensesToRemove, [EXO]);
      s = await sku(c.id, EXO);
      assert.deepEqual([s.consumedUnits, s.availableUnits], [0, 3]);
      assert.equal((await licenses(c.id, user)).totalCount, 0);
      expectFault(await assign(c.id, user, { licensesToRemove: [EXO] }), 400, 60103);
    });

    it('assigns and removes in one call, freeing the seat before taking the new one', async () => {
      const c = await newCustomer('swap');
      const user = await createUser(c, 'sam');
      await setSeats(c.id, EXO, 1);
      await setSeats(c.id, E3, 1);
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: EXO }] })).status, 201);
      const swap = await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }], licensesToRemove: [EXO] });
      assert.equal(swap.status, 201, swap.text);
      assert.deepEqual((await licenses(c.id, user)).items.map((l: any) => l.productSku.id), [E3]);
      assert.equal((await sku(c.id, EXO)).consumedUnits, 0);
      assert.equal((await sku(c.id, E3)).consumedUnits, 1);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: EXO }], licensesToRemove: [EXO] }), 400, 3000);
    });

    it('leaves excluded plans out, changes them without taking another seat, and refuses plans of another SKU', async () => {
      const c = await newCustomer('plans');
      const user = await createUser(c, 'pat');
      await setSeats(c.id, E3, 2);
      const teams = microsoft365E3.servicePlans.find((p) => p.serviceName === 'TEAMS1')!.id;
      const res = await assign(c.id, user, { licensesToAssign: [{ skuId: E3, excludedPlans: [teams] }] });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.json.licensesToAssign, [{ excludedPlans: [teams], skuId: E3 }]);
      let plans = (await licenses(c.id, user)).items[0].servicePlans.map((p: any) => p.id);
      assert.equal(plans.length, microsoft365E3.servicePlans.length - 1);
      assert.ok(!plans.includes(teams));
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: E3, excludedPlans: [] }] })).status, 201);
      plans = (await licenses(c.id, user)).items[0].servicePlans.map((p: any) => p.id);
      assert.ok(plans.includes(teams));
      assert.equal((await sku(c.id, E3)).consumedUnits, 1, 'a re-assignment takes no second seat');
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: E3, excludedPlans: [exchangeOnlinePlan1.servicePlans[0].id] }] }), 400, 3000);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: E3, excludedPlans: ['not-a-plan'] }] }), 400, 3000);
    });

    it('refuses an unknown SKU, an empty update and a missing skuId with 400 faults', async () => {
      const c = await newCustomer('unknown');
      const user = await createUser(c, 'una');
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }] }), 400, 60100);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: 'not-a-guid' }] }), 400, 60100);
      expectFault(await assign(c.id, user, { licensesToRemove: ['00000000-0000-0000-0000-000000000000'] }), 400, 60100);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ excludedPlans: [] }] }), 400, 2000);
      expectFault(await assign(c.id, user, { LicensesToAssign: null, LicensesToRemove: null }), 400, 800002);
      expectFault(await assign(c.id, user, { licensesToAssign: 'E3' }), 400, 800002);
      expectFault(await assign(c.id, '00000000-0000-0000-0000-000000000000', { licensesToAssign: [{ skuId: E3 }] }), 404, 60002);
      expectFault(await h.request('GET', `${base(c.id)}/users/00000000-0000-0000-0000-000000000000/licenses`), 404, 60002);
    });

    it('refuses licences of two licence groups in one request and filters lists by licence group', async () => {
      const c = await newCustomer('groups');
      const user = await createUser(c, 'gus');
      await setSeats(c.id, E3, 2);
      assert.equal((await setSeats(c.id, MEE, 2)).status, 201);
      const mixed = await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }, { skuId: MEE }] });
      expectFault(mixed, 400, 60101);
      assert.deepEqual(mixed.json.data.sort(), ['group1', 'group2']);
      assert.equal((await sku(c.id, E3)).consumedUnits, 0, 'nothing of a refused update is applied');
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: MEE }] })).status, 201);
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }] })).status, 201);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }], licensesToRemove: [MEE] }), 400, 60101);
      assert.deepEqual((await licenses(c.id, user)).items.map((l: any) => l.productSku.id), [E3], 'Group1 by default');
      assert.deepEqual((await licenses(c.id, user, '?licenseGroupIds=Group2')).items.map((l: any) => l.productSku.licenseGroupId), ['group2']);
      assert.equal((await licenses(c.id, user, '?LicenseGroupIds=group1&licenseGroupIds=GROUP2')).totalCount, 2);
      const skus = await h.request('GET', `${base(c.id)}/subscribedskus`);
      assert.deepEqual(skus.json.items.map((s: any) => s.productSku.id), [E3]);
      expectFault(await h.request('GET', `${base(c.id)}/subscribedskus?licenseGroupIds=Group3`), 400, 800002);
    });

    it("refuses to assign to a user without a usage location with Partner Center's text", async () => {
      const c = await newCustomer('nolocation');
      const user = await createUser(c, 'nol', null);
      await setSeats(c.id, EXO, 2);
      const res = await assign(c.id, user, { licensesToAssign: [{ skuId: EXO }] });
      expectFault(res, 400, 60102);
      assert.equal(res.json.description, 'License assignment cannot be done for user with invalid usage location.');
      assert.equal((await sku(c.id, EXO)).consumedUnits, 0);
      await h.request('PATCH', `${base(c.id)}/users/${user}`, { body: { usageLocation: 'NL' } });
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: EXO }] })).status, 201);
    });

    it('answers the last seat with 400 / 60012 exactly as Partner Center documents it', async () => {
      const c = await newCustomer('quota');
      const [first, second] = [await createUser(c, 'first'), await createUser(c, 'second')];
      await setSeats(c.id, PBI, 1);
      assert.equal((await assign(c.id, first, { licensesToAssign: [{ skuId: PBI }] })).status, 201);
      const res = await h.request('POST', `${base(c.id)}/users/${second}/licenseupdates`, { rawBody: sdkAssignBody(PBI), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400);
      assert.equal(
        res.text,
        JSON.stringify({
          code: 60012,
          description: "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
          data: [`LicenseQuotaExceededException : Subscription with Account ${c.id} and SKU ${PBI} does not have any available licenses left.`],
          source: 'PartnerFD',
        }),
      );
      const s = await sku(c.id, PBI);
      assert.deepEqual([s.totalUnits, s.consumedUnits, s.availableUnits], [1, 1, 0]);
    });

    it('gives N seats to exactly N of N+k concurrent assignments', async () => {
      const c = await newCustomer('race');
      const seats = 5;
      const contenders = 12;
      const users: string[] = [];
      for (let i = 0; i < contenders; i++) users.push(await createUser(c, `racer${i}`));
      await setSeats(c.id, E3, seats);
      const results = await Promise.all(users.map((u) => assign(c.id, u, { licensesToAssign: [{ skuId: E3 }] })));
      const won = results.filter((r) => r.status === 201).length;
      assert.equal(won, seats, results.map((r) => r.status).join(','));
      for (const r of results.filter((x) => x.status !== 201)) expectFault(r, 400, 60012);
      const s = await sku(c.id, E3);
      assert.deepEqual([s.consumedUnits, s.availableUnits], [seats, 0]);
      let holders = 0;
      for (const u of users) holders += (await licenses(c.id, u)).totalCount;
      assert.equal(holders, seats, 'every consumed seat belongs to exactly one user');
    });

    it('takes one seat for concurrent assignments of the same SKU to one user', async () => {
      const c = await newCustomer('samerace');
      const user = await createUser(c, 'same');
      await setSeats(c.id, EXO, 10);
      const results = await Promise.all(Array.from({ length: 6 }, () => assign(c.id, user, { licensesToAssign: [{ skuId: EXO }] })));
      assert.ok(results.every((r) => r.status === 201), results.map((r) => r.text).join('\n'));
      assert.equal((await sku(c.id, EXO)).consumedUnits, 1);
    });

    it('replays a licence update sent again with the same MS-RequestId', async () => {
      const c = await newCustomer('replay');
      const user = await createUser(c, 'rita');
      await setSeats(c.id, EXO, 2);
      await assign(c.id, user, { licensesToAssign: [{ skuId: EXO }] });
      const requestId = newRequestId();
      const first = await assign(c.id, user, { licensesToRemove: [EXO] }, { 'ms-requestid': requestId });
      const retry = await assign(c.id, user, { licensesToRemove: [EXO] }, { 'ms-requestid': requestId });
      assert.equal(first.status, 201);
      assert.equal(retry.status, 201, 'the retry gets the first answer, not "not assigned"');
      assert.equal(retry.text, first.text);
      assert.equal((await sku(c.id, EXO)).consumedUnits, 0);
    });

    it('frees a deleted user\'s seats and gives them back on restore', async () => {
      const c = await newCustomer('lifecycle');
      const user = await createUser(c, 'leo');
      await setSeats(c.id, E3, 1);
      await setSeats(c.id, EXO, 1);
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }, { skuId: EXO }] })).status, 201);
      assert.equal((await h.request('DELETE', `${base(c.id)}/users/${user}`)).status, 204);
      assert.equal((await sku(c.id, E3)).consumedUnits, 0);
      assert.equal((await sku(c.id, EXO)).consumedUnits, 0);
      assert.equal((await licenses(c.id, user)).totalCount, 0);
      expectFault(await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }] }), 409, 60014);
      const restored = await h.request('PATCH', `${base(c.id)}/users/${user}`, { body: { state: 'active' } });
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.headers['tenantry-unrestored-licenses'], undefined);
      assert.deepEqual((await licenses(c.id, user)).items.map((l: any) => l.productSku.id).sort(), [E3, EXO].sort());
      assert.equal((await sku(c.id, E3)).consumedUnits, 1);
      assert.equal((await sku(c.id, EXO)).consumedUnits, 1);
    });

    it('restores only the licences whose seats remain and names the others in a header', async () => {
      const c = await newCustomer('partial');
      const user = await createUser(c, 'paul');
      const other = await createUser(c, 'olga');
      await setSeats(c.id, E3, 1);
      await setSeats(c.id, EXO, 1);
      await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }, { skuId: EXO }] });
      await h.request('DELETE', `${base(c.id)}/users/${user}`);
      assert.equal((await assign(c.id, other, { licensesToAssign: [{ skuId: E3 }] })).status, 201, 'the freed seat is usable');
      const restored = await h.request('PATCH', `${base(c.id)}/users/${user}`, { body: { state: 'active' } });
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.json.state, 'active');
      assert.equal(restored.headers['tenantry-unrestored-licenses'], E3);
      assert.deepEqual((await licenses(c.id, user)).items.map((l: any) => l.productSku.id), [EXO]);
      const s = await sku(c.id, E3);
      assert.deepEqual([s.totalUnits, s.consumedUnits], [1, 1], 'never oversubscribed');
    });

    it('subscribes customers and sets seats through the Tenantry extension', async () => {
      const c = await newCustomer('seats');
      const created = await setSeats(c.id, E3.toUpperCase(), 10, { warningUnits: 2 });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual([created.json.totalUnits, created.json.activeUnits, created.json.warningUnits, created.json.availableUnits], [10, 8, 2, 10]);
      assert.equal(created.json.productSku.skuPartNumber, 'SPE_E3');
      const user = await createUser(c, 'sue');
      await assign(c.id, user, { licensesToAssign: [{ skuId: E3 }] });
      const lowered = await setSeats(c.id, E3, 1);
      assert.equal(lowered.status, 200);
      assert.deepEqual([lowered.json.totalUnits, lowered.json.consumedUnits, lowered.json.availableUnits], [1, 1, 0]);
      expectFault(await setSeats(c.id, E3, 0), 409, 60104);
      expectFault(await setSeats(c.id, '11111111-2222-3333-4444-555555555555', 5), 400, 60105);
      const custom = await setSeats(c.id, '11111111-2222-3333-4444-555555555555', 5, {
        productSku: { name: 'Contoso Widget Suite', skuPartNumber: 'CONTOSO_WIDGETS' },
        servicePlans: [{ id: '66666666-7777-8888-9999-000000000000', serviceName: 'WIDGETS', displayName: 'Widgets' }],
      });
      assert.equal(custom.status, 201, custom.text);
      assert.equal(custom.json.productSku.licenseGroupId, 'group1');
      assert.equal(custom.json.servicePlans[0].capabilityStatus, 'Enabled');
      assert.equal((await assign(c.id, user, { licensesToAssign: [{ skuId: '11111111-2222-3333-4444-555555555555' }] })).status, 201);
      expectFault(await setSeats(c.id, E3, -1), 400, 800002);
      expectFault(await h.request('PUT', `${base(c.id)}/subscribedskus/${E3}`, { body: { totalUnits: '5' } }), 400, 800002);
      expectFault(await setSeats(c.id, 'nope', 5), 400, 3000);
      expectFault(await setSeats(c.id, E3, 5, { warningUnits: 6 }), 400, 3000);
    });

    it("enforces the roles: helpdesk cannot assign, licence administrators can, sales agents cannot read users' licences", async () => {
      const c = await newCustomer('roles');
      const user = await createUser(c, 'rob');
      await setSeats(c.id, EXO, 5);
      const body = { licensesToAssign: [{ skuId: EXO }] };
      const as = async (roles: string[]) => h.token({ roles });
      expectFault(await h.request('POST', `${base(c.id)}/users/${user}/licenseupdates`, { body, token: await as(['HelpdeskAgent']) }), 403, 900150);
      assert.equal((await h.request('POST', `${base(c.id)}/users/${user}/licenseupdates`, { body, token: await as(['License Administrator']) })).status, 201);
      expectFault(await h.request('GET', `${base(c.id)}/users/${user}/licenses`, { token: await as(['SalesAgent']) }), 403, 900150);
      expectFault(await h.request('GET', `${base(c.id)}/subscribedskus`, { token: await as(['SalesAgent']) }), 403, 900150);
      assert.equal((await h.request('GET', `${base(c.id)}/users/${user}/licenses`, { token: await as(['GlobalReader']) })).status, 200);
      assert.equal((await h.request('GET', `${base(c.id)}/subscribedskus`, { token: await as(['LicenseAdministrator']) })).status, 200);
      expectFault(await h.request('PUT', `${base(c.id)}/subscribedskus/${EXO}`, { body: { totalUnits: 9 }, token: await as(['LicenseAdministrator']) }), 403, 900150);
      expectFault(await h.request('GET', `${base(c.id)}/subscribedskus`, { token: await h.token({ appOnly: true }) }), 403, 600006);
      expectFault(await h.request('GET', `${base(c.id)}/subscribedskus`, { token: null }), 401, 800001);
      const otherPartner = await h.token({ partnerId: '0f0f0f0f-0000-4000-8000-000000000000' });
      expectFault(await h.request('GET', `${base(c.id)}/subscribedskus`, { token: otherPartner }), 403, 20002);
    });

    it('documents the extension and the licence routes in the OpenAPI document', async () => {
      const res = await h.request('GET', '/openapi.json', { token: null });
      const paths = res.json.paths;
      assert.match(paths['/v1/customers/{customerId}/subscribedskus/{skuId}'].put.summary, /^Tenantry extension/);
      assert.ok(paths['/v1/customers/{customerId}/users/{userId}/licenseupdates'].post);
      assert.ok(paths['/v1/customers/{customerId}/users/{userId}/licenses'].get);
    });
  });
}
