/**
 * A keep-alive node:http(s) client in the shape the SDK asks of `fetch`. Long exports use it: per
 * page, the global fetch's web streams, Request/Response objects and abort plumbing cost the CLI
 * more CPU than parsing the page. Redirects and compressed answers, which fetch handles itself,
 * are left to fetch.
 */
import http from 'node:http';
import https from 'node:https';
import type { FetchLike, FetchLikeResponse } from '@tenantry/sdk';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const redirects = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request and reads the whole answer as UTF-8 text.
 *
 * @example
 * const partner = createPartnerOperations({ baseUrl, credentials: { token }, fetch: httpFetch });
 */
export const httpFetch: FetchLike = (url, init) => {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return globalThis.fetch(url, init);
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
  return new Promise<FetchLikeResponse>((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, { method: init.method, headers, agent: agents[target.protocol as 'http:' | 'https:'], signal: init.signal }, (response) => {
      const status = response.statusCode ?? 0;
      const encoding = response.headers['content-encoding'];
      if ((redirects.has(status) && response.headers.location) || (encoding && encoding !== 'identity')) {
        response.resume();
        globalThis.fetch(url, init).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) return reject(new Error('the connection closed before the whole answer arrived'));
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          ok: status >= 200 && status < 300,
          status,
          headers: {
            get(name) {
              const v = response.headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
          },
          text: () => Promise.resolve(text),
        });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
};
