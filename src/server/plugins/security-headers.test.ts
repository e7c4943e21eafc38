import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';
import { pageContentSecurityPolicy } from './security-headers.js';

// Headers and CORS touch no storage: the embedded store is enough.
const sqlite = storeFactories.find((f) => f.name === 'sqlite')!;
const trusted = 'https://admin.example.com';

describe('security headers and CORS', () => {
  let plain: Harness;
  let withCors: Harness;
  before(async () => {
    plain = await startHarness(sqlite);
    withCors = await startHarness(sqlite, { corsOrigins: [trusted], hsts: true });
  });
  after(async () => {
    await plain.close();
    await withCors.close();
  });

  it('serves the web UI and the API reference with a script-tight Content-Security-Policy and framing refused', async () => {
    for (const url of ['/', '/docs']) {
      const res = await plain.request('GET', url, { token: null });
      assert.equal(res.status, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['content-security-policy'], pageContentSecurityPolicy);
      assert.match(pageContentSecurityPolicy, /script-src 'self'(;|$)/, 'no inline or remote scripts');
      assert.match(pageContentSecurityPolicy, /frame-ancestors 'none'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on the plain-HTTP loopback default');
    }
  });

  it('gives API responses, errors included, nosniff and a policy that loads nothing', async () => {
    for (const res of [await plain.request('GET', '/v1/customers'), await plain.request('GET', '/v1/customers', { token: null }), await plain.request('GET', '/v1/nope')]) {
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const res = await plain.request('GET', '/v1/customers', { headers: { origin: trusted } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await plain.app.inject({ method: 'OPTIONS', url: '/v1/customers', headers: { origin: trusted, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it('answers preflights and exposes the throttling and MS-* headers to a configured origin only', async () => {
    const preflight = await withCors.app.inject({ method: 'OPTIONS', url: '/v1/customers', headers: { origin: trusted, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], trusted);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(preflight.headers['access-control-allow-methods']), /PATCH/);
    assert.equal(preflight.headers['access-control-allow-credentials'], undefined, 'bearer tokens only: no cookies cross origins');

    const res = await withCors.request('GET', '/v1/customers', { headers: { origin: trusted } });
    assert.equal(res.headers['access-control-allow-origin'], trusted);
    assert.match(String(res.headers['access-control-expose-headers']), /Retry-After.*X-RateLimit-Remaining/);
    // A browser on another origin can read the next page's link from the headers, and the licences a restore dropped.
    for (const name of ['Link', 'MS-ContinuationToken', 'Tenantry-Unrestored-Licenses']) assert.ok(String(res.headers['access-control-expose-headers']).split(', ').includes(name), name);
    assert.equal(res.headers.vary, 'Origin');
    assert.match(String(res.headers['strict-transport-security']), /^max-age=\d+/, 'HSTS when the operator asks for it');

    const stranger = await withCors.request('GET', '/v1/customers', { headers: { origin: 'https://evil.example' } });
    assert.equal(stranger.headers['access-control-allow-origin'], undefined);
    const strangerPreflight = await withCors.app.inject({ method: 'OPTIONS', url: '/v1/customers', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
    assert.equal(strangerPreflight.headers['access-control-allow-origin'], undefined);
  });
});
