import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureDemoSignIn } from '../../demo/demo-account.js';
import { PartnerAccountService, signInAttemptsPerWindow } from '../../services/partner-account-service.js';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const otherPartner = '0b6f3b8e-2f64-4c52-9d2a-3f1c8a7e5b42';

for (const factory of storeFactories) {
  describe(`web UI sign-in on ${factory.name}`, () => {
    let h: Harness;
    let accounts: PartnerAccountService;
    const signIn = (userName: string, password: string) => h.request('POST', '/auth/signin', { token: null, body: { userName, password } });

    before(async () => {
      h = await startHarness(factory);
      accounts = new PartnerAccountService(h.store);
    });
    after(async () => h.close());

    it('signs a partner account in to a token the API accepts, with the account roles', async () => {
      await accounts.add({ partnerId: h.partnerId, userName: 'Ada@Partner.example', roles: ['AdminAgent'], password: 'Corr3ct!horse' });
      const res = await signIn('ada@partner.example', 'Corr3ct!horse');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.json.tokenType, 'Bearer');
      assert.equal(res.json.userName, 'Ada@Partner.example');
      assert.equal(res.json.partnerId, h.partnerId);
      assert.deepEqual(res.json.roles, ['AdminAgent']);
      assert.ok(Date.parse(res.json.expiresOn) > Date.now());
      const users = await h.request('GET', `/v1/customers/${h.customerId}/users`, { token: res.json.accessToken });
      assert.equal(users.status, 200);
      assert.equal(users.json.items.length, 2);
    });

    it('gives a helpdesk account a token that may read but not delete users', async () => {
      await accounts.add({ partnerId: h.partnerId, userName: 'help@partner.example', roles: ['HelpdeskAgent'], password: 'Corr3ct!horse' });
      const { json } = await signIn('help@partner.example', 'Corr3ct!horse');
      const token = json.accessToken as string;
      const list = await h.request('GET', `/v1/customers/${h.customerId}/users`, { token });
      assert.equal(list.status, 200);
      const del = await h.request('DELETE', `/v1/customers/${h.customerId}/users/${list.json.items[0].id}`, { token });
      assert.equal(del.status, 403);
    });

    it('refuses a wrong password and an unknown user with the same 401 fault', async () => {
      const wrong = await signIn('ada@partner.example', 'Wr0ng!horse');
      const unknown = await signIn('nobody@partner.example', 'Corr3ct!horse');
      for (const res of [wrong, unknown]) {
        assert.equal(res.status, 401);
        assert.equal(res.json.description, 'The user name or password is incorrect.');
        assert.equal(res.json.source, 'PartnerFD');
      }
      assert.equal(wrong.text, unknown.text);
    });

    it('answers a malformed sign-in body with a 400 fault, not a 500', async () => {
      const res = await h.request('POST', '/auth/signin', { token: null, body: { userName: 'ada@partner.example' } });
      assert.equal(res.status, 400);
      assert.equal(res.json.source, 'PartnerFD');
      const notJson = await h.request('POST', '/auth/signin', { token: null, rawBody: '{', headers: { 'content-type': 'application/json' } });
      assert.equal(notJson.status, 400);
    });

    it('refuses a second account with the same name, in any case and for any partner', async () => {
      await assert.rejects(accounts.add({ partnerId: otherPartner, userName: 'ADA@partner.example' }), (e: any) => e.status === 409);
    });

    it('refuses unknown roles, weak passwords and names with spaces', async () => {
      await assert.rejects(accounts.add({ partnerId: h.partnerId, userName: 'x@partner.example', roles: ['Overlord'] }), (e: any) => e.status === 400);
      await assert.rejects(accounts.add({ partnerId: h.partnerId, userName: 'y@partner.example', password: 'short' }), (e: any) => e.status === 400);
      await assert.rejects(accounts.add({ partnerId: h.partnerId, userName: 'two words' }), (e: any) => e.status === 400);
    });

    it('refuses guessing: after the budget of attempts for a user name even the right password gets a 429', async () => {
      await accounts.add({ partnerId: h.partnerId, userName: 'target@partner.example', password: 'Corr3ct!horse' });
      for (let i = 0; i < signInAttemptsPerWindow; i++) assert.equal((await signIn('target@partner.example', `Wr0ng!guess${i}`)).status, 401);
      const res = await signIn('Target@partner.example', 'Corr3ct!horse');
      assert.equal(res.status, 429);
      assert.match(res.json.description, /Too many sign-in attempts/);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.equal((await signIn('ada@partner.example', 'Corr3ct!horse')).status, 200, 'other user names are not affected');
    });

    it('gives the demo sign-in a fresh password on every demo start', async () => {
      const first = await ensureDemoSignIn(h.store);
      assert.equal((await signIn(first.userName, first.password)).status, 200);
      const second = await ensureDemoSignIn(h.store);
      assert.notEqual(second.password, first.password);
      assert.equal((await signIn(first.userName, first.password)).status, 401);
      const res = await signIn(second.userName, second.password);
      assert.equal(res.status, 200);
      assert.equal(res.json.partnerId, h.partnerId);
    });
  });
}
