/**
 * Property-based hostile input over every route the OpenAPI document lists (so new routes are
 * covered the day they are added), every method, and hostile paths, queries, headers, tokens
 * and bodies. Whatever arrives: never a 5xx, always an ApiFault (or the gateway's 404 body for
 * unknown routes), and a refused request stores nothing. Besides the random requests, a sweep
 * puts each prototype member name and JavaScript-special string into each path segment, query
 * value, header and body field (values, not only names) of each operation the document lists,
 * one input at a time with the others valid, so every one reaches as deep as it can.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pLimit from 'p-limit';
import { demoCustomerId, demoPartnerId } from '../demo/demo-data.js';
import { exceedsJsonDepth } from '../domain/json-depth.js';
import { startHarness, type Harness } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';

const runs = Number(process.env.TENANTRY_FUZZ_RUNS ?? 400);
const demoUserId = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const gatewayNotFound = { statusCode: 404, message: 'Resource not found' };

/** Names every plain object answers to through Object.prototype, and other strings JavaScript treats specially. */
const prototypeNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__lookupGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'prototype'];
const jsSpecialStrings = [
  ...prototypeNames,
  'NaN', 'Infinity', '-Infinity', '-0', '1e400', '-1e400', '0x10', '9007199254740993', 'null', 'undefined', 'true', 'false', '[object Object]', '{}', '[]',
  '', ' ', '\ud800', '\udfff', 'a\ud800b', '%00', '%2500', '..', '../..', '%2e%2e', 'x'.repeat(10_000), '𝕏'.repeat(5_000),
];
/** JSON literals a body field can hold instead of a string: numbers JavaScript cannot keep, -0, null, booleans, empty containers. */
const jsonLiterals = ['1e400', '-1e400', '-0', '1e-400', 'null', 'true', 'false', '[]', '{}', '9007199254740993'];

const loneSurrogate = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/**
 * Percent-encodes text as a hostile client can send it: well-formed text as UTF-8, a lone
 * surrogate as the (invalid) UTF-8 bytes of its code unit, which encodeURIComponent refuses.
 */
function encodeRaw(text: string): string {
  let out = '';
  for (const part of text.split(loneSurrogate)) {
    if (part.length === 1 && loneSurrogate.test(part)) {
      const c = part.charCodeAt(0);
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(part);
  }
  return out;
}

/** A header value as its bytes go on the wire (UTF-8 read as Latin-1), without the control characters HTTP forbids. */
const headerBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1').replace(/[\x00-\x1f\x7f]/g, '');

/** Request headers the server reads, besides the operations' own header parameters. */
const readHeaders = ['ms-requestid', 'ms-correlationid', 'ms-cv', 'ms-continuationtoken', 'ms-contract-version', 'x-locale', 'accept', 'accept-encoding', 'accept-language', 'content-type', 'authorization', 'if-match', 'origin', 'x-forwarded-for', 'x-requested-with'];

const sqlPayloads = ["' OR '1'='1", "'; DROP TABLE users; --", '" OR 1=1 --', "1; SELECT pg_sleep(5)--", "%' OR 'x' LIKE '%", "\\'; DELETE FROM customers; --"];
const scriptPayloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}', '../../etc/passwd'];
const oddStrings = fc.oneof(
  fc.constantFrom(...sqlPayloads, ...scriptPayloads, '', ' ', '\u0000', 'a\u0000b', '\ud800', '\uffff', '𝕏'.repeat(50), '%00', '%ff', '%E0%A4%A', '-1', '1e309', ...jsSpecialStrings),
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
  fc.record({ Field: fc.oneof(fc.constantFrom('UserState', 'DisplayName', 'UserPrincipalName', 'CompanyName', 'Domain', 'CustomerId', 'ResourceType', ...prototypeNames), oddStrings), Value: fc.oneof(oddStrings, fc.jsonValue({ maxDepth: 2 })), Operator: fc.oneof(fc.constantFrom('equals', 'starts_with', 'substring', 'and', 'or'), oddStrings) }).map((v) => JSON.stringify(v)),
);
const query = fc.dictionary(fc.oneof(fc.constantFrom('size', 'SIZE', 'filter', 'sortField', 'sortDirection', 'seekOperation', 'licenseGroupIds', 'continuationToken', 'offset', 'startDate', 'endDate', ...prototypeNames), fc.string({ maxLength: 10 })), queryValue, { maxKeys: 4 });

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
  header: fc.option(fc.tuple(fc.constantFrom(...readHeaders), oddStrings)),
  continuation: fc.oneof(fc.constant(undefined), oddStrings.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 5000)), fc.base64String({ maxLength: 200 })),
  body,
});

const isApiFault = (v: any) =>
  v !== null && typeof v === 'object' && typeof v.code === 'number' && typeof v.description === 'string' && Array.isArray(v.data) && v.source === 'PartnerFD';


