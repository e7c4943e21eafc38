import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startEmulatorHarness, startHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';
import { startLiveServer } from '../../test-support/live-server.js';

const password = 'Journal-Secret-Pa55!';

/** A workspace with one customer, and a request helper that speaks as its partner. */
async function workspaceOf(h: Harness) {
  const ws = (await h.request('POST', '/_tenantry/workspaces', { token: h.emulatorAdminToken, body: {} })).json as { id: string; tokens: { AdminAgent: string } };
  const token = ws.tokens.AdminAgent;
  const call = (method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
    h.request(method, url, { token, body: options.body, headers: { 'ms-correlationid': 'c0ffee00-0000-4000-8000-000000000001', ...options.headers } });
  const customer = await call('POST', '/v1/customers', { body: { companyProfile: { domain: `j${ws.id.slice(0, 8)}.onmicrosoft.com` }, billingProfile: { companyName: 'Journal Ltd' } }, headers: { 'ms-requestid': crypto.randomUUID() } });
  assert.equal(customer.status, 201, customer.text);
  const admin = (method: string, url: string, headers: Record<string, string> = {}) => h.request(method, `/_tenantry/workspaces/${ws.id}${url}`, { token: h.emulatorAdminToken, headers });
  return { ws, token, call, customerId: customer.json.id as string, domain: customer.json.companyProfile.domain as string, admin };
}

for (const factory of storeFactories) {
  describe(`emulator request journal on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await startEmulatorHarness(factory);
    });
    after(async () => h.close());

    it('records each workspace request with its ids, operation, status and bodies, newest first', async () => {
      const w = await workspaceOf(h);
      const created = await w.call('POST', `/v1/customers/${w.customerId}/users`, {
        body: { userPrincipalName: `ann@${w.domain}`, displayName: 'Ann', usageLocation: 'US', passwordProfile: { password, forceChangePassword: true } },
        headers: { 'ms-requestid': '11111111-1111-4111-8111-111111111111' },
      });
      assert.equal(created.status, 201, created.text);
      const listed = await w.call('GET', `/v1/customers/${w.customerId}/users?size=1`);
      assert.equal(listed.status, 200);

      const page = await w.admin('GET', '/requests');
      assert.equal(page.status, 200, page.text);
      assert.equal(page.json.totalCount, 3);
      const [list, create, customer] = page.json.items;
      assert.equal(customer.operation, 'customers.create');
      assert.equal(list.operation, 'users.list');
      assert.deepEqual(list.query, { size: '1' });
      assert.equal(list.path, `/v1/customers/${w.customerId}/users`);
      assert.equal(create.method, 'POST');
      assert.equal(create.status, 201);
      assert.equal(create.requestId, '11111111-1111-4111-8111-111111111111');
      assert.equal(create.correlationId, 'c0ffee00-0000-4000-8000-000000000001');
      assert.equal(create.requestBody.passwordProfile.password, '***');
      assert.equal(create.requestBody.passwordProfile.forceChangePassword, true);
      assert.equal(create.requestBody.displayName, 'Ann');
      assert.match(create.responseBody, /"displayName":"Ann"/);
      assert.equal(create.responseTruncated, false);
      assert.equal(create.requestHeaders.authorization, undefined);
      assert.equal(create.requestHeaders['ms-requestid'], '11111111-1111-4111-8111-111111111111');
      assert.ok(create.responseHeaders['content-type']);
      assert.ok(typeof create.durationMs === 'number' && create.durationMs >= 0);
      assert.ok(Date.parse(create.time) > 0);
      assert.deepEqual(create.checks, []);

      const one = await w.admin('GET', `/requests/${create.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json, create);
      assert.equal((await w.admin('GET', '/requests/999999999')).status, 404);
      assert.equal((await w.admin('GET', '/requests/not-an-id')).status, 404);
    });

    it('keeps no Authorization value and no password in the stored rows or the HAR', async () => {
      const w = await workspaceOf(h);
      const res = await w.call('POST', `/v1/customers/${w.customerId}/users`, {
        body: { userPrincipalName: `bob@${w.domain}`, displayName: 'Bob', usageLocation: 'US', passwordProfile: { password, forceChangePassword: false } },
        headers: { 'ms-requestid': crypto.randomUUID(), cookie: 'session=cookie-secret-value', 'x-api-token': 'header-token-value' },
      });
      assert.equal(res.status, 201, res.text);
      // The answer carries a password too (a temporary one when none is given): find it in the answer, if any.
      const answeredPassword: string | undefined = res.json.passwordProfile?.password;
      await h.app.emulatorJournal!.flush();
      const rows = await h.store.journal().page(w.ws.id, {}, undefined, 100);
      // Answers are stored deflated: look at their text too.
      const stored = JSON.stringify(rows) + rows.map((r) => (r.responseBody ? inflateRawSync(r.responseBody).toString('utf8') : '')).join('\n');
      assert.match(stored, /"displayName":"Bob"/, 'the answers are in what is searched');
      const har = (await w.admin('GET', '/requests.har')).text;
      for (const text of [stored, har]) {
        assert.ok(!text.includes(w.token), 'the bearer token is absent');
        assert.ok(!text.includes(password), 'the password is absent');
        if (answeredPassword && answeredPassword !== '***') assert.ok(!text.includes(answeredPassword), 'the answered password is absent');
        assert.ok(!text.includes('cookie-secret-value'));
        assert.ok(!text.includes('header-token-value'));
      }
      assert.match(stored, /x-api-token\\":\\"\*\*\*/);
    });

    it('pages with links.next and filters by status, route, requestId, correlationId and since', async () => {
      const w = await workspaceOf(h);
      const users = `/v1/customers/${w.customerId}/users`;
      for (let i = 0; i < 4; i++) assert.equal((await w.call('GET', users)).status, 200);
      assert.equal((await w.call('GET', users, { headers: { 'tenantry-fault': '404' } })).status, 404);
      assert.equal((await w.call('GET', `/v1/customers/${w.customerId}`, { headers: { 'ms-requestid': 'find-me-1' } })).status, 200);

      const first = await w.admin('GET', '/requests?size=2&route=users.list');
      assert.equal(first.json.totalCount, 5);
      assert.equal(first.json.items.length, 2);
      const next = first.json.links.next;
      assert.equal(next.method, 'GET');
      const ids: string[] = first.json.items.map((e: { id: string }) => e.id);
      let link = next;
      while (link) {
        const page = await h.request('GET', link.uri, { token: h.emulatorAdminToken, headers: Object.fromEntries(link.headers.map((x: { key: string; value: string }) => [x.key, x.value])) });
        assert.equal(page.status, 200, page.text);
        ids.push(...page.json.items.map((e: { id: string }) => e.id));
        link = page.json.links.next;
      }
      assert.equal(ids.length, 5);
      assert.deepEqual([...ids].sort((a, b) => Number(b) - Number(a)), ids, 'newest first, across pages');

      const notFound = await w.admin('GET', '/requests?status=404');
      assert.equal(notFound.json.totalCount, 1);
      assert.equal(notFound.json.items[0].faultRuleId, 'header');
      assert.equal((await w.admin('GET', '/requests?requestId=find-me-1')).json.items[0].operation, 'customers.get');
      assert.equal((await w.admin('GET', '/requests?correlationId=c0ffee00-0000-4000-8000-000000000001')).json.totalCount, 7);
      assert.equal((await w.admin('GET', '/requests?since=2999-01-01T00:00:00Z')).json.totalCount, 0);
      assert.equal((await w.admin('GET', '/requests?since=2000-01-01T00:00:00Z')).json.totalCount, 7);
      assert.equal((await w.admin('GET', '/requests?since=yesterday')).status, 400);
      assert.equal((await w.admin('GET', '/requests?status=abc')).status, 400);
      for (const bad of ['requestId=%00', 'route=users%00', 'size=9999', 'size=', 'since=2026-13-45T00:00:00Z', 'correlationId=' + 'x'.repeat(200)]) {
        const res = await w.admin('GET', `/requests?${bad}`);
        assert.equal(res.status, 400, `${bad}: ${res.text}`);
        assert.equal(typeof res.json.code, 'number');
      }
      assert.equal((await h.request('GET', '/_tenantry/workspaces/not-a-guid/requests', { token: h.emulatorAdminToken })).status, 400);
      assert.equal((await w.admin('GET', '/requests?seekOperation=Next', { 'ms-continuationtoken': 'forged.token' })).status, 400);
    });

    it('exports a HAR 1.2 log, oldest first, with requests, responses and timings', async () => {
      const w = await workspaceOf(h);
      await w.call('GET', `/v1/customers/${w.customerId}/users?size=3`);
      const res = await w.admin('GET', '/requests.har');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-disposition']), /attachment; filename=".*\.har"/);
      const { log } = res.json;
      assert.equal(log.version, '1.2');
      assert.equal(typeof log.creator.name, 'string');
      assert.equal(typeof log.creator.version, 'string');
      assert.equal(log.entries.length, 2);
      const [post, get] = log.entries;
      assert.equal(post.request.method, 'POST');
      assert.equal(post.request.postData.mimeType, 'application/json');
      assert.ok(JSON.parse(post.request.postData.text).companyProfile);
      assert.match(get.request.url, /^http:\/\/[^/]+\/v1\/customers\/[^/]+\/users\?size=3$/);
      assert.deepEqual(get.request.queryString, [{ name: 'size', value: '3' }]);
      for (const e of log.entries) {
        assert.ok(!Number.isNaN(Date.parse(e.startedDateTime)));
        assert.equal(typeof e.time, 'number');
        assert.equal(e.request.httpVersion, 'HTTP/1.1');
        assert.ok(Array.isArray(e.request.headers) && e.request.headers.every((x: { name: string; value: string }) => typeof x.name === 'string' && typeof x.value === 'string'));
        assert.ok(Array.isArray(e.request.cookies));
        assert.equal(e.request.headersSize, -1);
        assert.equal(typeof e.response.status, 'number');
        assert.equal(typeof e.response.statusText, 'string');
        assert.equal(typeof e.response.content.mimeType, 'string');
        assert.equal(typeof e.response.content.size, 'number');
        assert.equal(e.response.redirectURL, '');
        assert.deepEqual(Object.keys(e.timings).sort(), ['receive', 'send', 'wait']);
        assert.deepEqual(e.cache, {});
      }
    });

    it('shows which continuation token a page answered with and which one the next request sent back', async () => {
      const w = await workspaceOf(h);
      const users = `/v1/customers/${w.customerId}/users`;
      for (const name of ['Ada', 'Bo']) {
        const res = await w.call('POST', users, { body: { userPrincipalName: `${name.toLowerCase()}@${w.domain}`, displayName: name, usageLocation: 'US' }, headers: { 'ms-requestid': crypto.randomUUID() } });
        assert.equal(res.status, 201, res.text);
      }
      const first = await w.call('GET', `${users}?size=1`);
      const token = first.json.links.next.headers[0].value as string;
      assert.equal((await w.call('GET', `${users}?size=1&seekOperation=Next`, { headers: { 'ms-continuationtoken': token } })).status, 200);

      const [second, firstEntry] = (await w.admin('GET', '/requests?route=users.list')).json.items;
      assert.equal(JSON.parse(firstEntry.responseBody).continuationToken, token);
      assert.equal(second.requestHeaders['ms-continuationtoken'], token);
      assert.equal(second.requestHeaders.authorization, undefined);
    });

    it('records the client checks a careless client trips on its entries and sums them in the client report', async () => {
      const w = await workspaceOf(h);
      const users = `/v1/customers/${w.customerId}/users`;
      const bare = (method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => h.request(method, url, { token: w.token, ...options });
      for (let i = 0; i < 3; i++) {
        const res = await bare('POST', users, { body: { userPrincipalName: `c${i}@${w.domain}`, displayName: `C ${i}`, usageLocation: 'US' } });
        assert.equal(res.status, 201, res.text);
      }
      const first = await w.call('GET', `${users}?size=1`);
      const token = first.json.links.next.headers[0].value;
      assert.equal((await w.call('GET', `${users}?size=1&seekOperation=Next`, { headers: { 'ms-continuationtoken': token } })).status, 200);
      for (let i = 0; i < 11; i++) await w.call('GET', `/v1/customers/${w.customerId}/directoryroles`);
      const skus = `/v1/customers/${w.customerId}/subscribedskus`;
      assert.equal((await w.call('GET', skus, { headers: { 'tenantry-fault': '503' } })).status, 503);
      assert.equal((await w.call('GET', skus)).status, 429, 'retried before Retry-After');
      const rid = crypto.randomUUID();
      await w.call('PATCH', `${users}/${first.json.items[0].id}`, { body: { displayName: 'One' }, headers: { 'ms-requestid': rid } });
      await w.call('PATCH', `${users}/${first.json.items[0].id}`, { body: { displayName: 'Two' }, headers: { 'ms-requestid': rid } });

      const report = (await w.admin('GET', '/client-report')).json;
      const count = new Map(report.checks.map((c: { check: string; count: number }) => [c.check, c.count]));
      assert.equal(count.get('writeWithoutRequestId'), 3);
      assert.equal(count.get('noCorrelationId'), 3);
      assert.equal(count.get('pagingSizeResent'), 1);
      assert.equal(count.get('repeatedListPolling'), 1);
      assert.equal(count.get('requestIdReusedWithOtherBody'), 1);
      assert.equal(count.get('retryBeforeRetryAfter'), 1);
      assert.equal(count.get('ownPagingUrl'), undefined);
      for (const c of report.checks) {
        assert.ok(c.explanation.length > 0);
        assert.ok(c.exampleEntryIds.length >= 1 && c.exampleEntryIds.length <= 5);
        assert.ok(!Number.isNaN(Date.parse(c.lastSeenAt)));
      }
      const example = (await w.admin('GET', `/requests/${report.checks.find((c: { check: string }) => c.check === 'pagingSizeResent').exampleEntryIds[0]}`)).json;
      assert.deepEqual(example.checks.map((c: { check: string }) => c.check), ['pagingSizeResent']);
      assert.equal(example.query.size, '1');

      // A careful client: correlation id, request ids, links.next as given.
      const careful = await workspaceOf(h);
      for (const alias of ['d', 'e']) {
        await careful.call('POST', `/v1/customers/${careful.customerId}/users`, { body: { userPrincipalName: `${alias}@${careful.domain}`, displayName: alias, usageLocation: 'US' }, headers: { 'ms-requestid': crypto.randomUUID() } });
      }
      const page = await careful.call('GET', `/v1/customers/${careful.customerId}/users?size=1`);
      const next = await careful.call('GET', `/v1${page.json.links.next.uri}`, { headers: { 'ms-continuationtoken': page.json.links.next.headers[0].value } });
      assert.equal(next.status, 200);
      const carefulSkus = `/v1/customers/${careful.customerId}/subscribedskus`;
      const busy = await careful.call('GET', carefulSkus, { headers: { 'tenantry-fault': '503' } });
      assert.equal(busy.status, 503);
      const wait = Number(busy.headers['retry-after']);
      const moved = await h.request('POST', `/_tenantry/workspaces/${careful.ws.id}/clock`, { token: h.emulatorAdminToken, body: { advance: `PT${wait + 1}S` } });
      assert.equal(moved.status, 200, moved.text);
      assert.equal((await careful.call('GET', carefulSkus)).status, 200, 'retried after Retry-After');
      assert.deepEqual((await careful.admin('GET', '/client-report')).json, { checks: [] });
    });

    it('keeps the journal across a reset and empties it with the workspace', async () => {
      const w = await workspaceOf(h);
      assert.equal((await w.admin('POST', '/reset')).status, 200);
      assert.equal((await w.admin('GET', '/requests')).json.totalCount, 1, 'the customer created before the reset');
      await h.app.emulatorJournal!.flush();
      assert.equal((await w.admin('DELETE', '')).status, 204);
      assert.equal(await h.store.journal().count(w.ws.id, {}), 0);
    });

    it('records nothing for a partner that is not a workspace', async () => {
      const before = (await h.store.journal().page(h.partnerId, {}, undefined, 10)).length;
      assert.equal((await h.request('GET', `/v1/customers/${h.customerId}/users`)).status, 200);
      await h.app.emulatorJournal!.flush();
      assert.equal((await h.store.journal().page(h.partnerId, {}, undefined, 10)).length, before);
    });

    it('cuts a long answer to 16 KiB and says so', async () => {
      const w = await workspaceOf(h);
      for (let i = 0; i < 40; i++) {
        const res = await w.call('POST', `/v1/customers/${w.customerId}/users`, { body: { userPrincipalName: `u${i}@${w.domain}`, displayName: `User ${'x'.repeat(200)} ${i}`, usageLocation: 'US' }, headers: { 'ms-requestid': crypto.randomUUID() } });
        assert.equal(res.status, 201, res.text);
      }
      await w.call('GET', `/v1/customers/${w.customerId}/users?size=100`);
      const entry = (await w.admin('GET', '/requests?route=users.list')).json.items[0];
      assert.equal(entry.responseTruncated, true);
      assert.equal(entry.responseBody.length, 16 * 1024);
      await w.admin('DELETE', '/requests');
      assert.equal((await w.admin('GET', '/requests')).json.totalCount, 0);
    });
  });

  describe(`emulator request journal size on ${factory.name}`, () => {
    it('keeps only the newest --journal-size entries of a workspace', async () => {
      const h = await startEmulatorHarness(factory, { emulator: { adminToken: 'admin-ring', journalSize: 3 } });
      try {
        const w = await workspaceOf(h);
        for (let i = 0; i < 5; i++) await w.call('GET', `/v1/customers/${w.customerId}/users`, { headers: { 'ms-requestid': `ring-${i}` } });
        const page = await w.admin('GET', '/requests');
        assert.equal(page.json.totalCount, 3);
        assert.deepEqual(page.json.items.map((e: { requestId: string }) => e.requestId), ['ring-4', 'ring-3', 'ring-2']);
      } finally {
        await h.close();
      }
    });

    it('is off with --journal off: nothing recorded, the routes say so', async () => {
      const h = await startEmulatorHarness(factory, { emulator: { adminToken: 'admin-off', journalSize: 0 } });
      try {
        const w = await workspaceOf(h);
        await w.call('GET', `/v1/customers/${w.customerId}/users`);
        const res = await w.admin('GET', '/requests');
        assert.equal(res.status, 400);
        assert.equal(res.json.code, 600107);
        assert.equal(h.app.emulatorJournal, undefined);
        assert.equal((await h.store.journal().page(w.ws.id, {}, undefined, 10)).length, 0);
      } finally {
        await h.close();
      }
    });
  });
}

