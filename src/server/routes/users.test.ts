import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { passwordPolicyViolation } from '../../domain/password-policy.js';
import { toUserRow } from '../../domain/user.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import { newRequestId, startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const seedBody = JSON.parse(readFileSync(new URL('../../../test/fixtures/seed-list-users.json', import.meta.url), 'utf8'));
const domain = 'dtdemocspcustomer005.onmicrosoft.com';

/** The create body exactly as the official .NET SDK serializes it (PascalCase, nulls included). */
const sdkCreateBody = (alias: string) =>
  `{"UsageLocation":"US","Id":null,"UserPrincipalName":"${alias}@${domain}","FirstName":"Probe","LastName":"User","DisplayName":"Probe User ${alias}","PasswordProfile":{"ForceChangePassword":true,"Password":"Str0ng!Passw0rd"},"LastDirectorySyncTime":null,"UserDomainType":"none","State":"active","SoftDeletionTime":null,"Attributes":{"ObjectType":"CustomerUser"}}`;
/** The restore body exactly as the official .NET SDK sends it. */
const sdkRestoreBody =
  '{"UsageLocation":null,"Id":null,"UserPrincipalName":null,"FirstName":null,"LastName":null,"DisplayName":null,"PasswordProfile":null,"LastDirectorySyncTime":null,"UserDomainType":"none","State":"active","SoftDeletionTime":null,"Attributes":{"ObjectType":"CustomerUser"}}';

const expectFault = (res: { status: number; json: any }, status: number, code: number) => {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.code, code, JSON.stringify(res.json));
  assert.equal(res.json.source, 'PartnerFD');
  assert.equal(typeof res.json.description, 'string');
  assert.ok(Array.isArray(res.json.data));
};

