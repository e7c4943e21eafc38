import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { demoDomain } from '../../../src/demo/demo-data.js';
import { type LiveServer, startLiveServer } from '../../../src/test-support/live-server.js';
import { storeFactories } from '../../../src/test-support/stores.js';
import { createPartnerOperations, PartnerError, type PartnerOperations } from './index.js';

const danielId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const ems = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const exchange = '4b9405b0-7788-4568-add1-99614e613b69';
const powerBi = 'f8a1db68-be16-40ed-86d5-cb42ce701560';
const minecraft = '533b8f26-f74b-4e9c-9c59-50fc4b393b63';
const helpdeskAdministrator = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

for (const factory of storeFactories) {
  describe(`the SDK's licences and directory roles against a live server on ${factory.name}`, () => {
    let server: LiveServer;
    let partner: PartnerOperations;
    const customer = () => partner.customers.byId(server.customerId);

    before(async () => {
      server = await startLiveServer(factory, { bom: true });
      partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } });
    });
    after(() => server.close());

    test('subscribedSkus.get() reads the seats; byId(sku).set() is the Tenantry extension', async () => {
      const skus = await customer().subscribedSkus.get();
      const e = skus.items.find((s) => s.productSku.id === ems)!;
      assert.deepEqual([e.totalUnits, e.consumedUnits, e.availableUnits], [5, 1, 4]);
      const set = await customer().subscribedSkus.byId(powerBi).set({ totalUnits: 1 });
      assert.equal(set.productSku.skuPartNumber, 'POWER_BI_PRO');
      await customer().subscribedSkus.byId(minecraft).set({ totalUnits: 3 });
      assert.deepEqual((await customer().subscribedSkus.get(['Group2'])).items.map((s) => s.productSku.id), [minecraft]);
      assert.equal((await customer().subscribedSkus.get(['Group1', 'Group2'])).items.length, 5);
    });

    test('licenseUpdates.create() assigns, licenses.get() reads, and 60012 arrives as a PartnerError', async () => {
      const users = customer().users;
      const a = await users.create({ userPrincipalName: `sdk.a@${demoDomain}`, displayName: 'SDK A', usageLocation: 'US' });
      const b = await users.create({ userPrincipalName: `sdk.b@${demoDomain}`, displayName: 'SDK B', usageLocation: 'US' });
      const update = await users.byId(a.id).licenseUpdates.create({ licensesToAssign: [{ skuId: powerBi }, { skuId: exchange }] });
      assert.deepEqual(update.licensesToAssign?.map((l) => l.skuId), [powerBi, exchange]);
      assert.equal(update.attributes.objectType, 'LicenseUpdate');
      const held = await users.byId(a.id).licenses.get();
      assert.deepEqual(held.items.map((l) => l.productSku.name), ['Exchange Online (Plan 1)', 'Power BI Pro']);
      await assert.rejects(users.byId(b.id).licenseUpdates.create({ licensesToAssign: [{ skuId: powerBi }] }), (e: unknown) => {
        assert.ok(e instanceof PartnerError);
        assert.equal(e.status, 400);
        assert.equal(e.code, 60012);
        assert.match(e.description, /run out of licenses/);
        return true;
      });
      await users.byId(a.id).licenseUpdates.create({ licensesToRemove: [powerBi] });
      assert.equal((await users.byId(b.id).licenseUpdates.create({ licensesToAssign: [{ skuId: powerBi }] })).licensesToAssign?.[0].skuId, powerBi);
    });

    test('directoryRoles: list, add a member, page the members, read the user\'s roles, remove', async () => {
      const roles = customer().directoryRoles;
      assert.ok((await roles.get()).items.some((r) => r.id === helpdeskAdministrator && r.name === 'Helpdesk Administrator'));
      const added = await roles.byId(helpdeskAdministrator).userMembers.create({ id: danielId });
      assert.equal(added.roleId, helpdeskAdministrator);
      assert.equal(added.displayName, 'Daniel Tsai');
      const admin = (await customer().users.get()).items.find((u) => u.id !== danielId)!;
      await roles.byId(helpdeskAdministrator).userMembers.create({ id: admin.id });
      const first = await roles.byId(helpdeskAdministrator).userMembers.query({ size: 1 });
      assert.equal(first.items.length, 1);
      assert.ok(first.links?.next);
      const all: string[] = [];
      for await (const m of roles.byId(helpdeskAdministrator).userMembers.all({ size: 1 })) all.push(m.id);
      assert.deepEqual(all, [danielId, admin.id].sort());
      assert.deepEqual((await customer().users.byId(danielId).directoryRoles.get()).items.map((r) => r.name), ['Helpdesk Administrator']);
      await roles.byId(helpdeskAdministrator).userMembers.byId(danielId).delete();
      assert.equal((await customer().users.byId(danielId).directoryRoles.get()).totalCount, 0);
    });
  });
}
