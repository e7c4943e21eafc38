import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { demoDomain } from '../../../src/demo/demo-data.js';
import { syntheticUsers, unusablePasswordHash } from '../../../src/demo/synthetic-users.js';
import { type LiveServer, startLiveServer } from '../../../src/test-support/live-server.js';
import { storeFactories } from '../../../src/test-support/stores.js';
import { createPartnerOperations, filters, PartnerError, type PartnerOperations } from './index.js';

const syntheticCount = 1_100;

for (const factory of storeFactories) {
  describe(`the SDK against a live server on ${factory.name}`, () => {
    let server: LiveServer;
    let partner: PartnerOperations;

    before(async () => {
      server = await startLiveServer(factory, { bom: true });
      const rows = syntheticUsers(server.customerId, demoDomain, 0, syntheticCount);
      await server.store.insertUsers(rows.map((row) => ({ row, passwordHash: unusablePasswordHash })));
      partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } });
    });
    after(() => server.close());

    const users = () => partner.customers.byId(server.customerId).users;

    test('get() returns the first page as a seek-based collection with a next link', async () => {
      const page = await users().get();
      assert.equal(page.items.length, 100);
      assert.equal(page.totalCount, 100);
      assert.equal(page.attributes.objectType, 'Collection');
      assert.ok(page.links?.next, 'a next link while more users follow');
      assert.ok(page.continuationToken);
    });

    test('all() follows links.next through every one of 1,100+ users, in display-name order, each once', async () => {
      const seen: string[] = [];
      const names: string[] = [];
      for await (const user of users().all({ size: 500 })) {
        seen.push(user.id);
        names.push(user.displayName);
      }
      assert.equal(seen.length, syntheticCount + 2);
      assert.equal(new Set(seen).size, seen.length);
      const sorted = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
      assert.deepEqual(names.map((n) => n.toLowerCase()), sorted.map((n) => n.toLowerCase()));
    });

    test('pages() yields pages of the requested size and stops at the page without links.next', async () => {
      const sizes: number[] = [];
      for await (const page of users().pages({ size: 500 })) sizes.push(page.items.length);
      assert.deepEqual(sizes, [500, 500, syntheticCount + 2 - 1000]);
    });

    test('a seek query with the continuation token returns the following page', async () => {
      const first = await users().query({ size: 3 });
      const second = await users().query({ continuationToken: first.continuationToken! });
      assert.equal(second.items.length, 3);
      assert.notEqual(second.items[0].id, first.items[0].id);
      const viaLink = await partner.enumerators.create(first).next();
      assert.deepEqual(viaLink.items.map((u) => u.id), second.items.map((u) => u.id));
    });

    test('search filters and descending sort narrow and order the list', async () => {
      const page = await users().query({ size: 500, filter: filters.startsWith('DisplayName', 'ada '), sort: { field: 'DisplayName', direction: 'Descending' } });
      assert.ok(page.items.length > 0);
      assert.ok(page.items.every((u) => u.displayName.toLowerCase().startsWith('ada ')));
      const names = page.items.map((u) => u.displayName.toLowerCase());
      assert.deepEqual(names, [...names].sort().reverse());
      const sub = await users().query({ size: 10, filter: filters.substring('UserPrincipalName', '.1099@') });
      assert.equal(sub.items.length, 1);
    });

    test('create, get, patch, reset password, delete, deleted-users query and restore round-trip', async () => {
      const created = await users().create({ userPrincipalName: `sdk.user@${demoDomain}`, displayName: 'SDK User', firstName: 'Sdk', lastName: 'User', usageLocation: 'US' });
      assert.equal(created.state, 'active');
      assert.ok(created.passwordProfile?.password, 'a temporary password is returned once');
      const one = users().byId(created.id);
      assert.equal((await one.get()).displayName, 'SDK User');
      assert.equal((await one.patch({ displayName: 'SDK User Renamed' })).displayName, 'SDK User Renamed');
      const reset = await one.resetPassword();
      assert.ok(reset.passwordProfile?.password);
      assert.notEqual(reset.passwordProfile?.password, created.passwordProfile?.password);
      await one.delete();
      const deleted = await users().query({ size: 100, filter: filters.deletedUsers() });
      assert.deepEqual(deleted.items.map((u) => u.id), [created.id]);
      assert.equal(deleted.items[0].state, 'inactive');
      const both = await users().query({ size: 100, filter: filters.and(filters.deletedUsers(), filters.startsWith('DisplayName', 'sdk')) });
      assert.equal(both.items.length, 1);
      const restored = await one.restore();
      assert.equal(restored.state, 'active');
      assert.equal((await users().query({ size: 100, filter: filters.deletedUsers() })).items.length, 0);
    });

    test('failures throw PartnerError with status, ApiFault code, description and category', async () => {
      const missing = users().byId('00000000-0000-4000-8000-000000000000').get();
      await assert.rejects(missing, (e: unknown) => {
        assert.ok(e instanceof PartnerError);
        assert.equal(e.status, 404);
        assert.equal(e.code, 60002);
        assert.equal(e.category, 'notFound');
        assert.match(e.description, /not found/i);
        assert.ok(e.requestId);
        return true;
      });
      await users().create({ userPrincipalName: `twice@${demoDomain}`, displayName: 'Twice' });
      await assert.rejects(users().create({ userPrincipalName: `twice@${demoDomain}`, displayName: 'Twice' }), (e: unknown) => {
        assert.ok(e instanceof PartnerError);
        assert.equal(e.status, 409);
        assert.equal(e.category, 'alreadyExists');
        assert.equal(e.code, 60011);
        return true;
      });
      await assert.rejects(users().create({ displayName: 'No name' }), (e: unknown) => e instanceof PartnerError && e.category === 'badInput' && e.status === 400);
    });

    test('a pinned MS-RequestId makes a repeated creation return the first answer instead of a duplicate', async () => {
      const requestId = crypto.randomUUID();
      const body = { userPrincipalName: `idem@${demoDomain}`, displayName: 'Idem' };
      const a = await users().create(body, { requestId });
      const b = await users().create(body, { requestId });
      assert.equal(a.id, b.id);
      const pinned = partner.with({ requestId: crypto.randomUUID() });
      const c = await pinned.customers.byId(server.customerId).users.create({ userPrincipalName: `pinned@${demoDomain}`, displayName: 'Pinned' });
      const d = await pinned.customers.byId(server.customerId).users.create({ userPrincipalName: `pinned@${demoDomain}`, displayName: 'Pinned' });
      assert.equal(c.id, d.id);
    });

    test('customers: list, get by id, company profile, all() and create', async () => {
      const page = await partner.customers.get();
      assert.ok(page.items.some((c) => c.id === server.customerId));
      const customer = await partner.customers.byId(server.customerId).get();
      assert.equal(customer.companyProfile.domain, demoDomain);
      const profile = await partner.customers.byId(server.customerId).profiles.company.get();
      assert.equal(profile.domain, demoDomain);
      const created = await partner.customers.create({ companyProfile: { domain: 'sdktest.onmicrosoft.com', companyName: 'SDK Test' } });
      assert.ok(created.userCredentials?.password);
      const ids: string[] = [];
      for await (const c of partner.customers.all({ size: 1 })) ids.push(c.id);
      assert.ok(ids.includes(created.id) && ids.includes(server.customerId));
      const found = await partner.customers.query({ size: 10, filter: filters.startsWith('CompanyName', 'SDK T') });
      assert.deepEqual(found.items.map((c) => c.id), [created.id]);
    });

    test('a token provider is asked for the token on each call', async () => {
      let calls = 0;
      const viaProvider = createPartnerOperations({ baseUrl: `${server.url}/v1/`, credentials: async () => (calls++, server.adminToken) });
      await viaProvider.customers.byId(server.customerId).get();
      await viaProvider.customers.byId(server.customerId).users.get();
      assert.equal(calls, 2);
    });
  });
}
