import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoCustomerId, demoPartnerId, seedDemoData } from '../../demo/demo-data.js';
import { defaultRateLimitBudgets, parseRateLimitBudgets, parseRateLimitSwitch, type RateLimitBudgets } from '../../domain/rate-limit.js';
import { startHarness, type Harness, type TestResponse } from '../../test-support/harness.js';
import { storeFactories, testPostgresUrl } from '../../test-support/stores.js';
import { PostgresStore } from '../../store/postgres/postgres-store.js';
import { buildApp } from '../app.js';

// An hour-long window: a test never straddles a boundary unless it starts in the last seconds.
const windowSeconds = 3600;
async function awayFromWindowEdge() {
  const left = windowSeconds - ((Date.now() / 1000) % windowSeconds);
  if (left < 10) await new Promise((r) => setTimeout(r, left * 1000 + 50));
}

const budgets = (b: Partial<RateLimitBudgets>): { enabled: true; budgets: RateLimitBudgets } => ({
  enabled: true,
  budgets: { ...defaultRateLimitBudgets, windowSeconds, ...b },
});

const assertThrottled = (res: TestResponse) => {
  assert.equal(res.status, 429, res.text);
  const retryAfter = String(res.headers['retry-after']);
  assert.match(retryAfter, /^[1-9]\d*$/, 'Retry-After is a positive integer');
  assert.ok(Number(retryAfter) <= windowSeconds);
  assert.deepEqual(res.json, { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.` });
  assert.equal(res.headers['x-ratelimit-remaining'], '0');
};

const userBody = () => ({ userPrincipalName: `u${randomBytes(4).toString('hex')}@dtdemocspcustomer005.onmicrosoft.com`, displayName: 'Throttle probe' });

describe('rate limit settings', () => {
  it('reads on and off in the spellings operators type', () => {
    assert.equal(parseRateLimitSwitch(undefined), true);
    assert.equal(parseRateLimitSwitch('ON'), true);
    assert.equal(parseRateLimitSwitch('off'), false);
    assert.throws(() => parseRateLimitSwitch('sometimes'), /on or off/);
  });

  it('reads budgets by name and keeps the defaults modelled on 500 reads per minute per customer', () => {
    assert.equal(defaultRateLimitBudgets.customerReads, 500);
    assert.equal(defaultRateLimitBudgets.windowSeconds, 60);
    assert.ok(defaultRateLimitBudgets.customerWrites < defaultRateLimitBudgets.customerReads, 'writes are stricter than reads');
    assert.ok(defaultRateLimitBudgets.partnerWrites < defaultRateLimitBudgets.partnerReads);
    const b = parseRateLimitBudgets('customer-reads=10, window=5');
    assert.equal(b.customerReads, 10);
    assert.equal(b.windowSeconds, 5);
    assert.equal(b.partnerReads, defaultRateLimitBudgets.partnerReads);
    assert.throws(() => parseRateLimitBudgets('customer-reads=0'), /positive integer/);
    assert.throws(() => parseRateLimitBudgets('bogus=3'), /Invalid rate limit budget/);
  });
});

for (const factory of storeFactories) {
  describe(`throttling on ${factory.name}`, () => {
    let h: Harness;
    let otherCustomerId: string;
    const users = (cid = demoCustomerId) => `/v1/customers/${cid}/users`;

    before(async () => {
      h = await startHarness(factory, { rateLimit: budgets({ customerReads: 3, customerWrites: 2, partnerReads: 5, partnerWrites: 100 }) });
      const principal = { partnerId: demoPartnerId, subject: 'test', roles: ['AdminAgent' as const], appOnly: false };
      const created = await h.ctx.customers.create(principal, { companyProfile: { domain: `other${randomBytes(3).toString('hex')}.onmicrosoft.com` }, billingProfile: { companyName: 'Other Co' } } as never);
      otherCustomerId = JSON.parse(created.body).id;
    });
    after(async () => h.close());

    it('counts reads per customer, reports the budget in headers, then answers 429 with the gateway body', async () => {
      await awayFromWindowEdge();
      for (let i = 1; i <= 3; i++) {
        const res = await h.request('GET', users());
        assert.equal(res.status, 200, res.text);
        assert.equal(res.headers['x-ratelimit-limit'], '3');
        assert.equal(res.headers['x-ratelimit-remaining'], String(3 - i));
        const reset = Number(res.headers['x-ratelimit-reset']);
        assert.equal(reset % windowSeconds, 0, 'Reset is the window end in epoch seconds');
        assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + windowSeconds);
      }
      const throttled = await h.request('GET', `${users()}/a9ef48bb-8758-4590-a312-d4a47bfaded4`);
      assertThrottled(throttled);
      assert.ok(throttled.headers['ms-requestid'], 'the MS-* headers are still sent');
    });

    it('keeps separate budgets for another customer of the same partner, until the partner budget runs out', async () => {
      const first = await h.request('GET', users(otherCustomerId));
      assert.equal(first.status, 200, first.text);
      // Partner reads so far: 4 on the demo customer (the 4th was refused but counted) + 1 here = 5.
      assert.equal(first.headers['x-ratelimit-limit'], '5');
      assert.equal(first.headers['x-ratelimit-remaining'], '0');
      assertThrottled(await h.request('GET', users(otherCustomerId)));
      assertThrottled(await h.request('GET', '/v1/customers'));
    });

    it('gives writes their own, stricter budget', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await h.request('POST', users(), { body: userBody() });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.headers['x-ratelimit-limit'], '2');
      }
      const before = await h.store.countUsers(demoCustomerId, 'active');
      assertThrottled(await h.request('POST', users(), { body: userBody() }));
      assert.equal(await h.store.countUsers(demoCustomerId, 'active'), before, 'a throttled write stores nothing');
    });

    it("never charges one partner's requests to another partner", async () => {
      const stranger = await h.token({ partnerId: randomUUID() });
      const res = await h.request('GET', '/v1/customers', { token: stranger });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['x-ratelimit-remaining'], '4');
    });

    it('does not count public routes or send them limit headers', async () => {
      const res = await h.request('GET', '/healthz', { token: null });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-ratelimit-limit'], undefined);
    });
  });

  describe(`throttling switched off on ${factory.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(factory, { rateLimit: { enabled: false, budgets: { ...defaultRateLimitBudgets, customerReads: 1, partnerReads: 1 } } });
    });
    after(async () => h.close());

    it('serves past every budget and sends no limit headers', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await h.request('GET', `/v1/customers/${h.customerId}/users`);
        assert.equal(res.status, 200);
        assert.equal(res.headers['x-ratelimit-limit'], undefined);
      }
    });
  });
}

