import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newRequestId, startHarness, type Harness } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';

for (const factory of storeFactories) {
  describe(`MS-RequestId idempotency on ${factory.name}`, () => {
    let h: Harness;
    const users = () => `/v1/customers/${h.customerId}/users`;
    const count = async () => (await h.request('GET', `${users()}?size=500`)).json.items.length;

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('replays the stored response to a retry and creates the user once', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `retry@${domain}`, displayName: 'Retry' };
      const before = await count();
      const first = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      const second = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.equal(second.text, first.text, 'same id, same temporary password');
      assert.equal(await count(), before + 1);
    });

    it('creates one user when twenty retries race, and all of them get the same answer', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `race@${domain}`, displayName: 'Race' };
      const before = await count();
      const results = await Promise.all(Array.from({ length: 20 }, () => h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } })));
      assert.ok(results.every((r) => r.status === 201), results.map((r) => r.status).join(','));
      assert.equal(new Set(results.map((r) => r.text)).size, 1);
      assert.equal(await count(), before + 1);
    });

    it('treats the same id with another body as a new request', async () => {
      const requestId = newRequestId();
      const a = await h.request('POST', users(), { body: { userPrincipalName: `first@${domain}`, displayName: 'First' }, headers: { 'ms-requestid': requestId } });
      const b = await h.request('POST', users(), { body: { userPrincipalName: `second@${domain}`, displayName: 'Second' }, headers: { 'ms-requestid': requestId } });
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.notEqual(a.json.id, b.json.id);
    });

    it('replays a business failure too, so a retry sees the same fault', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `faulty@${domain}`, displayName: 'Faulty', usageLocation: 'ZZ' };
      const first = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      const second = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(first.status, 400);
      assert.equal(second.status, 400);
      assert.equal(second.text, first.text);
    });

    it('keeps partners apart: the same request id from another partner is its own request', async () => {
      const requestId = newRequestId();
      const other = await h.token({ partnerId: '7d8e9f00-1111-2222-3333-444455556666' });
      const mine = await h.request('POST', '/v1/customers', { body: { companyProfile: { domain: 'idemmine' }, billingProfile: { companyName: 'Mine' } }, headers: { 'ms-requestid': requestId } });
      const theirs = await h.request('POST', '/v1/customers', { token: other, body: { companyProfile: { domain: 'idemtheirs' }, billingProfile: { companyName: 'Theirs' } }, headers: { 'ms-requestid': requestId } });
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.notEqual(mine.json.id, theirs.json.id);
    });
  });
}
