import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directoryRoleTemplates } from '../../domain/directory-roles.js';
import { newRequestId, startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const danielId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const demoDomain = 'dtdemocspcustomer005.onmicrosoft.com';
const helpdeskAdministrator = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const userAccountAdministrator = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const serviceSupportAdministrator = 'f023fd81-a637-4b56-95fd-791ac0226033';

const expectFault = (res: { status: number; json: any }, status: number, code: number) => {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.code, code, JSON.stringify(res.json));
  assert.equal(res.json.source, 'PartnerFD');
};

for (const factory of storeFactories) {
  describe(`directory roles on ${factory.name}`, () => {
    let h: Harness;
    const roles = () => `/v1/customers/${h.customerId}/directoryroles`;
    const members = (roleId: string) => `${roles()}/${roleId}/usermembers`;
    const addMember = (roleId: string, userId: string, headers: Record<string, string> = {}, token?: string) =>
      h.request('POST', members(roleId), { body: { Id: userId, DisplayName: null, UserPrincipalName: null, Attributes: { ObjectType: 'UserMember' } }, headers, token });
    const createUser = async (alias: string) => {
      const res = await h.request('POST', `/v1/customers/${h.customerId}/users`, { body: { userPrincipalName: `${alias}@${demoDomain}`, displayName: `Role ${alias}` } });
      assert.equal(res.status, 201, res.text);
      return res.json.id as string;
    };

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it("lists the customer's roles: Entra's well-known templates by name", async () => {
      const res = await h.request('GET', roles());
      assert.equal(res.status, 200);
      assert.equal(res.json.totalCount, directoryRoleTemplates.length);
      const names = res.json.items.map((r: any) => r.name);
      assert.deepEqual(names, [...names].sort((a: string, b: string) => a.localeCompare(b, 'en')));
      assert.deepEqual(res.json.items.find((r: any) => r.id === helpdeskAdministrator), { name: 'Helpdesk Administrator', id: helpdeskAdministrator, attributes: { objectType: 'DirectoryRole' } });
      assert.ok(res.json.items.some((r: any) => r.id === serviceSupportAdministrator));
      assert.deepEqual(res.json.attributes, { objectType: 'Collection' });
    });

    it('adds a member from the documented request body and answers 201 with the documented UserMember', async () => {
      const res = await h.request('POST', members(serviceSupportAdministrator), {
        rawBody: `{"Id":"${danielId}","DisplayName":"Daniel Tsai","UserPrincipalName":"Daniel@${demoDomain}","Attributes":{"ObjectType":"UserMember"}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(
        res.text,
        `{"displayName":"Daniel Tsai","userPrincipalName":"Daniel@${demoDomain}","roleId":"${serviceSupportAdministrator}","id":"${danielId}","attributes":{"objectType":"UserMember"}}`,
      );
      expectFault(await addMember(serviceSupportAdministrator, danielId), 409, 60107);
      assert.equal((await h.request('DELETE', `${members(serviceSupportAdministrator)}/${danielId}`)).status, 204);
    });

    it("returns a user's roles exactly as Partner Center's example shows them", async () => {
      assert.equal((await addMember(userAccountAdministrator, danielId)).status, 201);
      assert.equal((await addMember(helpdeskAdministrator, danielId)).status, 201);
      const res = await h.request('GET', `/v1/customers/${h.customerId}/users/${danielId}/directoryroles`);
      assert.equal(res.status, 200);
      assert.equal(
        res.text,
        JSON.stringify({
          totalCount: 2,
          items: [
            { name: 'Helpdesk Administrator', id: helpdeskAdministrator, attributes: { objectType: 'DirectoryRole' } },
            { name: 'User Account Administrator', id: userAccountAdministrator, attributes: { objectType: 'DirectoryRole' } },
          ],
          attributes: { objectType: 'Collection' },
        }),
      );
    });

    it('replays an add sent again with the same MS-RequestId instead of refusing it', async () => {
      const user = await createUser('replayed');
      const requestId = newRequestId();
      const first = await addMember(helpdeskAdministrator, user, { 'ms-requestid': requestId });
      const retry = await addMember(helpdeskAdministrator, user, { 'ms-requestid': requestId });
      assert.equal(first.status, 201);
      assert.equal(retry.status, 201);
      assert.equal(retry.text, first.text);
      expectFault(await addMember(helpdeskAdministrator, user), 409, 60107);
    });

    it('pages through a role\'s members with links.next, each member once, in id order', async () => {
      const role = '4d6ac14f-3453-41d0-bef9-a3e0c569773a';
      const ids: string[] = [];
      for (let i = 0; i < 23; i++) {
        const id = await createUser(`member${i}`);
        ids.push(id);
        assert.equal((await addMember(role, id)).status, 201);
      }
      const seen: any[] = [];
      let res = await h.request('GET', `${members(role)}?size=10`);
      let pages = 1;
      for (;;) {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.totalCount, res.json.items.length);
        seen.push(...res.json.items);
        const next = res.json.links.next;
        if (!next) break;
        assert.equal(res.json.continuationToken, next.headers[0].value);
        assert.ok(next.uri.startsWith(`/customers/${h.customerId}/directoryroles/${role}/usermembers?seekOperation=Next`));
        assert.equal(res.headers.link, `</v1${next.uri}>; rel="next"`);
        assert.equal(res.headers['ms-continuationtoken'], res.json.continuationToken);
        res = await h.request('GET', `/v1${next.uri}`, { headers: Object.fromEntries(next.headers.map((x: any) => [x.key, x.value])) });
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen.map((m) => m.id), [...ids].sort());
      assert.ok(seen.every((m) => m.roleId === role && m.attributes.objectType === 'UserMember' && m.displayName.startsWith('Role member')));
      const first = await h.request('GET', `${members(role)}?size=10`);
      const viaSeek = await h.request('GET', `${members(role)}?seekOperation=Next`, { headers: { 'MS-ContinuationToken': first.json.continuationToken } });
      assert.equal(viaSeek.json.items[0].id, seen[10].id);
      expectFault(await h.request('GET', `${members(role)}?seekOperation=Next`), 400, 800002);
      expectFault(await h.request('GET', `${members(helpdeskAdministrator)}?seekOperation=Next`, { headers: { 'MS-ContinuationToken': first.json.continuationToken } }), 400, 800002);
      expectFault(await h.request('GET', `${members(role)}?size=501`), 400, 800002);
    });

    it('hides deleted users from members, refuses to add them, and shows them again once restored', async () => {
      const role = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
      const user = await createUser('deleted');
      await addMember(role, user);
      await h.request('DELETE', `/v1/customers/${h.customerId}/users/${user}`);
      assert.deepEqual((await h.request('GET', members(role))).json.items, []);
      expectFault(await addMember(helpdeskAdministrator, user), 409, 60014);
      await h.request('PATCH', `/v1/customers/${h.customerId}/users/${user}`, { body: { state: 'active' } });
      assert.deepEqual((await h.request('GET', members(role))).json.items.map((m: any) => m.id), [user]);
    });

    it('removes a member with 204, then answers 404 faults for what is not there', async () => {
      const user = await createUser('removed');
      await addMember(userAccountAdministrator, user);
      const res = await h.request('DELETE', `${members(userAccountAdministrator)}/${user.toUpperCase()}`, { headers: { 'content-length': '0' } });
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assert.ok(!(await h.request('GET', members(userAccountAdministrator))).json.items.some((m: any) => m.id === user));
      expectFault(await h.request('DELETE', `${members(userAccountAdministrator)}/${user}`), 404, 60108);
      expectFault(await h.request('DELETE', `${members(userAccountAdministrator)}/00000000-0000-0000-0000-000000000000`), 404, 60002);
      expectFault(await h.request('DELETE', `${members('00000000-0000-0000-0000-000000000000')}/${user}`), 404, 60106);
      expectFault(await h.request('GET', members('not-a-role')), 404, 60106);
      expectFault(await addMember(helpdeskAdministrator, '00000000-0000-0000-0000-000000000000'), 404, 60002);
      expectFault(await h.request('POST', members(helpdeskAdministrator), { body: { displayName: 'No id' } }), 400, 2000);
      expectFault(await h.request('GET', `/v1/customers/${h.customerId}/users/00000000-0000-0000-0000-000000000000/directoryroles`), 404, 60002);
    });

    it('enforces the roles: readers list, only privileged role administrators change membership', async () => {
      const user = await createUser('guarded');
      const as = (roles: string[]) => h.token({ roles });
      expectFault(await addMember(helpdeskAdministrator, user, {}, await as(['HelpdeskAgent'])), 403, 900150);
      expectFault(await addMember(helpdeskAdministrator, user, {}, await as(['UserAdministrator'])), 403, 900150);
      assert.equal((await addMember(helpdeskAdministrator, user, {}, await as(['Privileged Role Administrator']))).status, 201);
      assert.equal((await h.request('GET', members(helpdeskAdministrator), { token: await as(['Directory Readers']) })).status, 200);
      assert.equal((await h.request('GET', roles(), { token: await as(['GlobalReader']) })).status, 200);
      assert.equal((await h.request('GET', `/v1/customers/${h.customerId}/users/${user}/directoryroles`, { token: await as(['UserAdministrator']) })).status, 200);
      expectFault(await h.request('GET', roles(), { token: await as(['SalesAgent']) }), 403, 900150);
      expectFault(await h.request('DELETE', `${members(helpdeskAdministrator)}/${user}`, { token: await as(['LicenseAdministrator']) }), 403, 900150);
      expectFault(await h.request('GET', roles(), { token: await h.token({ appOnly: true }) }), 403, 600006);
      assert.equal((await h.request('DELETE', `${members(helpdeskAdministrator)}/${user}`, { token: await as(['PrivilegedRoleAdministrator']) })).status, 204);
    });
  });
}
