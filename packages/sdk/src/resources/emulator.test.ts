import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LiveServer, startLiveServer } from '../../../../src/test-support/live-server.js';
import { storeFactories } from '../../../../src/test-support/stores.js';
import { createEmulatorClient, createPartnerOperations, type EmulatorOperations, PartnerError } from '../index.js';

const adminToken = 'sdk-test-admin-token-0123456789';

for (const factory of storeFactories) {
  describe(`the SDK's emulator client against a live emulator on ${factory.name}`, () => {
    let server: LiveServer;
    let emulator: EmulatorOperations;

    before(async () => {
      server = await startLiveServer(factory, { emulator: { adminToken }, bom: true });
      ({ emulator } = createEmulatorClient({ baseUrl: server.url, adminToken }));
    });
    after(() => server.close());

    test('creates a workspace, signs a partner client in with its token, moves its clock and resets it', async () => {
      const ws = await emulator.workspaces.create({ name: 'sdk suite' });
      const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: ws.tokens.AdminAgent } });
      await partner.customers.create({ companyProfile: { domain: `sdk-${factory.name}.onmicrosoft.com`, companyName: 'SDK Ltd' } } as never);
      assert.equal((await partner.customers.get()).totalCount, 1);

      const clock = await emulator.workspaces.byId(ws.id).clock.advance('P30D');
      assert.ok(Date.parse(clock.now) - Date.now() > 29 * 24 * 3600 * 1000);
      assert.equal((await emulator.workspaces.byId(ws.id).clock.freeze()).frozen, true);
      assert.equal((await emulator.workspaces.byId(ws.id).clock.set('2027-01-01T00:00:00Z')).now, '2027-01-01T00:00:00.000Z');

      const { token, expiresOn } = await emulator.workspaces.byId(ws.id).tokens.create({ roles: ['SalesAgent'], expiresIn: 'PT1H' });
      assert.equal(expiresOn, '2027-01-01T01:00:00.000Z');
      assert.equal((await createPartnerOperations({ baseUrl: server.url, credentials: { token } }).customers.get()).totalCount, 1);

      const reset = await emulator.workspaces.byId(ws.id).reset();
      assert.equal(reset.clock.frozen, false);
      assert.equal((await partner.customers.get()).totalCount, 0);
      assert.ok((await emulator.workspaces.list()).items.some((w) => w.id === ws.id));
      await emulator.workspaces.delete(ws.id);
      await assert.rejects(emulator.workspaces.get(ws.id), (e: unknown) => e instanceof PartnerError && e.status === 404 && e.code === 600101);
    });

    test('creates a workspace from a fixture, exports it and loads the export into another workspace', async () => {
      const domain = `sdkfx${factory.name}.onmicrosoft.com`;
      const ws = await emulator.workspaces.create({
        seed: `sdk-fixture-${factory.name}`,
        fixture: { customers: [{ companyName: 'Fabrikam', domain, users: [{ userPrincipalName: `eve@${domain}`, displayName: 'Eve', usageLocation: 'GB' }], generate: { count: 3 } }] },
      });
      const fixture = await emulator.workspaces.byId(ws.id).export();
      assert.equal(fixture.customers?.[0].users?.length, 4);
      assert.ok(fixture.customers?.[0].users?.some((u) => u.userPrincipalName === `eve@${domain}` && u.id));
      await emulator.workspaces.delete(ws.id);
      const copy = await emulator.workspaces.create({ fixture });
      assert.deepEqual(await emulator.workspaces.byId(copy.id).export(), fixture);
      await emulator.workspaces.delete(copy.id);
      await assert.rejects(
        emulator.workspaces.create({ fixture: { customers: [{ companyName: 'X', domain, users: [{ userPrincipalName: 'x@elsewhere.com' }] }] } }),
        (e: unknown) => e instanceof PartnerError && e.status === 400 && /customers\/0\/users\/0\/userPrincipalName/.test(e.description),
      );
    });

    test('sets and reads a workspace\'s consistency lag; a created user is 404 until the lag has passed', async () => {
      const ws = await emulator.workspaces.create({ name: 'lagged' });
      const consistency = emulator.workspaces.byId(ws.id).consistency;
      assert.deepEqual(await consistency.get(), {});
      assert.deepEqual(await consistency.set({ afterReads: 1 }), { afterReads: 1 });
      assert.deepEqual(await consistency.get(), { afterReads: 1 });
      const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: ws.tokens.AdminAgent } });
      const domain = `sdk-lag-${factory.name}.onmicrosoft.com`;
      const customer = await partner.customers.create({ companyProfile: { domain, companyName: 'Lag Ltd' } } as never);
      const user = await partner.customers.byId(customer.id!).users.create({ userPrincipalName: `new@${domain}`, displayName: 'New' });
      await assert.rejects(partner.customers.byId(customer.id!).users.byId(user.id!).get(), (e: unknown) => e instanceof PartnerError && e.status === 404 && e.code === 60002);
      assert.equal((await partner.customers.byId(customer.id!).users.byId(user.id!).get()).id, user.id);
      await assert.rejects(consistency.set({ after: 'soon' }), (e: unknown) => e instanceof PartnerError && e.status === 400 && /after/.test(e.description));
      assert.deepEqual(await consistency.set({}), {});
    });

    test('takes a snapshot, restores it over a customer created since, lists and deletes it', async () => {
      const ws = await emulator.workspaces.create({ name: 'snapshots' });
      const snapshots = emulator.workspaces.byId(ws.id).snapshots;
      const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: ws.tokens.AdminAgent } });
      const taken = await snapshots.create('empty');
      assert.equal(taken.name, 'empty');
      await partner.customers.create({ companyProfile: { domain: `sdk-snap-${factory.name}.onmicrosoft.com`, companyName: 'Snap Ltd' } } as never);
      assert.equal((await partner.customers.get()).totalCount, 1);
      const restored = await snapshots.restore('empty');
      assert.equal(restored.id, ws.id);
      assert.equal((await partner.customers.get()).totalCount, 0);
      assert.deepEqual((await snapshots.list()).items.map((s) => s.name), ['empty']);
      await snapshots.delete('empty');
      await assert.rejects(snapshots.restore('empty'), (e: unknown) => e instanceof PartnerError && e.status === 404 && e.code === 600104);
    });

    test('a bad clock value is a PartnerError naming the property, and a partner token is refused', async () => {
      const ws = await emulator.workspaces.create();
      await assert.rejects(emulator.workspaces.byId(ws.id).clock.advance('a month'), (e: unknown) => e instanceof PartnerError && e.status === 400 && /advance/.test(e.description));
      const asPartner = createEmulatorClient({ baseUrl: server.url, adminToken: ws.tokens.AdminAgent }).emulator;
      await assert.rejects(asPartner.workspaces.list(), (e: unknown) => e instanceof PartnerError && e.status === 403 && e.code === 900150);
    });
  });
}
