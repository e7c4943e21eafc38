/**
 * Property-based hostile input over every route the OpenAPI document lists (so new routes are
 * covered the day they are added), every method, and hostile paths, queries, headers, tokens
 * and bodies. Whatever arrives: never a 5xx, always an ApiFault (or the gateway's 404 body for
 * unknown routes), and a refused request stores nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { demoCustomerId, demoPartnerId } from '../demo/demo-data.js';
import { exceedsJsonDepth } from '../domain/json-depth.js';
import { startHarness, type Harness } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';

const runs = Number(process.env.TENANTRY_FUZZ_RUNS ?? 400);
const demoUserId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const gatewayNotFound = { statusCode: 404, message: 'Resource not found' };

const sqlPayloads = ["' OR '1'='1", "'; DROP TABLE users; --", '" OR 1=1 --', "1; SELECT pg_sleep(5)--", "%' OR 'x' LIKE '%", "\\'; DELETE FROM customers; --"];
const scriptPayloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}', '../../etc/passwd'];
const oddStrings = fc.oneof(
  fc.constantFrom(...sqlPayloads, ...scriptPayloads, '', ' ', '\u0000', 'a\u0000b', '\ud800', '\uffff', '𝕏'.repeat(50), '%00', '%ff', '%E0%A4%A', 'null', 'undefined', 'NaN', '-1', '1e309'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

const pathValue = fc.oneof(
  fc.constantFrom(demoCustomerId, demoCustomerId.toUpperCase(), demoUserId, `{${demoCustomerId}}`, `${demoCustomerId}x`, '00000000-0000-0000-0000-000000000000', 'not-a-guid', '%2F..%2F', '..', '%00', '%ZZ', '%E0%A4%A', '%F0%9F%92%A9'),
  fc.uuid().map(String),
  oddStrings.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')).slice(0, 4000)),
);

const queryValue = fc.oneof(
  oddStrings,
  fc.constantFrom('0', '1', '500', '501', '-5', '1.5', '99999999999999999999', 'Next', 'next', 'Previous', 'Ascending', 'Descending', 'DisplayName', 'UserState', 'Inactive'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ Field: fc.oneof(fc.constantFrom('UserState', 'DisplayName', 'UserPrincipalName', 'CompanyName', 'Domain', '__proto__'), oddStrings), Value: fc.oneof(oddStrings, fc.jsonValue({ maxDepth: 2 })), Operator: fc.oneof(fc.constantFrom('equals', 'starts_with', 'substring', 'and', 'or'), oddStrings) }).map((v) => JSON.stringify(v)),
);
const query = fc.dictionary(fc.oneof(fc.constantFrom('size', 'SIZE', 'filter', 'sortField', 'sortDirection', 'seekOperation', 'licenseGroupIds', 'continuationToken', 'offset', '__proto__', 'constructor'), fc.string({ maxLength: 10 })), queryValue, { maxKeys: 4 });

/** Deep nesting, in objects or arrays, up to far past the limit. */
const deepBody = fc.tuple(fc.integer({ min: 20, max: 100_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));
const prototypeBody = fc.constantFrom(
  '{"__proto__":{"isAdmin":true},"userPrincipalName":"p@dtdemocspcustomer005.onmicrosoft.com","displayName":"P"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"displayName":"x","passwordProfile":{"__proto__":{"password":"x"}}}',
  '[{"__proto__":null}]',
);
const userShapedBody = fc.record(
  {
    userPrincipalName: fc.oneof(oddStrings, fc.constant('ok@dtdemocspcustomer005.onmicrosoft.com'), fc.jsonValue({ maxDepth: 2 })),
    displayName: fc.oneof(oddStrings, fc.jsonValue({ maxDepth: 2 })),
    firstName: oddStrings,
    usageLocation: fc.oneof(oddStrings, fc.constantFrom('US', 'XX', 'us')),
    state: fc.oneof(oddStrings, fc.constantFrom('active', 'inactive', 'Active')),
    passwordProfile: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ password: oddStrings, forceChangePassword: fc.jsonValue({ maxDepth: 1 }) })),
    companyProfile: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ domain: oddStrings, companyName: oddStrings })),
    billingProfile: fc.jsonValue({ maxDepth: 3 }),
    customDomains: fc.oneof(fc.array(oddStrings, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
).map((v) => JSON.stringify(v));

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  userShapedBody,
  deepBody,
  prototypeBody,
  oddStrings,
  fc.integer({ min: 1024 * 1024 - 20, max: 1024 * 1024 + 4096 }).map((n) => `{"displayName":"${'a'.repeat(n)}"}`),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"displayName":"'), Buffer.from([0xc3, 0x28, 0xff, ...bytes]), Buffer.from('"}')])),
);