describe('throttling across two servers sharing one PostgreSQL schema', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const stores: PostgresStore[] = [];
  const apps: Awaited<ReturnType<typeof buildApp>>[] = [];

  before(async () => {
    for (let i = 0; i < 2; i++) {
      const store = new PostgresStore(testPostgresUrl, { schema, poolSize: 4 });
      await store.migrate();
      await seedDemoData(store);
      stores.push(store);
      apps.push(await buildApp(store, { logLevel: 'silent', sweepIntervalMs: 0, rateLimit: budgets({ customerReads: 6 }) }));
    }
  });
  after(async () => {
    for (const a of apps) await a.app.close();
    await stores[0].dropSchema();
    for (const s of stores) await s.close();
  });

  it('shares one budget: requests to either server use it up together', async () => {
    await awayFromWindowEdge();
    const token = await apps[0].ctx.tokens.issue({ partnerId: demoPartnerId });
    const statuses: number[] = [];
    // Concurrent requests alternate between the servers; exactly the budget succeeds.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        apps[i % 2].app.inject({ method: 'GET', url: `/v1/customers/${demoCustomerId}/users`, headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    for (const r of results) statuses.push(r.statusCode);
    assert.equal(statuses.filter((s) => s === 200).length, 6, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 4, statuses.join(','));
    const remaining = results.filter((r) => r.statusCode === 200).map((r) => Number(r.headers['x-ratelimit-remaining'])).sort();
    assert.deepEqual(remaining, [0, 1, 2, 3, 4, 5], 'each success saw a distinct count: the increments are atomic');
  });
});
