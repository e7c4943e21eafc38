import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

for (const factory of storeFactories) {
  describe(`customers on ${factory.name}`, () => {
    let h: Harness;
    let partnerToken: string;
    const partnerId = '2b7c0d1e-aaaa-4bbb-8ccc-0123456789ab';

    before(async () => {
      h = await startHarness(factory);
      partnerToken = await h.token({ partnerId });
    });
    after(async () => h.close());

    it('lists the demo customer with the list fields Partner Center documents', async () => {
      const res = await h.request('GET', '/v1/customers?size=40');
      assert.equal(res.status, 200);
      assert.equal(res.json.totalCount, 1);
      assert.deepEqual(res.json.items[0], {
        id: h.customerId,
        companyProfile: { tenantId: h.customerId, domain: 'dtdemocspcustomer005.onmicrosoft.com', companyName: 'DT Demo CSP Customer 005', attributes: { objectType: 'CustomerCompanyProfile' } },
        relationshipToPartner: 'reseller',
        attributes: { objectType: 'Customer' },
      });
      assert.equal(res.json.links.self.uri, '/customers?size=40');
    });

    it('creates a customer from a PascalCase body, with its admin user and credentials shown once', async () => {
      const res = await h.request('POST', '/v1/customers', {
        token: partnerToken,
        body: { CompanyProfile: { Domain: 'Fabrikam' }, BillingProfile: { Culture: 'EN-US', Email: 'ops@fabrikam.example', Language: 'en', CompanyName: 'Fabrikam Ltd', FirstName: 'Fay', LastName: 'Brik', DefaultAddress: { Country: 'US', City: 'Redmond' } } },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.companyProfile.domain, 'fabrikam.onmicrosoft.com');
      assert.equal(res.json.companyProfile.companyName, 'Fabrikam Ltd');
      assert.equal(res.json.userCredentials.userName, 'admin');
      assert.ok(res.json.userCredentials.password.length >= 8);
      const users = await h.request('GET', `/v1/customers/${res.json.id}/users`, { token: partnerToken });
      assert.equal(users.json.items.length, 1);
      assert.equal(users.json.items[0].userPrincipalName, 'admin@fabrikam.onmicrosoft.com');
      const got = await h.request('GET', `/v1/customers/${res.json.id}`, { token: partnerToken });
      assert.equal(got.status, 200);
      assert.equal(got.json.userCredentials, undefined, 'credentials are only in the create response');
      assert.equal(got.json.billingProfile.email, 'ops@fabrikam.example');
      const profile = await h.request('GET', `/v1/customers/${res.json.id}/profiles/company`, { token: partnerToken });
      assert.equal(profile.json.links.self.uri, `/customers/${res.json.id}/profiles/company`);
    });

    it('refuses a domain that is taken, with 409, and a customer without a domain or name, with 400', async () => {
      const again = await h.request('POST', '/v1/customers', { token: partnerToken, body: { companyProfile: { domain: 'fabrikam.onmicrosoft.com' }, billingProfile: { companyName: 'Copy' } } });
      assert.equal(again.status, 409);
      assert.equal(again.json.code, 60015);
      assert.equal((await h.request('POST', '/v1/customers', { token: partnerToken, body: { billingProfile: { companyName: 'No domain' } } })).json.code, 2000);
      assert.equal((await h.request('POST', '/v1/customers', { token: partnerToken, body: { companyProfile: { domain: 'noname' } } })).json.code, 2000);
      assert.equal((await h.request('POST', '/v1/customers', { token: partnerToken, body: { companyProfile: { domain: 'bad_domain!' }, billingProfile: { companyName: 'B' } } })).json.code, 3000);
    });

    it('pages through customers and filters them by company name or domain prefix', async () => {
      for (const name of ['Alpha', 'Alphabet', 'Beta', 'Gamma']) {
        const res = await h.request('POST', '/v1/customers', { token: partnerToken, body: { companyProfile: { domain: `${name.toLowerCase()}-co` }, billingProfile: { companyName: `${name} Co` } } });
        assert.equal(res.status, 201, res.text);
      }
      const names: string[] = [];
      let res = await h.request('GET', '/v1/customers?size=2', { token: partnerToken });
      for (;;) {
        names.push(...res.json.items.map((c: any) => c.companyProfile.companyName));
        if (!res.json.links.next) {
          assert.equal(res.headers.link, undefined);
          break;
        }
        assert.equal(res.headers.link, `</v1${res.json.links.next.uri}>; rel="next"`, 'the next link in the headers too');
        assert.equal(res.headers['ms-continuationtoken'], res.json.continuationToken);
        res = await h.request('GET', `/v1${res.json.links.next.uri}`, { token: partnerToken, headers: { 'MS-ContinuationToken': res.json.continuationToken } });
      }
      assert.deepEqual(names, ['Alpha Co', 'Alphabet Co', 'Beta Co', 'Fabrikam Ltd', 'Gamma Co']);
      const byName = await h.request('GET', `/v1/customers?size=0&filter=${encodeURIComponent('{"Field":"CompanyName","Value":"alpha","Operator":"starts_with"}')}`, { token: partnerToken });
      assert.deepEqual(byName.json.items.map((c: any) => c.companyProfile.companyName), ['Alpha Co', 'Alphabet Co']);
      const byDomain = await h.request('GET', `/v1/customers?filter=${encodeURIComponent('{"Field":"Domain","Value":"beta","Operator":"starts_with"}')}`, { token: partnerToken });
      assert.deepEqual(byDomain.json.items.map((c: any) => c.companyProfile.domain), ['beta-co.onmicrosoft.com']);
      assert.equal((await h.request('GET', `/v1/customers?filter=${encodeURIComponent('{"Field":"Domain","Value":"b","Operator":"substring"}')}`, { token: partnerToken })).status, 400);
    });

    it('lets users be created only in one of the customer\'s own domains', async () => {
      const created = await h.request('POST', '/v1/customers', { token: partnerToken, body: { companyProfile: { domain: 'withcustom' }, billingProfile: { companyName: 'With Custom' }, customDomains: ['withcustom.example'] } });
      const users = `/v1/customers/${created.json.id}/users`;
      assert.equal((await h.request('POST', users, { token: partnerToken, body: { userPrincipalName: 'a@withcustom.example', displayName: 'A' } })).status, 201);
      assert.equal((await h.request('POST', users, { token: partnerToken, body: { userPrincipalName: 'b@withcustom.onmicrosoft.com', displayName: 'B' } })).status, 201);
      assert.equal((await h.request('POST', users, { token: partnerToken, body: { userPrincipalName: 'c@fabrikam.onmicrosoft.com', displayName: 'C' } })).json.code, 3000);
    });
  });
}