type TokenKind = 'admin' | 'helpdesk' | 'reader' | 'appOnly' | 'stranger' | 'edited' | 'truncated' | 'garbage' | 'none' | 'basic' | 'huge';
const tokenKind = fc.constantFrom<TokenKind>('admin', 'admin', 'helpdesk', 'reader', 'appOnly', 'stranger', 'edited', 'truncated', 'garbage', 'none', 'basic', 'huge');

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
  route: fc.nat(),
  // Valid ids half the time, so hostile queries and bodies reach the handlers and the database.
  params: fc.oneof(fc.constant([demoCustomerId, demoUserId, demoUserId]), fc.array(pathValue, { minLength: 3, maxLength: 3 })),
  query,
  token: fc.oneof(fc.constant<TokenKind>('admin'), tokenKind),
  editAt: fc.nat(),
  editChar: fc.constantFrom('A', 'B', '_', '-', '0', '.', '='),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/json', 'application/merge-patch+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', undefined),
  requestId: fc.oneof(fc.constant(undefined), fc.uuid().map(String), fc.constant('r'.repeat(129)), oddStrings.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 200))),
  continuation: fc.oneof(fc.constant(undefined), oddStrings.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 5000)), fc.base64String({ maxLength: 200 })),
  body,
});

const isApiFault = (v: any) =>
  v !== null && typeof v === 'object' && typeof v.code === 'number' && typeof v.description === 'string' && Array.isArray(v.data) && v.source === 'PartnerFD';

