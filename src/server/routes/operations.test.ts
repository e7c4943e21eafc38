import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

describe('operational endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(storeFactories[0]);
  });
  after(async () => h.close());

  it('answers health and readiness without a token', async () => {
    assert.deepEqual((await h.request('GET', '/healthz', { token: null })).json, { status: 'ok' });
    assert.deepEqual((await h.request('GET', '/readyz', { token: null })).json, { status: 'ready' });
  });

  it('exposes Prometheus metrics with request durations by route', async () => {
    await h.request('GET', `/v1/customers/${h.customerId}/users`);
    const res = await h.request('GET', '/metrics', { token: null });
    assert.equal(res.status, 200);
    assert.match(res.text, /tenantry_http_request_duration_seconds_count\{method="GET",route="\/v1\/customers\/:customerId\/users",status="200"\} \d+/);
    assert.match(res.text, /process_cpu_user_seconds_total/);
  });

  it('publishes an OpenAPI 3.1 document built from the validation schemas', async () => {
    const res = await h.request('GET', '/openapi.json', { token: null });
    assert.equal(res.json.openapi, '3.1.0');
    const list = res.json.paths['/v1/customers/{customerId}/users'];
    assert.ok(list.get && list.post);
    assert.ok(res.json.paths['/v1/customers/{customerId}/users/{userId}'].patch);
    const body = list.post.requestBody.content['application/json'].schema;
    assert.ok(body.properties.userPrincipalName && body.properties.passwordProfile);
    // The next-page headers are documented on every seek collection's answer, not only on users.
    for (const path of ['/v1/customers/{customerId}/users', '/v1/customers', '/v1/auditrecords']) {
      const ok = res.json.paths[path].get.responses['200'];
      assert.deepEqual(Object.keys(ok.headers ?? {}).sort(), ['Link', 'MS-ContinuationToken'], path);
      assert.equal(ok.content['application/json'].schema.headers, undefined, `${path}: the headers are not part of the body's schema`);
    }
    assert.equal(res.json.paths['/healthz'], undefined, 'internal endpoints stay out of the API reference');
  });

  it('serves a readable API reference page at /docs', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });

  it('publishes the public signing keys as a JWKS', async () => {
    const res = await h.request('GET', '/.well-known/jwks.json', { token: null });
    assert.equal(res.json.keys[0].kty, 'EC');
    assert.equal(res.json.keys[0].d, undefined, 'no private key material');
  });
});
