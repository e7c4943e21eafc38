import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const otherPartnerId = '0c39d6d5-c70d-4c55-bc02-f620844f3fd1';
const domain = 'dtdemocspcustomer005.onmicrosoft.com';

for (const factory of storeFactories) {
  describe(`authentication, roles and partner isolation on ${factory.name}`, () => {
    let h: Harness;
    let foreignCustomerId: string;
    const users = () => `/v1/customers/${h.customerId}/users`;

    before(async () => {
      h = await startHarness(factory);
      const other = await h.token({ partnerId: otherPartnerId });
      const created = await h.request('POST', '/v1/customers', { token: other, body: { companyProfile: { domain: 'otherpartnercustomer' }, billingProfile: { companyName: 'Other Partner Customer' } } });
      assert.equal(created.status, 201, created.text);
      foreignCustomerId = created.json.id;
    });
    after(async () => h.close());

    it('refuses a request without a token with 401 / 800001', async () => {
      const res = await h.request('GET', users(), { token: null });
      assert.equal(res.status, 401);
      assert.equal(res.json.code, 800001);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });

    it('refuses malformed, foreign-signed and expired tokens with 401', async () => {
      for (const token of ['garbage', 'a.b.c']) {
        const res = await h.request('GET', users(), { token });
        assert.equal(res.status, 401);
        assert.equal(res.json.code, 400);
      }
      const basic = await h.request('GET', users(), { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      assert.equal(basic.status, 401);
      const expired = await h.token({ expiresIn: -10 });
      const res = await h.request('GET', users(), { token: expired });
      assert.equal(res.status, 401);
      assert.match(res.json.data[0], /expired/);
      const [header, payload, signature] = (await h.token()).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.tid = otherPartnerId;
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      assert.equal((await h.request('GET', users(), { token: forged })).status, 401, 'an edited token fails its signature');
    });

    it("never shows a partner another partner's customer, and answers the same whether it exists or not", async () => {
      const foreign = await h.request('GET', `/v1/customers/${foreignCustomerId}/users`);
      const missing = await h.request('GET', '/v1/customers/11111111-2222-3333-4444-555555555555/users');
      assert.equal(foreign.status, 403);
      assert.equal(foreign.json.code, 20002);
      assert.equal(missing.status, 403);
      assert.equal(missing.json.code, 20002);
      assert.ok(!foreign.text.includes('Other Partner Customer'));
      const list = await h.request('GET', '/v1/customers');
      assert.ok(!list.json.items.some((c: any) => c.id === foreignCustomerId));
      const create = await h.request('POST', `/v1/customers/${foreignCustomerId}/users`, { body: { userPrincipalName: 'x@otherpartnercustomer.onmicrosoft.com', displayName: 'X' } });
      assert.equal(create.status, 403);
      const other = await h.token({ partnerId: otherPartnerId });
      const theirs = await h.request('GET', `/v1/customers/${foreignCustomerId}/users`, { token: other });
      assert.equal(theirs.json.items.length, 1, 'only their own admin user, nothing was created by the other partner');
    });

    it('answers 400 / 900118 for a customer id that is not a GUID', async () => {
      const res = await h.request('GET', '/v1/customers/not-a-guid/users');
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 900118);
    });

    it('refuses app-only tokens on user routes with 403, as Partner Center does', async () => {
      const app = await h.token({ appOnly: true });
      const res = await h.request('GET', users(), { token: app });
      assert.equal(res.status, 403);
      assert.match(res.json.description, /application credentials/);
      assert.equal((await h.request('GET', '/v1/customers', { token: app })).status, 200, 'customer routes accept app-only tokens');
    });

    it('lets a helpdesk agent read users and reset passwords but not create, edit or delete', async () => {
      const helpdesk = await h.token({ roles: ['HelpdeskAgent'] });
      assert.equal((await h.request('GET', users(), { token: helpdesk })).status, 200);
      const denied = await h.request('POST', users(), { token: helpdesk, body: { userPrincipalName: `hd@${domain}`, displayName: 'HD' } });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.code, 900150);
      const target = (await h.request('POST', users(), { body: { userPrincipalName: `hdtarget@${domain}`, displayName: 'Target' } })).json;
      const reset = await h.request('PATCH', `${users()}/${target.id}`, { token: helpdesk, body: { PasswordProfile: { Password: 'Renew456*', ForceChangePassword: true }, State: 'active', UserDomainType: 'none' } });
      assert.equal(reset.status, 200, reset.text);
      assert.equal((await h.request('PATCH', `${users()}/${target.id}`, { token: helpdesk, body: { displayName: 'Renamed' } })).json.code, 900150);
      assert.equal((await h.request('DELETE', `${users()}/${target.id}`, { token: helpdesk })).json.code, 900150);
    });

    it('lets a sales agent read customers but not users', async () => {
      const sales = await h.token({ roles: ['SalesAgent'] });
      assert.equal((await h.request('GET', '/v1/customers', { token: sales })).status, 200);
      assert.equal((await h.request('GET', users(), { token: sales })).json.code, 900150);
      assert.equal((await h.request('POST', '/v1/customers', { token: sales, body: { companyProfile: { domain: 'salesmade' }, billingProfile: { companyName: 'S' } } })).json.code, 900150);
    });

    it('maps GDAP role names: a User Administrator creates and deletes, a Directory Reader only reads', async () => {
      const admin = await h.token({ roles: ['User Administrator'] });
      const created = await h.request('POST', users(), { token: admin, body: { userPrincipalName: `gdap@${domain}`, displayName: 'GDAP' } });
      assert.equal(created.status, 201);
      assert.equal((await h.request('DELETE', `${users()}/${created.json.id}`, { token: admin })).status, 204);
      const reader = await h.token({ roles: ['Directory Readers'] });
      assert.equal((await h.request('GET', users(), { token: reader })).status, 200);
      assert.equal((await h.request('POST', users(), { token: reader, body: { userPrincipalName: `gdap2@${domain}`, displayName: 'G' } })).status, 403);
      const none = await h.token({ roles: ['NotARole'] });
      assert.equal((await h.request('GET', users(), { token: none })).status, 403);
    });
  });
}