for (const factory of storeFactories) {
  describe(`hostile input on ${factory.name}`, () => {
    let h: Harness;
    let routes: { template: string; methods: string[] }[];
    const tokens = new Map<TokenKind, string | undefined>();

    /** What a refused request must leave untouched: the partner's customers and the demo customer's users. */
    const snapshot = async () => {
      const parts = await Promise.all([
        h.request('GET', '/v1/customers?size=500'),
        h.request('GET', `/v1/customers/${demoCustomerId}/users?size=500`),
        h.request('GET', `/v1/customers/${demoCustomerId}/users?size=500&filter=${encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}')}`),
      ]);
      return parts.map((p) => p.text).join('\n');
    };

    before(async () => {
      h = await startHarness(factory);
      const doc = (await h.request('GET', '/openapi.json', { token: null })).json;
      routes = Object.entries(doc.paths as Record<string, object>)
        .filter(([path]) => path.startsWith('/v1/'))
        .map(([template, ops]) => ({ template, methods: Object.keys(ops).map((m) => m.toUpperCase()) }));
      routes.push({ template: '/v1/nothing/{a}', methods: [] }, { template: '/v1/customers/{customerId}/users/{userId}/{x}', methods: [] }, { template: '/v1', methods: [] });
      assert.ok(routes.length >= 8, 'the OpenAPI document lists the /v1 routes');
      const admin = await h.token();
      tokens.set('admin', admin);
      tokens.set('helpdesk', await h.token({ roles: ['HelpdeskAgent'] }));
      tokens.set('reader', await h.token({ roles: ['GlobalReader'] }));
      tokens.set('appOnly', await h.token({ appOnly: true }));
      tokens.set('stranger', await h.token({ partnerId: randomUUID() }));
      tokens.set('truncated', admin.slice(0, -10));
      tokens.set('garbage', 'eyJhbGciOiJFUzI1NiJ9.garbage.garbage');
      tokens.set('none', undefined);
      tokens.set('huge', 'e'.repeat(9000));
    });
    after(async () => h.close());

    it('measures JSON depth without parsing, ignoring brackets in strings', () => {
      assert.equal(exceedsJsonDepth('{"a":[1,{"b":2}]}', 3), false);
      assert.equal(exceedsJsonDepth('{"a":[1,{"b":2}]}', 2), true);
      assert.equal(exceedsJsonDepth('{"a":"[[[[[[[[\\"[[[["}', 1), false);
      assert.equal(exceedsJsonDepth('['.repeat(1_000_000), 32), true);
    });

    it('refuses deep nesting, NUL characters, prototype keys and oversized bodies with 400 ApiFaults', async () => {
      const url = `/v1/customers/${demoCustomerId}/users`;
      const cases: [string, RegExp][] = [
        ['{"displayName":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}', /deeper than 32/],
        ['{"userPrincipalName":"n@dtdemocspcustomer005.onmicrosoft.com","displayName":"a\\u0000b"}', /NUL/],
        ['{"__proto__":{"x":1},"displayName":"P"}', /forbidden property/],
        [`{"displayName":"${'a'.repeat(1024 * 1024 + 1)}"}`, /too large/],
      ];
      const nulFilter = encodeURIComponent(JSON.stringify({ Field: 'DisplayName', Value: 'a\u0000', Operator: 'starts_with' }));
      for (const path of [`${url}?filter=${nulFilter}`, `/v1/customers?filter=${nulFilter.replace('DisplayName', 'CompanyName')}`, `${url}?sortField=%00`]) {
        const res = await h.request('GET', path);
        assert.equal(res.status, 400, res.text);
        assert.match(res.json.description, /NUL/);
      }
      for (const [payload, description] of cases) {
        const res = await h.request('POST', url, { rawBody: payload, headers: { 'content-type': 'application/json' } });
        assert.equal(res.status, 400, res.text.slice(0, 200));
        assert.ok(isApiFault(res.json));
        assert.match(res.json.description, description);
      }
    });

    it('answers every hostile request with an ApiFault or a success, never a 5xx, and stores nothing when it refuses', async () => {
      let state = await snapshot();
      let refused = 0;
      let succeeded = 0;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const route = routes[r.route % routes.length];
          let i = 0;
          const path = route.template.replace(/\{[^}]+\}/g, () => r.params[i++]);
          const qs = new URLSearchParams(r.query as Record<string, string>).toString();
          const headers: Record<string, string> = {};
          let token = tokens.get(r.token);
          if (r.token === 'edited') {
            const admin = tokens.get('admin')!;
            const at = r.editAt % admin.length;
            token = admin.slice(0, at) + (admin[at] === r.editChar ? 'Z' : r.editChar) + admin.slice(at + 1);
          }
          if (r.token === 'basic') headers.authorization = 'Basic dXNlcjpwYXNz';
          else if (token) headers.authorization = `Bearer ${token}`;
          if (r.contentType && r.body !== undefined) headers['content-type'] = r.contentType;
          if (r.requestId) headers['ms-requestid'] = r.requestId;
          if (r.continuation) headers['ms-continuationtoken'] = r.continuation;
          const res = await h.app.inject({ method: r.method as 'GET', url: qs ? `${path}?${qs}` : path, headers, payload: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body });
          const where = `${r.method} ${path.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          assert.ok(res.statusCode < 500, where);
          if (r.method === 'HEAD') return;
          const text = res.body.replace(/^\uFEFF/, '');
          if (res.statusCode >= 400) {
            refused++;
            const json = JSON.parse(text);
            if (res.statusCode === 404 && json.statusCode === 404) assert.deepEqual(json, gatewayNotFound, where);
            else assert.ok(isApiFault(json), where);
            assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', where);
            const now = await snapshot();
            assert.equal(now, state, `a refused request changed stored data: ${where}`);
          } else {
            succeeded++;
            if (text) JSON.parse(text);
            state = await snapshot();
          }
        }),
        { numRuns: runs, endOnFailure: true },
      );
      if (process.env.TENANTRY_FUZZ_VERBOSE) console.log({ refused, succeeded });
      assert.ok(refused > runs / 2, `most hostile requests are refused (${refused} refused, ${succeeded} served)`);
    });
  });
}
