/**
 * How the server serves the built UI: long-lived caching for hashed assets, revalidation for
 * index.html, client-side routes falling back to it, and the gateway 404 kept for /v1 and the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gatewayNotFound } from '../../src/server/plugins/errors.js';
import { startHarness, type Harness } from '../../src/test-support/harness.js';
import { storeFactories } from '../../src/test-support/stores.js';
import { ensureWebBuild, webRoot } from './browser.js';

for (const factory of storeFactories) {
  describe(`web UI files on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      ensureWebBuild();
      h = await startHarness(factory, { webRoot });
    });
    after(async () => h.close());

    it('serves index.html at / with no-cache and a content security policy', async () => {
      const res = await h.request('GET', '/', { token: null });
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
      assert.match(res.text, /<div id="root"><\/div>/);
    });

    it('serves hashed assets with Cache-Control: public, max-age=31536000, immutable', async () => {
      const index = await h.request('GET', '/', { token: null });
      const assets = [...index.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      assert.ok(assets.some((a) => a.endsWith('.js')), `index.html links scripts: ${assets.join(', ')}`);
      for (const asset of assets) {
        assert.match(asset, /-[A-Za-z0-9_-]{8}\.(js|css)$/, `${asset} has a content hash`);
        const res = await h.request('GET', asset, { token: null });
        assert.equal(res.status, 200, asset);
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
        assert.match(String(res.headers['content-type']), asset.endsWith('.js') ? /javascript/ : /text\/css/);
      }
    });

    it('falls back to index.html for the UI routes, so reload and deep links work', async () => {
      for (const path of ['/signin', '/customers', `/customers/${h.customerId}/users?view=deleted&q=a`]) {
        const res = await h.request('GET', path, { token: null });
        assert.equal(res.status, 200, path);
        assert.match(res.text, /<div id="root"><\/div>/, path);
        assert.equal(res.headers['cache-control'], 'no-cache', path);
      }
    });

    it('keeps the gateway 404 body for unknown /v1 routes, unknown paths and missing assets', async () => {
      for (const path of ['/v1/nothing-here', '/v1/customers/x/y/z', '/nothing-here', '/assets/missing-12345678.js']) {
        const res = await h.request('GET', path, { token: null });
        assert.equal(res.status, 404, path);
        assert.equal(res.text, gatewayNotFound, path);
      }
    });

    it('still answers API routes as JSON, not with the UI', async () => {
      const res = await h.request('GET', '/v1/customers');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /application\/json/);
    });
  });
}