/** One operation of the OpenAPI document and every input it takes. */
interface Operation {
  method: string;
  template: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  /** Property paths into the JSON body with a type, nested objects and array items (index 0) included. */
  bodyFields: (string | number)[][];
  /** Paths of properties the schema leaves open (read-only ones the server ignores, such as `links`). */
  openFields: (string | number)[][];
}

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema };
type FieldPath = { path: (string | number)[]; open: boolean };

/** Every property path of a body schema, parents before children; `open` when the schema says nothing of its type. */
function fieldPaths(schema: Schema | undefined, prefix: (string | number)[] = []): FieldPath[] {
  if (!schema || prefix.length > 6) return [];
  const at = (path: (string | number)[], sub: Schema) => [{ path, open: Object.keys(sub).length === 0 }, ...fieldPaths(sub, path)];
  if (schema.properties) return Object.entries(schema.properties).flatMap(([name, sub]) => at([...prefix, name], sub));
  if (schema.items) return at([...prefix, 0], schema.items);
  return [];
}

/** The operations of an OpenAPI document: whatever routes it lists, now or later. */
function documentedOperations(doc: any): Operation[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const params = (op.parameters ?? []) as { in: string; name: string }[];
      const names = (where: string) => params.filter((q) => q.in === where).map((q) => q.name);
      const bodySchema = Object.values((op.requestBody?.content ?? {}) as Record<string, { schema?: Schema }>)[0]?.schema;
      const fields = fieldPaths(bodySchema);
      const paths = (open: boolean) => fields.filter((f) => f.open === open).map((f) => f.path);
      return { method: method.toUpperCase(), template, pathParams: names('path'), queryParams: names('query'), headerParams: names('header'), bodyFields: paths(false), openFields: paths(true) };
    }),
  );
}

/** A copy of a JSON value with `value` at `path`, creating objects and arrays on the way. */
function withValueAt(base: unknown, path: (string | number)[], value: unknown): unknown {
  const root = structuredClone(base ?? {}) as any;
  let node = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      const wantArray = typeof path[i + 1] === 'number';
      if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key]) !== wantArray) node[key] = wantArray ? [] : {};
      node = node[key];
    }
  });
  return root;
}

/** A body field's hostile value: a special string, or (as `@@raw:…@@`, replaced after stringifying) a bare JSON literal. */
const rawMarker = (literal: string) => `@@raw:${literal}@@`;
const bodyText = (body: unknown) => JSON.stringify(body).replace(/"@@raw:([^@]*)@@"/g, '$1');

const filterVariants = (s: string) => [
  s,
  JSON.stringify({ Field: s, Value: 'a', Operator: 'equals' }),
  JSON.stringify({ Field: 'DisplayName', Value: s, Operator: 'starts_with' }),
  JSON.stringify({ Field: 'DisplayName', Value: 'a', Operator: s }),
  JSON.stringify({ LeftFilter: { Field: s, Value: s, Operator: 'equals' }, RightFilter: { Field: 'UserState', Value: s, Operator: 'equals' }, Operator: 'and' }),
];

