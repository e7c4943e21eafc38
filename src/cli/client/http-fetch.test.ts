import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { PartnerClient } from '@tenantry/sdk';
import { httpFetch } from './http-fetch.js';
import { largeJsonBytes } from './json-in-pieces.js';

/** A page of 3,000 users with names JSON must escape: large enough to be parsed in pieces. */
const largePage = JSON.stringify({
  totalCount: 3000,
  items: Array.from({ length: 3000 }, (_, i) => ({ id: String(i), displayName: `Émile "${i}" },{ \\ 日本` })),
  attributes: { objectType: 'Collection' },
});

describe('the CLI keep-alive http client', () => {
  let server: http.Server;
  let base: string;
  const sockets = new Set<unknown>();
  let postHits = 0;
  let releaseSplit!: () => void;
  const finishSplit = new Promise<void>((r) => (releaseSplit = r));

  before(async () => {
    server = http.createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/echo') {
          res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'x-seen-length': String(req.headers['content-length'] ?? '') });
          return res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null, text: 'émile 日本 ✓' }));
        }
        if (req.url === '/large') {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          return res.end(`\uFEFF${largePage}`);
        }
        if (req.url === '/empty') {
          res.writeHead(204);
          return res.end();
        }
        if (req.url === '/moved') {
          res.writeHead(307, { location: '/echo' });
          return res.end();
        }
        if (req.url === '/gzip') {
          res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
          return res.end(gzipSync('{"zipped":true}'));
        }
        if (req.url === '/gzip-post') {
          postHits++;
          res.writeHead(201, { 'content-encoding': 'gzip', 'content-type': 'application/json', 'x-accept-encoding': String(req.headers['accept-encoding']) });
          return res.end(gzipSync('{"created":true}'));
        }
        if (req.url === '/throttled') {
          res.writeHead(429, { 'retry-after': '7' });
          return res.end('{"code":429}');
        }
        if (req.url === '/slow') return setTimeout(() => res.end('{}'), 2000);
        if (req.url === '/split') {
          // The headers and half the body now, the rest when the test says so.
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '13' });
          res.write('{"half":');
          return void finishSplit.then(() => res.end('true}'));
        }
        if (req.url === '/cut') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"cut":');
          return void setTimeout(() => res.destroy(), 20);
        }
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('sends method, headers and body with its length, and reads status, headers and UTF-8 text', async () => {
    const res = await httpFetch(`${base}/echo`, { method: 'POST', headers: { Authorization: 'Bearer t' }, body: '{"name":"é"}' });
    assert.equal(res.status, 201);
    assert.equal(res.ok, true);
    assert.equal(res.headers.get('X-Seen-Length'), '13', 'Content-Length in bytes, not chunked');
    assert.equal(res.headers.get('x-missing'), null);
    assert.deepEqual(JSON.parse(await res.text()), { method: 'POST', body: '{"name":"é"}', auth: 'Bearer t', text: 'émile 日本 ✓' });
  });

  test('parses a large JSON body from its bytes to what JSON.parse of its text gives, and an empty one to undefined', async () => {
    assert.ok(Buffer.byteLength(largePage) > largeJsonBytes);
    const res = await httpFetch(`${base}/large`, { method: 'GET', headers: {} });
    assert.deepEqual(await res.jsonBody!(), JSON.parse(largePage));
    assert.equal((await res.text()).slice(1), largePage, 'the text is still there, byte order mark and all');
    assert.equal(await (await httpFetch(`${base}/empty`, { method: 'GET', headers: {} })).jsonBody!(), undefined);
    const client = new PartnerClient({ baseUrl: base, fetch: httpFetch });
    assert.deepEqual(await client.send({ method: 'GET', path: '/../large' }), JSON.parse(largePage));
  });

  test('keeps one connection for requests in sequence', async () => {
    sockets.clear();
    for (let i = 0; i < 5; i++) await (await httpFetch(`${base}/echo`, { method: 'GET', headers: {} })).text();
    assert.equal(sockets.size, 1);
  });

  test('leaves redirects and compressed answers to fetch, and answers errors as they are', async () => {
    assert.equal(JSON.parse(await (await httpFetch(`${base}/moved`, { method: 'GET', headers: {} })).text()).method, 'GET');
    assert.deepEqual(JSON.parse(await (await httpFetch(`${base}/gzip`, { method: 'GET', headers: {} })).text()), { zipped: true });
    const throttled = await httpFetch(`${base}/throttled`, { method: 'GET', headers: {} });
    assert.equal(throttled.ok, false);
    assert.equal(throttled.headers.get('Retry-After'), '7');
  });

  test('asks for an uncompressed answer, and reads a compressed answer to a POST itself instead of sending the POST again', async () => {
    const res = await httpFetch(`${base}/gzip-post`, { method: 'POST', headers: {}, body: '{}' });
    assert.equal(res.headers.get('x-accept-encoding'), 'identity');
    assert.deepEqual(JSON.parse(await res.text()), { created: true });
    assert.equal(postHits, 1);
  });

  test('answers once the headers are in, and reads the body when asked, as fetch does', { timeout: 5000 }, async () => {
    const res = await httpFetch(`${base}/split`, { method: 'GET', headers: {} });
    assert.equal(res.status, 200, 'resolved while the body is still held by the server');
    let read = false;
    const text = res.text().then((t) => ((read = true), t));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(read, false, 'the body is not complete yet');
    releaseSplit();
    assert.deepEqual(JSON.parse(await text), { half: true });
  });

  test('a body cut off after the headers fails when it is read', async () => {
    const res = await httpFetch(`${base}/cut`, { method: 'GET', headers: {} });
    assert.equal(res.ok, true);
    await assert.rejects(res.text(), /aborted|closed before the whole answer arrived/);
  });

  test('an abort stops the request with the signal’s reason through the SDK', async () => {
    const controller = new AbortController();
    const client = new PartnerClient({ baseUrl: base, fetch: httpFetch, retry: { maxRetries: 0 } });
    setTimeout(() => controller.abort(new Error('enough')), 50);
    const started = Date.now();
    await assert.rejects(client.send({ method: 'GET', path: '/../slow' }, { signal: controller.signal }), /enough/);
    assert.ok(Date.now() - started < 1500);
  });

  test('an unreachable server is a network error after the retries, as with fetch', async () => {
    const client = new PartnerClient({ baseUrl: 'http://127.0.0.1:9', fetch: httpFetch, retry: { maxRetries: 1, backoffMs: () => 1 } });
    await assert.rejects(client.send({ method: 'GET', path: '/customers' }), /No answer from http:\/\/127\.0\.0\.1:9/);
  });
});
