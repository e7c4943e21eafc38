import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { demoDomain } from '../../../src/demo/demo-data.js';
import { type LiveServer, startLiveServer } from '../../../src/test-support/live-server.js';
import { storeFactories } from '../../../src/test-support/stores.js';
import { type Browser, launchBrowser } from '../../../web/e2e/browser.js';

// The compiled SDK, exactly as a bundler or a <script type="module"> would load it.
const distRoot = fileURLToPath(new URL('../dist', import.meta.url));

/** Serves the SDK's build from another origin than the API, so every call is cross-origin. */
async function serveSdk(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sdk</title>');
      return;
    }
    try {
      const body = await readFile(join(distRoot, path));
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the SDK in Chromium', () => {
  let api: LiveServer;
  let sdk: { server: Server; origin: string };
  let browser: Browser;

  before(async () => {
    sdk = await serveSdk();
    api = await startLiveServer(storeFactories[0], { bom: true, corsOrigins: [sdk.origin] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    sdk?.server.close();
  });

  test('lists, pages, creates and reports faults cross-origin, with only fetch and no Node modules', async () => {
    await browser.page.goto(`${sdk.origin}/`);
    const result = await browser.page.evaluate(
      async ({ baseUrl, token, customerId, domain }) => {
        const { createPartnerOperations, filters, PartnerError } = await import('/packages/sdk/src/index.js' as string);
        const partner = createPartnerOperations({ baseUrl, credentials: { token } });
        const users = partner.customers.byId(customerId).users;
        const names: string[] = [];
        for await (const user of users.all({ size: 1 })) names.push(user.displayName);
        const created = await users.create({ userPrincipalName: `browser@${domain}`, displayName: 'Browser User' });
        const found = await users.query({ size: 10, filter: filters.startsWith('DisplayName', 'brow') });
        let fault: unknown;
        try {
          await users.byId('00000000-0000-4000-8000-000000000000').get();
        } catch (e) {
          const err = e as { status: number; code: unknown; category: string };
          fault = e instanceof PartnerError ? { status: err.status, code: err.code, category: err.category } : String(e);
        }
        return { names, created: created.displayName, found: found.items.map((u: { id: string }) => u.id), createdId: created.id, fault };
      },
      { baseUrl: api.url, token: api.adminToken, customerId: api.customerId, domain: demoDomain },
    );
    assert.deepEqual(result.names, ['Daniel Tsai', 'DT Demo CSP Customer 005']);
    assert.equal(result.created, 'Browser User');
    assert.deepEqual(result.found, [result.createdId]);
    assert.deepEqual(result.fault, { status: 404, code: 60002, category: 'notFound' });
  });
});