for (const factory of storeFactories) {
  describe(`hostile input on ${factory.name}`, () => {
    let h: Harness;
    let routes: { template: string; methods: string[] }[];
    let operations: Operation[];
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
      operations = documentedOperations(doc);
      routes = Object.entries(doc.paths as Record<string, object>)
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

    it('puts every prototype name and JavaScript-special string into every path segment, query value, header and body field of every documented operation, never reaching a 5xx', async () => {
      const skus = (await h.request('GET', `/v1/customers/${demoCustomerId}/subscribedskus`)).json.items;
      const roles = (await h.request('GET', `/v1/customers/${demoCustomerId}/directoryroles`)).json.items;
      const valid: Record<string, string> = { customerId: demoCustomerId, userId: demoUserId, skuId: skus[0].productSku.id, roleId: roles[0].id };
      let n = 0;
      // Bodies that pass validation, so one hostile field at a time reaches the service and the store.
      const baseBody = (op: Operation): unknown => {
        n++;
        const key = `${op.method} ${op.template}`;
        if (key === 'POST /v1/customers') return { companyProfile: { domain: `sweep${n}.onmicrosoft.com`, companyName: 'Sweep' }, billingProfile: { companyName: 'Sweep', email: 'ops@sweep.example', culture: 'en-US', language: 'en', firstName: 'S', lastName: 'W', defaultAddress: { country: 'US', city: 'Redmond' } } };
        if (key === 'POST /v1/customers/{customerId}/users') return { userPrincipalName: `sweep${n}@dtdemocspcustomer005.onmicrosoft.com`, displayName: 'Sweep', firstName: 'S', lastName: 'W', usageLocation: 'US' };
        if (key === 'PATCH /v1/customers/{customerId}/users/{userId}') return { displayName: 'Sweep', usageLocation: 'US' };
        if (key.endsWith('/licenseupdates')) return { licensesToAssign: [{ skuId: valid.skuId, excludedPlans: [] }], licensesToRemove: [] };
        if (key.startsWith('PUT ') && key.includes('/subscribedskus/')) return { totalUnits: 25 };
        if (key.endsWith('/usermembers')) return { id: demoUserId };
        if (key === 'POST /auth/signin') return { userName: 'nobody@partner.example', password: 'not-the-password' };
        return {};
      };
      const send = async (op: Operation, hostile: { path?: [string, string]; query?: [string, string]; headers?: [string, string][]; body?: unknown }) => {
        const path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) => (hostile.path?.[0] === name ? hostile.path[1] : valid[name] ?? demoCustomerId));
        const qs = hostile.query ? `?${encodeRaw(hostile.query[0])}=${encodeRaw(hostile.query[1])}` : '';
        const headers: Record<string, string> = { authorization: `Bearer ${tokens.get('admin')}` };
        const hasBody = op.method !== 'GET' && op.method !== 'HEAD' && op.method !== 'DELETE';
        if (hasBody) headers['content-type'] = 'application/json';
        for (const [name, value] of hostile.headers ?? []) headers[name] = value;
        const payload = hasBody ? bodyText(hostile.body ?? baseBody(op)) : undefined;
        const res = await h.app.inject({ method: op.method as 'GET', url: path + qs, headers, payload });
        const where = `${op.method} ${op.template} ${JSON.stringify(hostile).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        assert.ok(res.statusCode < 500, where);
        if (res.statusCode >= 400) {
          const json = JSON.parse(res.body.replace(/^\uFEFF/, ''));
          if (!(res.statusCode === 404 && json.statusCode === 404)) assert.ok(isApiFault(json), where);
        }
        return res.statusCode;
      };
      // Deletions last: they take the demo user away from the operations after them.
      const ordered = [...operations].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
      assert.ok(ordered.some((op) => op.bodyFields.length > 0) && ordered.some((op) => op.queryParams.length > 0), 'the document describes bodies and queries');
      let requests = 0;
      const started = performance.now();
      const statuses = new Map<number, number>();
      const count = (status: number) => {
        requests++;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      };
      type Hostile = Parameters<typeof send>[1];
      for (const op of ordered) {
        const inputs: Hostile[] = [];
        for (const special of jsSpecialStrings) {
          for (const name of op.pathParams) {
            inputs.push({ path: [name, encodeRaw(special)] });
            // As the raw bytes too: `..`, `%00` and `%2e%2e` mean something before decoding.
            if (/^[\x21-\x7e]*$/.test(special) && !special.includes('/') && special !== '') inputs.push({ path: [name, special] });
          }
          for (const name of op.queryParams) for (const value of name === 'filter' ? filterVariants(special) : [special]) inputs.push({ query: [name, value] });
          // Prototype names as query names too, on every operation.
          if (prototypeNames.includes(special)) inputs.push({ query: [special, special] });
          // Every header the server reads at once (each is read on its own, none hides another),
          // then the credentials alone, since a refused token stops the request before the rest.
          inputs.push({ headers: [...readHeaders, ...op.headerParams].filter((name) => name !== 'authorization').map((name) => [name, headerBytes(special)]) });
          inputs.push({ headers: [['authorization', headerBytes(`Bearer ${special}`)]] });
          for (const field of op.bodyFields) inputs.push({ body: withValueAt(baseBody(op), field, special) });
          // Open properties are ignored, not validated (so none hides another): all of them at once.
          if (op.openFields.length) inputs.push({ body: op.openFields.reduce((b, field) => withValueAt(b, field, special), baseBody(op)) });
        }
        for (const literal of jsonLiterals) {
          for (const field of op.bodyFields) inputs.push({ body: withValueAt(baseBody(op), field, rawMarker(literal)) });
          if (op.openFields.length) inputs.push({ body: op.openFields.reduce((b, field) => withValueAt(b, field, rawMarker(literal)), baseBody(op)) });
        }
        // A few at a time, as concurrent clients would: the database round trips overlap.
        const limit = pLimit(4);
        for (const status of await Promise.all(inputs.map((input) => limit(() => send(op, input))))) count(status);
      }
      if (process.env.TENANTRY_FUZZ_VERBOSE) console.log({ store: factory.name, operations: ordered.length, requests, seconds: (performance.now() - started) / 1000, statuses: Object.fromEntries(statuses) });
      assert.ok(requests > 1000, `every input of every operation was tried (${requests} requests)`);
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
          if (r.header && r.header[0] !== 'authorization') headers[r.header[0]] = headerBytes(r.header[1]);
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
