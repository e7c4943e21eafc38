import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createPartnerOperations, defaultBackoffMs, type FetchLike, PartnerError } from './index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A tiny HTTP server whose answers a test scripts; records every request's headers. */
async function scriptedServer(handler: Handler) {
  const seen: IncomingMessage['headers'][] = [];
  const urls: string[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    urls.push(req.url ?? '');
    const n = seen.length;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      handler(req, res, n);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    urls,
    bodies,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const user = { id: '00000000-0000-4000-8000-000000000001', userPrincipalName: 'a@b.c', displayName: 'A', userDomainType: 'none', state: 'active' };
const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const fault = (code: number, description: string) => ({ code, description, data: [], source: 'PartnerFD' });
const fast = { backoffMs: () => 5 };
const cid = '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04';
const uid = user.id;

describe('the SDK HTTP client', () => {
  const servers: { close(): Promise<void> }[] = [];
  const serve = async (handler: Handler) => {
    const s = await scriptedServer(handler);
    servers.push(s);
    return s;
  };
  after(() => Promise.all(servers.map((s) => s.close())));

  test('the default back-off is 0.5 s, 1.5 s, 3.5 s as in the .NET SDK', () => {
    assert.deepEqual([1, 2, 3].map(defaultBackoffMs), [500, 1500, 3500]);
  });

  test('a server that fails twice with 503 then succeeds sees three requests with one MS-RequestId', async () => {
    const s = await serve((_req, res, n) => (n <= 2 ? sendJson(res, 503, fault(800003, 'busy')) : sendJson(res, 200, user)));
    const partner = createPartnerOperations({ baseUrl: s.url, credentials: { token: 't' }, retry: fast });
    const got = await partner.customers.byId(cid).users.byId(uid).get();
    assert.equal(got.id, uid);
    assert.equal(s.seen.length, 3);
    const ids = new Set(s.seen.map((h) => h['ms-requestid']));
    assert.equal(ids.size, 1);
    assert.match([...ids][0] as string, /^[0-9a-f-]{36}$/);
    assert.equal(new Set(s.seen.map((h) => h['ms-correlationid'])).size, 1);
    assert.equal(s.seen[0].authorization, 'Bearer t');
    assert.equal(s.seen[0]['x-locale'], 'en-US');
    assert.equal(s.urls[0], `/v1/customers/${cid}/users/${uid}`);
  });

  test('a POST retried after a 500 and a dropped connection keeps its MS-RequestId and body', async () => {
    const s = await serve((req, res, n) => {
      if (n === 1) return sendJson(res, 500, fault(800003, 'Unexpected service error'));
      if (n === 2) return req.socket.destroy();
      sendJson(res, 201, user);
    });
    const partner = createPartnerOperations({ baseUrl: s.url, credentials: { token: 't' }, retry: fast });
    await partner.customers.byId(cid).users.create({ userPrincipalName: 'a@b.c', displayName: 'A' });
    assert.equal(s.seen.length, 3);
    assert.equal(new Set(s.seen.map((h) => h['ms-requestid'])).size, 1);
    assert.equal(s.bodies.length, 3);
    assert.equal(new Set(s.bodies).size, 1);
    assert.deepEqual(JSON.parse(s.bodies[0]), { userPrincipalName: 'a@b.c', displayName: 'A', attributes: { objectType: 'CustomerUser' } });
  });

  test('the back-off waits between retries, and stops after three retries with a PartnerError', async () => {
    const s = await serve((_req, res) => sendJson(res, 502, fault(800003, 'bad gateway')));
    const waits: number[] = [];
    const partner = createPartnerOperations({ baseUrl: s.url, retry: { backoffMs: (n) => (waits.push(n), 20 * n) } });
    const started = Date.now();
    await assert.rejects(partner.customers.get(), (e: unknown) => e instanceof PartnerError && e.status === 502 && e.category === 'serverError' && e.code === 800003);
    assert.ok(Date.now() - started >= 20 + 40 + 60 - 5);
    assert.deepEqual(waits, [1, 2, 3]);
    assert.equal(s.seen.length, 4);
  });

  test('400, 401, 403, 404 and 409 are not retried', async () => {
    for (const status of [400, 401, 403, 404, 409]) {
      const s = await serve((_req, res) => sendJson(res, status, fault(1000, 'no')));
      const partner = createPartnerOperations({ baseUrl: s.url, retry: fast });
      await assert.rejects(partner.customers.get(), (e: unknown) => e instanceof PartnerError && e.status === status);
      assert.equal(s.seen.length, 1, `status ${status}`);
    }
  });

  test('a 429 waits for Retry-After, then succeeds with the same MS-RequestId', async () => {
    const times: number[] = [];
    const s = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n === 1) return sendJson(res, 429, { statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 seconds.' }, { 'retry-after': '1' });
      sendJson(res, 200, { totalCount: 0, items: [], attributes: { objectType: 'Collection' } });
    });
    const partner = createPartnerOperations({ baseUrl: s.url, retry: fast });
    const page = await partner.customers.get();
    assert.equal(page.totalCount, 0);
    assert.equal(s.seen.length, 2);
    assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
    assert.equal(s.seen[0]['ms-requestid'], s.seen[1]['ms-requestid']);
  });

  test('a 503 with a Retry-After longer than the back-off waits the Retry-After, then resends with the same MS-RequestId', async () => {
    const times: number[] = [];
    const s = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n === 1) return sendJson(res, 503, fault(800003, 'ServerBusy'), { 'retry-after': '1' });
      sendJson(res, 200, { totalCount: 0, items: [], attributes: { objectType: 'Collection' } });
    });
    const partner = createPartnerOperations({ baseUrl: s.url, retry: fast });
    assert.equal((await partner.customers.get()).totalCount, 0);
    assert.equal(s.seen.length, 2);
    assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
    assert.equal(s.seen[0]['ms-requestid'], s.seen[1]['ms-requestid']);
  });

  test('a 503 asking for a longer wait than allowed is thrown at once with its Retry-After', async () => {
    const s = await serve((_req, res) => sendJson(res, 503, fault(800003, 'ServerBusy'), { 'retry-after': '57' }));
    const partner = createPartnerOperations({ baseUrl: s.url, retry: { ...fast, maxRetryAfterMs: 10_000 } });
    await assert.rejects(partner.customers.get(), (e: unknown) => e instanceof PartnerError && e.status === 503 && e.retryAfterSeconds === 57);
    assert.equal(s.seen.length, 1);
  });

  test('a 429 asking for a longer wait than allowed throws tooManyRequests with the Retry-After', async () => {
    const s = await serve((_req, res) => sendJson(res, 429, { statusCode: 429, message: 'Rate limit is exceeded. Try again in 57 seconds.' }, { 'retry-after': '57' }));
    const partner = createPartnerOperations({ baseUrl: s.url, retry: { maxRetryAfterMs: 10_000 } });
    await assert.rejects(partner.customers.get(), (e: unknown) => {
      assert.ok(e instanceof PartnerError);
      assert.equal(e.category, 'tooManyRequests');
      assert.equal(e.retryAfterSeconds, 57);
      assert.match(e.description, /57 seconds/);
      return true;
    });
    assert.equal(s.seen.length, 1);
  });

  test('aborting stops a call that waits for an answer', async () => {
    const s = await serve(() => {}); // never answers
    const partner = createPartnerOperations({ baseUrl: s.url });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(partner.customers.get({ signal: controller.signal }), (e: unknown) => (e as Error).name === 'AbortError');
    assert.ok(Date.now() - started < 2000);
  });

  test('aborting stops the back-off wait between retries and sends nothing more', async () => {
    const s = await serve((_req, res) => sendJson(res, 503, fault(800003, 'busy')));
    const partner = createPartnerOperations({ baseUrl: s.url, retry: { backoffMs: () => 10_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const started = Date.now();
    await assert.rejects(partner.customers.get({ signal: controller.signal }), /stop/);
    assert.ok(Date.now() - started < 2000);
    assert.equal(s.seen.length, 1);
  });

  test('an already aborted signal sends no request', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, {}));
    const partner = createPartnerOperations({ baseUrl: s.url });
    await assert.rejects(partner.customers.get({ signal: AbortSignal.abort() }), (e: unknown) => (e as Error).name === 'AbortError');
    assert.equal(s.seen.length, 0);
  });

  test('a BOM before the JSON is stripped, on success and on error bodies', async () => {
    const s = await serve((_req, res, n) =>
      n === 1 ? sendJson(res, 200, `\uFEFF${JSON.stringify(user)}`) : sendJson(res, 404, `\uFEFF${JSON.stringify(fault(60002, 'User object Id is not found'))}`),
    );
    const partner = createPartnerOperations({ baseUrl: s.url });
    assert.equal((await partner.customers.byId(cid).users.byId(uid).get()).id, uid);
    await assert.rejects(partner.customers.byId(cid).users.byId(uid).get(), (e: unknown) => e instanceof PartnerError && e.code === 60002);
  });

  test('a success answer that is not JSON is a PartnerError naming the URL, not a SyntaxError', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Sign in</title>');
    });
    const partner = createPartnerOperations({ baseUrl: s.url });
    await assert.rejects(partner.customers.get(), (e: unknown) => {
      assert.ok(e instanceof PartnerError);
      assert.equal(e.category, 'unsupportedDataFormat');
      assert.match(e.description, /Expected JSON from http:\/\/127\.0\.0\.1:\d+\/v1\/customers, got: <!doctype html>/);
      return true;
    });
  });

  test('a fetch that offers the body already parsed is trusted for a success, and text still explains a body that is not JSON', async () => {
    const s = await serve((req, res) => (req.url?.includes('/users') ? sendJson(res, 200, user) : (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>proxy</html>'))));
    let parsedCalls = 0;
    // Parses as a byte-level parser would: a SyntaxError for what is not JSON, the text left readable.
    const fetchParsing: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      const text = await response.text();
      return {
        ok: response.ok,
        status: response.status,
        headers: response.headers,
        text: async () => text,
        jsonBody: async () => {
          parsedCalls++;
          return { ...JSON.parse(text), parsedBy: 'jsonBody' };
        },
      };
    };
    const partner = createPartnerOperations({ baseUrl: s.url, fetch: fetchParsing });
    assert.equal(((await partner.customers.byId(cid).users.byId(uid).get()) as unknown as { parsedBy: string }).parsedBy, 'jsonBody');
    await assert.rejects(partner.customers.get(), (e: unknown) => e instanceof PartnerError && e.category === 'unsupportedDataFormat' && /got: <html>proxy/.test(e.description));
    assert.equal(parsedCalls, 2);
  });

  test('with() sends the pinned correlation id, request id and locale on every call', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, user));
    const partner = createPartnerOperations({ baseUrl: s.url });
    const ctx = partner.with({ correlationId: '11111111-1111-4111-8111-111111111111', requestId: '22222222-2222-4222-8222-222222222222', locale: 'fr-FR' });
    await ctx.customers.byId(cid).users.byId(uid).get();
    await ctx.customers.byId(cid).users.byId(uid).get();
    await partner.customers.byId(cid).users.byId(uid).get();
    assert.deepEqual(s.seen.slice(0, 2).map((h) => [h['ms-correlationid'], h['ms-requestid'], h['x-locale']]), [
      ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', 'fr-FR'],
      ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', 'fr-FR'],
    ]);
    assert.notEqual(s.seen[2]['ms-requestid'], '22222222-2222-4222-8222-222222222222');
    assert.equal(s.seen[2]['ms-correlationid'], partner.correlationId);
  });

  test('paging GETs links.next.uri with /v1 added and the link headers copied, like the .NET enumerator', async () => {
    const s = await serve((req, res) => {
      if (req.url === `/v1/customers/${cid}/users?size=1`) {
        return sendJson(res, 200, {
          continuationToken: 'tok',
          totalCount: 1,
          items: [user],
          links: { next: { uri: `/customers/${cid}/users?size=1&seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: 'tok' }] } },
          attributes: { objectType: 'Collection' },
        });
      }
      sendJson(res, 200, { totalCount: 1, items: [{ ...user, id: 'second' }], attributes: { objectType: 'Collection' } });
    });
    const partner = createPartnerOperations({ baseUrl: s.url });
    const ids: string[] = [];
    for await (const u of partner.customers.byId(cid).users.all({ size: 1 })) ids.push(u.id);
    assert.deepEqual(ids, [uid, 'second']);
    assert.equal(s.urls[1], `/v1/customers/${cid}/users?size=1&seekOperation=Next`);
    assert.equal(s.seen[1]['ms-continuationtoken'], 'tok');
    assert.notEqual(s.seen[0]['ms-requestid'], s.seen[1]['ms-requestid']);
  });

  test('a filter is sent as the JSON Partner Center expects, URL-encoded', async () => {
    const s = await serve((_req, res) => sendJson(res, 200, { totalCount: 0, items: [], attributes: { objectType: 'Collection' } }));
    const partner = createPartnerOperations({ baseUrl: s.url });
    const { filters } = await import('./index.js');
    await partner.customers.byId(cid).users.query({ size: 500, filter: filters.deletedUsers(), sort: { field: 'DisplayName', direction: 'Descending' } });
    assert.equal(
      s.urls[0],
      `/v1/customers/${cid}/users?size=500&filter=%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D&sortField=DisplayName&sortDirection=Descending`,
    );
  });
});

describe('newGuid', () => {
  test('makes version 4 GUIDs, also where crypto.randomUUID is missing (plain-HTTP browser pages)', async () => {
    const { newGuid } = await import('./index.js');
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(newGuid(), v4);
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    const real = globalThis.crypto;
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) }, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 100 }, () => newGuid()));
      assert.equal(ids.size, 100);
      for (const id of ids) assert.match(id, v4);
    } finally {
      Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
