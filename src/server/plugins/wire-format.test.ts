import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CustomerUserCreate } from '../../schemas/customer-user.js';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';
import { bindToSchema, parseQuery } from './wire-format.js';

const seedBody = JSON.parse(readFileSync(new URL('../../../test/fixtures/seed-list-users.json', import.meta.url), 'utf8'));

describe('wire-format binding', () => {
  it('binds query parameter names case-insensitively and decodes + as a space', () => {
    const q = parseQuery('SortField=DisplayName&SORTDIRECTION=Descending&size=10&filter=%7B%22Value%22%3A%22a+b%22%7D&other=1');
    assert.equal(q.sortField, 'DisplayName');
    assert.equal(q.sortDirection, 'Descending');
    assert.equal(q.size, '10');
    assert.equal(q.filter, '{"Value":"a b"}');
    assert.equal(q.other, '1');
  });

  it('keeps repeated parameters as a list', () => {
    assert.deepEqual(parseQuery('licenseGroupIds=Group1&LicenseGroupIds=Group2').licenseGroupIds, ['Group1', 'Group2']);
  });

  it('binds PascalCase body properties to the schema names and drops nulls', () => {
    const bound = bindToSchema({ DisplayName: 'A', Id: null, PASSWORDPROFILE: { Password: 'x', ForceChangePassword: null }, Unknown: 1 }, CustomerUserCreate as any);
    assert.deepEqual(bound, { displayName: 'A', passwordProfile: { password: 'x' }, Unknown: 1 });
  });
});

describe('byte-order mark', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(storeFactories[0], { bom: true });
  });
  after(async () => h.close());

  it('serves the documented response byte for byte, Content-Length 1030 included, when --bom is on', async () => {
    const res = await h.request('GET', `/v1/customers/${h.customerId}/users`, { headers: { 'ms-requestid': '5d845377-5b7d-4cd4-98f6-19e5ae3faa81', 'ms-correlationid': '5a3d64d4-4490-4932-bf5e-0dc9a58f27ca' } });
    assert.equal(res.headers['content-length'], '1030');
    assert.equal(res.text, `\uFEFF${JSON.stringify(seedBody)}`);
  });

  it('prefixes faults too, and leaves the empty 204 body empty', async () => {
    const fault = await h.request('GET', `/v1/customers/${h.customerId}/users/00000000-0000-0000-0000-000000000000`);
    assert.equal(fault.text.charCodeAt(0), 0xfeff);
    assert.equal(fault.json.code, 60002);
    const user = await h.request('POST', `/v1/customers/${h.customerId}/users`, { body: { userPrincipalName: 'bom@dtdemocspcustomer005.onmicrosoft.com', displayName: 'Bom' } });
    const del = await h.request('DELETE', `/v1/customers/${h.customerId}/users/${user.json.id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
  });
});

describe('without --bom', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(storeFactories[0]);
  });
  after(async () => h.close());

  it('sends plain JSON, which JSON.parse reads directly', async () => {
    const res = await h.request('GET', `/v1/customers/${h.customerId}/users`);
    assert.notEqual(res.text.charCodeAt(0), 0xfeff);
    assert.deepEqual(JSON.parse(res.text), seedBody);
  });

  it('accepts a request body that starts with a BOM, and an empty DELETE body with a JSON content type', async () => {
    const create = await h.request('POST', `/v1/customers/${h.customerId}/users`, { rawBody: '\uFEFF{"userPrincipalName":"bomin@dtdemocspcustomer005.onmicrosoft.com","displayName":"In"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(create.status, 201, create.text);
    const del = await h.request('DELETE', `/v1/customers/${h.customerId}/users/${create.json.id}`, { rawBody: '', headers: { 'content-type': 'application/json', 'content-length': '0' } });
    assert.equal(del.status, 204);
  });

  it('starts a fresh correlation vector per response when the caller sends none, never repeating one', async () => {
    const seen = new Set<string>();
    // 300 responses cross a refill of the random pool (256 vectors a fill).
    for (let i = 0; i < 300; i++) {
      const cv = String((await h.request('GET', '/healthz', { token: null })).headers['ms-cv']);
      assert.match(cv, /^[A-Za-z0-9+/]{16}\.0$/);
      seen.add(cv);
    }
    assert.equal(seen.size, 300);
  });

  it('continues a correlation vector the caller sent', async () => {
    const res = await h.request('GET', `/v1/customers/${h.customerId}/users`, { headers: { 'ms-cv': 'abc.0' } });
    assert.equal(res.headers['ms-cv'], 'abc.0.1');
  });
});