for (const factory of storeFactories) {
  describe(`emulator request journal over a real connection on ${factory.name}`, () => {
    it('records a dropped request with status 0 and the fault that dropped it', async () => {
      const server = await startLiveServer(factory, { emulator: { adminToken: 'admin-drop-0123456789' } });
      try {
        const w = await workspaceOf(server);
        await assert.rejects(fetch(`${server.url}/v1/customers`, { headers: { authorization: `Bearer ${w.token}`, 'tenantry-fault': 'drop' } }));
        let items: { status: number; faultRuleId?: string; operation: string }[] = [];
        for (let i = 0; i < 50 && !items.some((e) => e.status === 0); i++) {
          await new Promise((r) => setTimeout(r, 20));
          items = (await w.admin('GET', '/requests')).json.items;
        }
        const dropped = items.find((e) => e.status === 0);
        assert.ok(dropped, JSON.stringify(items));
        assert.equal(dropped.faultRuleId, 'header');
        assert.equal(dropped.operation, 'customers.list');
      } finally {
        await server.close();
      }
    });
  });
}

describe('without --emulator', () => {
  it('has no journal routes', async () => {
    const h = await startHarness(storeFactories[0]);
    try {
      assert.equal((await h.request('GET', `/_tenantry/workspaces/${h.partnerId}/requests`, { token: 'x' })).status, 404);
    } finally {
      await h.close();
    }
  });
});
