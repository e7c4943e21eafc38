import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Clock } from '../../domain/clock.js';
import { startEmulatorHarness, type Harness } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

/** A clock tests move by hand. */
function handClock(start = Date.parse('2026-12-01T00:00:00Z')) {
  let now = start;
  const clock: Clock & { advance(ms: number): void } = { now: () => new Date(now), advance: (ms) => { now += ms; } };
  return clock;
}

const expectFault = (res: { status: number; json: any }, status: number, code: number) => {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.code, code, JSON.stringify(res.json));
  assert.equal(res.json.source, 'PartnerFD');
};

for (const factory of storeFactories) {
  describe(`emulator fault rules on ${factory.name}`, () => {
    let h: Harness;
    const clock = handClock();
    const users = () => `/v1/customers/${h.customerId}/users`;
    const faults = () => `/_tenantry/workspaces/${h.partnerId}/faults`;
    const addRules = (body: unknown) => h.request('POST', faults(), { body, token: h.emulatorAdminToken });

    before(async () => {
      h = await startEmulatorHarness(factory, { clock });
    });
    after(async () => h.close());
    beforeEach(async () => {
      // Past any Retry-After a previous test was given, and no rules left over.
      clock.advance(120_000); // well within the harness token's hour, which this clock also ages
      assert.equal((await h.request('DELETE', faults(), { token: h.emulatorAdminToken })).status, 204);
    });

    it('answers Tenantry-Fault: 429 with the gateway body and an integer Retry-After', async () => {
      const res = await h.request('GET', users(), { headers: { 'tenantry-fault': '429' } });
      assert.equal(res.status, 429);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
      assert.deepEqual(Object.keys(res.json), ['statusCode', 'message']);
      assert.equal(res.json.statusCode, 429);
    });

    it('answers each Tenantry-Fault status with Partner Center\'s fault', async () => {
      const cases: [string, number, number][] = [['503', 503, 503], ['500', 500, 800003], ['401', 401, 400], ['403', 403, 900150], ['404', 404, 404], ['400', 400, 800002]];
      for (const [header, status, code] of cases) {
        clock.advance(10_000); // past the 503's Retry-After, which the Retry-After check enforces
        const res = await h.request('GET', `/v1/customers/${h.customerId}`, { headers: { 'tenantry-fault': header } });
        expectFault(res, status, code);
      }
      const busy = await h.request('GET', '/v1/customers', { headers: { 'tenantry-fault': '503; retry-after=3' } });
      assert.equal(busy.headers['retry-after'], '3');
      assert.match(busy.json.description, /ServerBusy/);
    });

    it('refuses a Tenantry-Fault header it does not understand, naming the part', async () => {
      const res = await h.request('GET', users(), { headers: { 'tenantry-fault': '418; teapot' } });
      expectFault(res, 400, 800002);
      assert.match(res.json.description, /teapot/);
    });

    it('adds latency from the header and then answers normally', async () => {
      const res = await h.request('GET', users(), { headers: { 'tenantry-fault': 'latency=20' } });
      assert.equal(res.status, 200);
    });

    it('fires a control-plane rule on its operation until it retires after `times`', async () => {
      const added = await addRules({ id: 'busy-list', match: { operation: 'users.list' }, effect: { status: 503, retryAfter: 1 }, times: 2 });
      assert.equal(added.status, 201, added.text);
      assert.equal((await h.request('GET', `/v1/customers/${h.customerId}`)).status, 200, 'other operations are untouched');
      assert.equal((await h.request('GET', users())).status, 503);
      clock.advance(1500);
      assert.equal((await h.request('GET', users())).status, 503);
      clock.advance(1500);
      assert.equal((await h.request('GET', users())).status, 200, 'retired after two firings');
      const list = await h.request('GET', faults(), { token: h.emulatorAdminToken });
      assert.equal(list.json.items[0].fired, 2);
      assert.equal(list.json.items[0].matched, 3);
    });

    it('fires on the n-th matching call only, and only for the customer it names', async () => {
      await addRules({ rules: [
        { match: { operation: 'customers.get', nth: 2 }, effect: { status: 500 } },
        { match: { customerId: '00000000-0000-4000-8000-000000000000' }, effect: { status: 403 } },
      ] });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.request('GET', `/v1/customers/${h.customerId}`)).status);
      assert.deepEqual(statuses, [200, 500, 200]);
    });

    it('fires a page rule on the third page of a walk that follows links.next', async () => {
      for (const alias of ['page-a', 'page-b']) {
        const created = await h.request('POST', users(), { body: { userPrincipalName: `${alias}@dtdemocspcustomer005.onmicrosoft.com`, displayName: alias } });
        assert.equal(created.status, 201, created.text);
      }
      await addRules({ match: { operation: 'users.list', page: 3 }, effect: { status: 404 } });
      let res = await h.request('GET', `${users()}?size=1`);
      const statuses = [res.status];
      while (res.status === 200 && res.json.continuationToken && statuses.length < 4) {
        res = await h.request('GET', `${users()}?size=1`, { headers: { 'ms-continuationtoken': res.json.continuationToken } });
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [200, 200, 404]);
    });

    it('fires a seeded probability rule on the same calls every time', async () => {
      const pattern = async () => {
        await h.request('DELETE', faults(), { token: h.emulatorAdminToken });
        await addRules({ match: { operation: 'customers.get', probability: 0.5, seed: 'suite-1' }, effect: { status: 500 } });
        const out = [];
        for (let i = 0; i < 12; i++) out.push((await h.request('GET', `/v1/customers/${h.customerId}`)).status);
        return out;
      };
      const first = await pattern();
      assert.deepEqual(await pattern(), first);
      assert.ok(first.includes(500) && first.includes(200), `a mix: ${first}`);
    });

    it('refuses a list with one wrong rule whole, listing every problem, and adds none', async () => {
      const res = await addRules({ rules: [
        { match: { operation: 'users.list' }, effect: { status: 429 } },
        { match: { operation: 'users.lst', nth: 0 }, effect: { status: 418 } },
        { effect: { latencyMinMs: 300, latencyMaxMs: 100 } },
      ] });
      expectFault(res, 400, 800002);
      assert.ok(res.json.data.length >= 3, JSON.stringify(res.json.data));
      assert.ok(res.json.data.some((p: string) => p.startsWith('/rules/1/match/nth')), JSON.stringify(res.json.data));
      assert.ok(res.json.data.some((p: string) => p.startsWith('/rules/2/effect')), JSON.stringify(res.json.data));
      assert.equal((await h.request('GET', faults(), { token: h.emulatorAdminToken })).json.totalCount, 0);
      const unknownOp = await addRules({ match: { operation: 'users.lst' }, effect: { status: 429 } });
      expectFault(unknownOp, 400, 800002);
      assert.match(unknownOp.json.description, /unknown operation "users\.lst"/);
    });

    it('refuses the rule ids . and .., which a URL turns into the workspace itself', async () => {
      // DELETE …/faults/.. is resolved to DELETE …/workspaces/{id}/ by any URL parser: such a rule could never be removed alone.
      for (const id of ['.', '..']) expectFault(await addRules({ id, effect: { status: 500 } }), 400, 800002);
      assert.equal((await h.request('GET', faults(), { token: h.emulatorAdminToken })).json.totalCount, 0);
      assert.equal((await addRules({ id: '...', effect: { status: 500 }, match: { operation: 'licenses.list' } })).status, 201);
    });

    it('removes one rule and answers 404 for a rule that is not there', async () => {
      await addRules({ id: 'r1', effect: { status: 500 } });
      assert.equal((await h.request('DELETE', `${faults()}/r1`, { token: h.emulatorAdminToken })).status, 204);
      expectFault(await h.request('DELETE', `${faults()}/r1`, { token: h.emulatorAdminToken }), 404, 800002);
      assert.equal((await h.request('GET', users())).status, 200);
    });

    it('answers 429 again to a client that retries before Retry-After has passed, and not after', async () => {
      const first = await h.request('GET', users(), { headers: { 'tenantry-fault': '429; retry-after=5' } });
      assert.equal(first.status, 429);
      clock.advance(2000);
      const early = await h.request('GET', users());
      assert.equal(early.status, 429, 'retried 2 s into a 5 s Retry-After');
      assert.equal(early.headers['retry-after'], '3');
      assert.equal((await h.request('GET', `/v1/customers/${h.customerId}`)).status, 200, 'other operations may go on');
      clock.advance(3500);
      assert.equal((await h.request('GET', users())).status, 200, 'waited it out');
    });

    it('names every /v1 operation in the OpenAPI document', async () => {
      const doc = (await h.request('GET', '/openapi.json')).json;
      assert.equal(doc.paths['/v1/customers/{customerId}/users'].get.operationId, 'users.list');
      assert.equal(doc.paths['/v1/customers/{customerId}/users/{userId}/licenseupdates'].post.operationId, 'licenseUpdates.create');
    });
  });
}