for (const factory of storeFactories) {
  describe(`customer users on ${factory.name}`, () => {
    let h: Harness;
    const users = () => `/v1/customers/${h.customerId}/users`;
    const createUser = async (alias: string, extra: Record<string, unknown> = {}) => {
      const res = await h.request('POST', users(), { body: { userPrincipalName: `${alias}@${domain}`, displayName: `User ${alias}`, ...extra } });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json;
    };

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('replays the documented list request with the documented body and headers', async () => {
      const res = await h.request('GET', users(), {
        headers: { accept: 'application/json', 'ms-requestid': '5d845377-5b7d-4cd4-98f6-19e5ae3faa81', 'ms-correlationid': '5a3d64d4-4490-4932-bf5e-0dc9a58f27ca', 'x-locale': 'en-US' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, seedBody);
      assert.equal(res.text, JSON.stringify(seedBody), 'property order and bytes match the documentation');
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.headers['ms-requestid'], '5d845377-5b7d-4cd4-98f6-19e5ae3faa81');
      assert.equal(res.headers['ms-correlationid'], '5a3d64d4-4490-4932-bf5e-0dc9a58f27ca');
      assert.match(String(res.headers['ms-cv']), /^[A-Za-z0-9+/]{16}\.0$/);
      assert.match(String(res.headers['ms-serverid']), /^\d{9}$/);
    });

    it('makes request and correlation ids when the caller sends none', async () => {
      const res = await h.request('GET', users());
      assert.match(String(res.headers['ms-requestid']), /^[0-9a-f-]{36}$/);
      assert.match(String(res.headers['ms-correlationid']), /^[0-9a-f-]{36}$/);
    });

    it('creates a user from the .NET SDK body, to the trailing-slash path, and echoes the password once', async () => {
      const res = await h.request('POST', `${users()}/`, { rawBody: sdkCreateBody('probe'), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.userPrincipalName, `probe@${domain}`);
      assert.equal(res.json.displayName, 'Probe User probe');
      assert.equal(res.json.usageLocation, 'US');
      assert.equal(res.json.state, 'active');
      assert.deepEqual(res.json.passwordProfile, { forceChangePassword: true, password: 'Str0ng!Passw0rd' });
      assert.deepEqual(res.json.attributes, { objectType: 'CustomerUser' });
      const got = await h.request('GET', `${users()}/${res.json.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.json.passwordProfile, undefined, 'the password is never returned again');
      assert.equal(got.json.links.self.uri, `/customers/${h.customerId}/users/${res.json.id}`);
      assert.ok(!got.text.includes('Str0ng!Passw0rd'));
    });

    it('generates a temporary password that meets the policy when none is given', async () => {
      const user = await createUser('temp');
      assert.equal(user.passwordProfile.forceChangePassword, true);
      assert.equal(passwordPolicyViolation(user.passwordProfile.password), undefined);
    });

    it('refuses a user principal name already used in the customer, whatever its case', async () => {
      await createUser('dupe');
      const res = await h.request('POST', users(), { body: { userPrincipalName: `DUPE@${domain.toUpperCase()}`, displayName: 'Again' } });
      expectFault(res, 409, 60011);
    });

    it('explains each invalid property with a 400 fault', async () => {
      expectFault(await h.request('POST', users(), { body: { userPrincipalName: 'x@contoso.com', displayName: 'X' } }), 400, 3000);
      expectFault(await h.request('POST', users(), { body: { userPrincipalName: `nodisplay@${domain}` } }), 400, 2000);
      expectFault(await h.request('POST', users(), { body: { userPrincipalName: `bad loc@${domain}`, displayName: 'X' } }), 400, 3000);
      expectFault(await h.request('POST', users(), { body: { userPrincipalName: `loc@${domain}`, displayName: 'X', usageLocation: 'XX' } }), 400, 3000);
      expectFault(await h.request('POST', users(), { body: { displayName: 'No name' } }), 400, 2000);
      const weak = await h.request('POST', users(), { body: { userPrincipalName: `weak@${domain}`, displayName: 'W', passwordProfile: { password: 'weakpassword' } } });
      expectFault(weak, 400, 3000);
      assert.ok(!weak.text.includes('weakpassword'), 'the fault never echoes the password');
      expectFault(await h.request('POST', users(), { body: { userPrincipalName: `type@${domain}`, displayName: 5 } }), 400, 800002);
      expectFault(await h.request('POST', users(), { rawBody: '{"displayName":', headers: { 'content-type': 'application/json' } }), 400, 800002);
      expectFault(await h.request('POST', users(), { rawBody: `{"__proto__":{"admin":true},"userPrincipalName":"p@${domain}","displayName":"P"}`, headers: { 'content-type': 'application/json' } }), 400, 800002);
      expectFault(await h.request('POST', users(), { rawBody: 'displayName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 800002);
      const list = await h.request('GET', `${users()}?size=500`);
      assert.ok(!list.json.items.some((u: any) => /^(nodisplay|loc|weak|type|p)@/.test(u.userPrincipalName)), 'nothing was stored');
    });

    it('updates only the properties sent, treating nulls and read-only properties as unchanged', async () => {
      const user = await createUser('upd', { firstName: 'Up', usageLocation: 'US' });
      const res = await h.request('PATCH', `${users()}/${user.id}`, { body: { UsageLocation: 'de', FirstName: null, DisplayName: 'Updated', Id: 'ignored', State: 'active', UserDomainType: 'none', Links: {}, Attributes: { ObjectType: 'CustomerUser' } } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.usageLocation, 'DE');
      assert.equal(res.json.firstName, 'Up');
      assert.equal(res.json.displayName, 'Updated');
      assert.equal(res.json.id, user.id);
      const sdkNoop = await h.request('PATCH', `${users()}/${user.id}`, { rawBody: sdkRestoreBody, headers: { 'content-type': 'application/json' } });
      assert.equal(sdkNoop.status, 200);
      assert.equal(sdkNoop.json.displayName, 'Updated', "the SDK's state active on an active user changes nothing");
    });

    it('resets a password and returns the new one once', async () => {
      const user = await createUser('reset');
      const res = await h.request('PATCH', `${users()}/${user.id}`, { body: { passwordProfile: { password: 'Renew456*', forceChangePassword: true }, attributes: { objectType: 'CustomerUser' } } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.passwordProfile, { forceChangePassword: true, password: 'Renew456*' });
      const generated = await h.request('PATCH', `${users()}/${user.id}`, { body: { passwordProfile: { forceChangePassword: true } } });
      assert.equal(passwordPolicyViolation(generated.json.passwordProfile.password), undefined);
      expectFault(await h.request('PATCH', `${users()}/${user.id}`, { body: { passwordProfile: { password: 'short' } } }), 400, 3000);
    });

    it('soft-deletes, lists deleted users through the UserState filter, and restores with the SDK body', async () => {
      const user = await createUser('gone');
      const del = await h.request('DELETE', `${users()}/${user.id}`, { headers: { 'content-length': '0' } });
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      const active = await h.request('GET', `${users()}?size=500`);
      assert.ok(!active.json.items.some((u: any) => u.id === user.id), 'hidden from the default list');
      const filter = encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}');
      const deleted = await h.request('GET', `${users()}?size=500&filter=${filter}`);
      const item = deleted.json.items.find((u: any) => u.id === user.id);
      assert.equal(item.state, 'inactive');
      assert.match(item.softDeletionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(deleted.json.links.self.uri, `/customers/${h.customerId}/users?size=500&filter=${filter}`);
      expectFault(await h.request('DELETE', `${users()}/${user.id}`), 404, 60002);
      expectFault(await h.request('PATCH', `${users()}/${user.id}`, { body: { displayName: 'no' } }), 409, 60014);
      const restored = await h.request('PATCH', `${users()}/${user.id}`, { rawBody: sdkRestoreBody, headers: { 'content-type': 'application/json' } });
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.json.state, 'active');
      assert.equal(restored.json.softDeletionTime, undefined);
      assert.equal(restored.json.displayName, 'User gone');
    });

    it('refuses to restore over a reused name, and restores under a new name when asked', async () => {
      const user = await createUser('reused');
      await h.request('DELETE', `${users()}/${user.id}`);
      await createUser('reused');
      expectFault(await h.request('PATCH', `${users()}/${user.id}`, { body: { state: 'active' } }), 409, 60013);
      const renamed = await h.request('PATCH', `${users()}/${user.id}`, { body: { state: 'Active', userPrincipalName: `reused.old@${domain}` } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.json.userPrincipalName, `reused.old@${domain}`);
      assert.equal(renamed.json.state, 'active');
    });

    it('counts active and deleted users beyond one page, and refuses a bad state or a customer not the partner\'s', async () => {
      const before = await h.request('GET', `${users()}/count`);
      assert.equal(before.status, 200, before.text);
      const deletedBefore = (await h.request('GET', `${users()}/count?state=inactive`)).json.count;
      const rows = syntheticUsers(h.customerId, domain, 5000, 130).map((row, i) => ({ row: i < 120 ? toUserRow({ ...row, state: 'inactive', softDeletionTime: new Date().toISOString() }) : row, passwordHash: unusablePasswordHash }));
      await h.store.insertUsers(rows);
      assert.equal((await h.request('GET', `${users()}/count`)).json.count, before.json.count + 10);
      assert.equal((await h.request('GET', `${users()}/count?state=inactive`)).json.count, deletedBefore + 120);
      // A list page says how many it holds, never more than its size: why the count has its own route.
      const page = await h.request('GET', `${users()}?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }))}`);
      assert.equal(page.json.totalCount, 100);
      for (const [path, status] of [[`${users()}/count?state=deleted`, 400], ['/v1/customers/00000000-0000-4000-8000-000000000000/users/count', 403]] as const) {
        const res = await h.request('GET', path);
        assert.equal(res.status, status, res.text);
        assert.equal(res.json.source, 'PartnerFD');
      }
    });

        it('answers 404 / 60002 for unknown and malformed user ids', async () => {
      expectFault(await h.request('GET', `${users()}/00000000-0000-0000-0000-000000000000`), 404, 60002);
      expectFault(await h.request('GET', `${users()}/not-a-guid`), 404, 60002);
      expectFault(await h.request('PATCH', `${users()}/00000000-0000-0000-0000-000000000000`, { body: { displayName: 'x' } }), 404, 60002);
      expectFault(await h.request('DELETE', `${users()}/00000000-0000-0000-0000-000000000000`), 404, 60002);
    });

    it('matches upper-case ids, duplicate slashes and query names in any case', async () => {
      const user = await createUser('cases');
      const upper = await h.request('GET', `/v1/customers/${h.customerId.toUpperCase()}/users/${user.id.toUpperCase()}`);
      assert.equal(upper.status, 200);
      assert.equal(upper.json.id, user.id);
      const doubled = await h.request('GET', `/v1//customers/${h.customerId}/users/${user.id}`);
      assert.equal(doubled.status, 200);
      const sorted = await h.request('GET', `${users()}?SortField=UserPrincipalName&SORTDIRECTION=Descending&Size=3`);
      assert.equal(sorted.status, 200);
      const upns = sorted.json.items.map((u: any) => u.userPrincipalName.toLowerCase());
      assert.deepEqual(upns, [...upns].sort().reverse());
      assert.equal(upns.length, 3);
    });

    it('sends the gateway body for unknown routes', async () => {
      const res = await h.request('GET', '/v1/nothing/here');
      assert.equal(res.status, 404);
      assert.deepEqual(res.json, { statusCode: 404, message: 'Resource not found' });
    });
  });

  describe(`paging users on ${factory.name}`, () => {
    let h: Harness;
    const total = 1_050;
    let customerId: string;

    before(async () => {
      h = await startHarness(factory);
      const created = await h.request('POST', '/v1/customers', { body: { companyProfile: { domain: 'paging' }, billingProfile: { companyName: 'Paging Ltd' } } });
      assert.equal(created.status, 201, created.text);
      customerId = created.json.id;
      await h.store.insertUsers(syntheticUsers(customerId, 'paging.onmicrosoft.com', 0, total - 1).map((row) => ({ row, passwordHash: unusablePasswordHash })));
    });
    after(async () => h.close());

    /** Follows links.next the way the .NET SDK enumerator does: /v1 + uri, with the link's headers. */
    async function walk(firstUrl: string) {
      const seen: any[] = [];
      let res = await h.request('GET', firstUrl);
      let pages = 1;
      for (;;) {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.totalCount, res.json.items.length);
        seen.push(...res.json.items);
        const next = res.json.links.next;
        if (!next) {
          assert.equal(res.json.continuationToken, undefined, 'no token on the last page');
          assert.equal(res.headers.link, undefined, 'no next link in the headers of the last page');
          assert.equal(res.headers['ms-continuationtoken'], undefined);
          break;
        }
        assert.equal(res.json.continuationToken, next.headers[0].value);
        // The same link in the headers, for a client that reads ahead before parsing the body.
        assert.equal(res.headers.link, `</v1${next.uri}>; rel="next"`);
        assert.equal(res.headers['ms-continuationtoken'], res.json.continuationToken);
        assert.equal(next.headers[0].key, 'MS-ContinuationToken');
        assert.ok(!next.uri.startsWith('/v1'), 'links are relative without /v1');
        const headers = Object.fromEntries(next.headers.map((x: any) => [x.key, x.value]));
        res = await h.request('GET', `/v1${next.uri}`, { headers });
        pages++;
      }
      return { seen, pages };
    }

    for (const [sortField, key] of [['DisplayName', 'displayName'], ['UserPrincipalName', 'userPrincipalName']] as const) {
      for (const direction of ['Ascending', 'Descending'] as const) {
        it(`serves every user exactly once sorted by ${sortField} ${direction}`, async () => {
          const { seen, pages } = await walk(`/v1/customers/${customerId}/users?size=100&sortField=${sortField}&sortDirection=${direction}`);
          assert.equal(seen.length, total);
          assert.equal(new Set(seen.map((u) => u.id)).size, total);
          assert.equal(pages, Math.ceil(total / 100));
          const keys = seen.map((u) => `${u[key].toLowerCase()}\u0000${u.id}`);
          const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          assert.deepEqual(keys, direction === 'Ascending' ? sorted : sorted.reverse());
        });
      }
    }

    it('pages with the default size of 100, and size 0 means the default', async () => {
      const first = await h.request('GET', `/v1/customers/${customerId}/users`);
      assert.equal(first.json.items.length, 100);
      const zero = await h.request('GET', `/v1/customers/${customerId}/users?size=0`);
      assert.equal(zero.json.items.length, 100);
      const max = await h.request('GET', `/v1/customers/${customerId}/users?size=500`);
      assert.equal(max.json.items.length, 500);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?size=501`), 400, 800002);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?size=ten`), 400, 800002);
    });

    it('continues with seekOperation=Next and the token header, as the SDK seek query does', async () => {
      const first = await h.request('GET', `/v1/customers/${customerId}/users?size=10`);
      const second = await h.request('GET', `/v1/customers/${customerId}/users?seekOperation=Next`, { headers: { 'MS-ContinuationToken': first.json.continuationToken } });
      assert.equal(second.status, 200);
      assert.equal(second.json.items.length, 10);
      assert.ok(second.json.items[0].displayName.toLowerCase() >= first.json.items[9].displayName.toLowerCase());
      assert.notEqual(second.json.items[0].id, first.json.items[9].id);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?seekOperation=Next`), 400, 800002);
    });

    it('rejects an edited continuation token and one from another customer with a 400 fault', async () => {
      const first = await h.request('GET', `/v1/customers/${customerId}/users?size=10`);
      const token: string = first.json.continuationToken;
      const [payload, mac] = token.split('.');
      const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
      decoded.size = 500;
      const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`;
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?seekOperation=Next`, { headers: { 'MS-ContinuationToken': forged } }), 400, 800002);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?seekOperation=Next`, { headers: { 'MS-ContinuationToken': 'garbage' } }), 400, 800002);
      expectFault(await h.request('GET', `/v1/customers/${h.customerId}/users?seekOperation=Next`, { headers: { 'MS-ContinuationToken': token } }), 400, 800002);
    });

    it('searches by display name prefix and by user principal name substring on the server', async () => {
      const filter = encodeURIComponent(JSON.stringify({ Field: 'DisplayName', Value: 'zoë', Operator: 'starts_with' }));
      const { seen } = await walk(`/v1/customers/${customerId}/users?size=7&filter=${filter}`);
      const expected = syntheticUsers(customerId, 'paging.onmicrosoft.com', 0, total - 1).filter((r) => r.displayNameKey.startsWith('zoë')).length;
      assert.ok(expected > 7, 'the search spans several pages');
      assert.equal(seen.length, expected);
      assert.ok(seen.every((u) => u.displayName.toLowerCase().startsWith('zoë')));
      const sub = encodeURIComponent(JSON.stringify({ Field: 'UserPrincipalName', Value: '.1000@', Operator: 'substring' }));
      const one = await h.request('GET', `/v1/customers/${customerId}/users?filter=${sub}`);
      assert.equal(one.json.items.length, 1);
      assert.match(one.json.items[0].userPrincipalName, /\.1000@paging\.onmicrosoft\.com$/);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?filter=${encodeURIComponent('{"Field":"Mail","Value":"x","Operator":"equals"}')}`), 400, 800002);
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?filter=notjson`), 400, 800002);
      // A NUL character is no name's: bad input, not a store error.
      expectFault(await h.request('GET', `/v1/customers/${customerId}/users?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserPrincipalName', Value: 'a\u0000bc', Operator: 'substring' }))}`), 400, 800002);
    });

    it('combines the deleted-users filter with a search', async () => {
      const page = await h.request('GET', `/v1/customers/${customerId}/users?size=3`);
      const victim = page.json.items[0];
      assert.equal((await h.request('DELETE', `/v1/customers/${customerId}/users/${victim.id}`)).status, 204);
      const filter = encodeURIComponent(JSON.stringify({
        LeftFilter: { Field: 'UserState', Value: 'Inactive', Operator: 'equals' },
        RightFilter: { Field: 'DisplayName', Value: victim.displayName.slice(0, 4), Operator: 'starts_with' },
        Operator: 'and',
      }));
      const res = await h.request('GET', `/v1/customers/${customerId}/users?filter=${filter}`);
      assert.deepEqual(res.json.items.map((u: any) => u.id), [victim.id]);
    });
  });
}
