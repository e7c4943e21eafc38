/**
 * A keep-alive node:http(s) client in the shape the SDK asks of `fetch`. Long exports use it: per
 * page, the global fetch's web streams, Request/Response objects and abort plumbing cost the CLI
 * more CPU than parsing the page. Redirects and compressed answers, which fetch handles itself,
 * are left to fetch.
 */
import http from 'node:http';
import https from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { FetchLike, FetchLikeResponse } from '@tenantry/sdk';
import { parseJsonBytes } from './json-in-pieces.js';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const redirects = new Set([301, 302, 303, 307, 308]);
const safeMethods = new Set(['GET', 'HEAD']);

/** The body of an answer that came compressed to a request that must not be sent again. */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined) return body;
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  throw new Error(`cannot read an answer with Content-Encoding ${encoding}`);
}

/**
 * Sends one request; the answer resolves with its headers, `text()` reads its whole body as UTF-8
 * and `jsonBody()` parses it.
 *
 * @example
 * const partner = createPartnerOperations({ baseUrl, credentials: { token }, fetch: httpFetch });
 */
export const httpFetch: FetchLike = (url, init) => {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return globalThis.fetch(url, init);
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...init.headers };
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
  return new Promise<FetchLikeResponse>((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, { method: init.method, headers, agent: agents[target.protocol as 'http:' | 'https:'], signal: init.signal }, (response) => {
      const status = response.statusCode ?? 0;
      const encoding = response.headers['content-encoding'];
      // A redirect was not acted on, so fetch can follow it. A compressed answer was, so only a
      // safe method may be asked again (the request says identity, so servers rarely compress).
      const compressed = encoding !== undefined && encoding !== 'identity';
      if ((redirects.has(status) && response.headers.location) || (compressed && safeMethods.has(init.method.toUpperCase()))) {
        response.resume();
        globalThis.fetch(url, init).then(resolve, reject);
        return;
      }
      // Resolved as soon as the headers are in, as fetch does: a reader ahead can act on them
      // (the next page's link) while the body is still arriving.
      const body = new Promise<Buffer>((resolveBody, rejectBody) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', rejectBody);
        response.on('close', () => {
          if (!response.complete) return rejectBody(new Error('the connection closed before the whole answer arrived'));
          try {
            resolveBody(decoded(Buffer.concat(chunks), compressed ? encoding : undefined));
          } catch (e) {
            rejectBody(e);
          }
        });
      });
      // A caller that never reads the body must not leave its failure unhandled.
      body.catch(() => {});
      resolve({
        ok: status >= 200 && status < 300,
        status,
        headers: {
          get(name) {
            const v = response.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          },
        },
        text: () => body.then((bytes) => bytes.toString('utf8')),
        // A page of hundreds of users is parsed from its bytes, never made one large string.
        jsonBody: () => body.then((bytes) => (bytes.length === 0 ? undefined : parseJsonBytes(bytes))),
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
};