describe('emulator faults on the wire', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startEmulatorHarness(storeFactories[0]);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  after(async () => h.close());

  /** Sends a request and reports what arrived: status, declared length, bytes received, and how it ended. */
  const raw = async (header: string) => {
    const token = await h.token();
    return new Promise<{ status?: number; declared?: number; received: number; error?: string }>((resolve) => {
      const req = httpRequest(`${base}/v1/customers/${h.customerId}/users`, { headers: { authorization: `Bearer ${token}`, 'tenantry-fault': header } }, (res) => {
        let received = 0;
        res.on('data', (c: Buffer) => { received += c.length; });
        res.on('end', () => resolve({ status: res.statusCode, declared: Number(res.headers['content-length']), received }));
        res.on('error', (e) => resolve({ status: res.statusCode, declared: Number(res.headers['content-length']), received, error: e.message }));
        res.on('aborted', () => resolve({ status: res.statusCode, declared: Number(res.headers['content-length']), received, error: 'aborted' }));
      });
      req.on('error', (e) => resolve({ received: 0, error: e.message }));
      req.end();
    });
  };

  it('drops the connection without an answer', async () => {
    const out = await raw('drop');
    assert.equal(out.status, undefined);
    assert.match(String(out.error), /socket hang up|ECONNRESET/);
  });

  it('sends half the body with the full Content-Length, then closes', async () => {
    const out = await raw('truncate');
    assert.equal(out.status, 200);
    assert.ok(out.declared! > 0);
    assert.ok(out.received < out.declared!, `${out.received} of ${out.declared}`);
    assert.ok(out.error, 'the client sees the connection end early');
  });
});
