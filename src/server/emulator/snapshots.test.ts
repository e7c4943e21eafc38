/**
 * Workspace snapshots (issue 11), in-process on both stores: a restore undoes every write since
 * the snapshot (users, seats, role members, audit records, idempotency answers, throttle
 * counters, fault rules, changes pending under a consistency lag, the clock and the seeded id
 * counter) and leaves other workspaces alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { microsoft365E3 } from '../../domain/product-catalog.js';
import { buildApp } from '../app.js';
import { defaultConfig } from '../config.js';
import { newRequestId, startEmulatorHarness, type Harness, type TestResponse } from '../../test-support/harness.js';
import { storeFactories } from '../../test-support/stores.js';

const expectFault = (res: TestResponse, status: number, code?: number) => {
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.json?.code, 'number', res.text);
  if (code !== undefined) assert.equal(res.json.code, code, res.text);
};

const deletedFilter = encodeURIComponent('{"Field":"UserState","Value":"Inactive","Operator":"equals"}');
const globalAdminRoleId = '62e90394-69f5-4237-9190-012177145e10';

/** A workspace with one customer, ten E3 seats, and two users (one licensed, one global admin). */
async function workspaceWithData(h: Harness, seed?: string) {
  const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });
  const ws = (await admin('POST', '/_tenantry/workspaces', seed ? { seed } : {})).json;
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => h.request(method, url, { token: ws.tokens.AdminAgent, body, headers });
  const domain = `snap-${ws.id.slice(0, 8)}.onmicrosoft.com`;
  const customer = (await call('POST', '/v1/customers', { companyProfile: { domain }, billingProfile: { companyName: 'Snap Ltd' } })).json;
  const base = `/v1/customers/${customer.id}`;
  assert.equal((await call('PUT', `${base}/subscribedskus/${microsoft365E3.id}`, { totalUnits: 10 })).status, 201);
  const ann = (await call('POST', `${base}/users`, { userPrincipalName: `ann@${domain}`, displayName: 'Ann Tanaka', usageLocation: 'US' })).json;
  assert.equal((await call('POST', `${base}/users/${ann.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] })).status, 201);
  return { ws, call, base, domain, ann };
}

for (const factory of storeFactories) {
  describe(`workspace snapshots on ${factory.name}`, () => {
    let h: Harness;
    const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });

    before(async () => {
      h = await startEmulatorHarness(factory);
    });
    after(async () => h.close());

    const seats = async (call: (m: string, u: string) => Promise<TestResponse>, base: string) =>
      ((await call('GET', `${base}/subscribedskus`)).json.items as { productSku: { id: string }; consumedUnits: number }[]).find((s) => s.productSku.id === microsoft365E3.id)!.consumedUnits;
    const names = async (call: (m: string, u: string) => Promise<TestResponse>, url: string) =>
      ((await call('GET', url)).json.items as { displayName: string }[]).map((u) => u.displayName).sort();

    it('takes, lists, replaces and deletes snapshots, listed under the tag Emulator', async () => {
      const { ws } = await workspaceWithData(h);
      const taken = await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'clean' });
      assert.equal(taken.status, 201, taken.text);
      assert.equal(taken.json.name, 'clean');
      assert.ok(Math.abs(Date.parse(taken.json.createdAt) - Date.now()) < 60_000);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'clean' })).status, 201);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'second.one_2-b' })).status, 201);
      const listed = (await admin('GET', `/_tenantry/workspaces/${ws.id}/snapshots`)).json;
      assert.deepEqual(listed.items.map((s: { name: string }) => s.name).sort(), ['clean', 'second.one_2-b']);
      assert.equal(listed.totalCount, 2);
      assert.equal((await admin('DELETE', `/_tenantry/workspaces/${ws.id}/snapshots/clean`)).status, 204);
      expectFault(await admin('DELETE', `/_tenantry/workspaces/${ws.id}/snapshots/clean`), 404, 600104);
      expectFault(await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/clean/restore`), 404, 600104);
      const doc = (await h.request('GET', '/openapi.json')).json;
      assert.deepEqual(doc.paths['/_tenantry/workspaces/{id}/snapshots/{name}/restore'].post.tags, ['Emulator']);
    });

    it('refuses hostile snapshot names and unknown workspaces with 4xx faults, never a 5xx', async () => {
      const { ws } = await workspaceWithData(h);
      // '.' and '..' are path steps in a URL: DELETE …/snapshots/.. would be DELETE …/workspaces/{id}/.
      for (const name of ['', 'a b', '../x', '.', '..', 'x'.repeat(101), "'; DROP TABLE users; --", 'é', '__proto__/x']) {
        const res = await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name });
        assert.equal(res.status, 400, `${name}: ${res.text}`);
      }
      for (const body of [{}, { name: 7 }, { name: 'ok', extra: true }, null]) assert.ok((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, body)).status < 500);
      for (const path of ['%2e%2e', 'a%20b', 'constructor', 'x'.repeat(101)]) assert.ok((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/${path}/restore`)).status < 500);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: '...' })).status, 201, 'three dots are a name, not a path step');
      assert.equal((await admin('GET', `/_tenantry/workspaces/${ws.id}`)).status, 200);
      expectFault(await admin('POST', '/_tenantry/workspaces/00000000-0000-0000-0000-000000000000/snapshots', { name: 'x' }), 404, 600101);
      expectFault(await admin('GET', '/_tenantry/workspaces/not-a-guid/snapshots'), 404, 600101);
      expectFault(await h.request('GET', `/_tenantry/workspaces/${ws.id}/snapshots`, { token: ws.tokens.AdminAgent }), 403, 900150);
    });

    it('undoes users created, renamed and deleted since, their seats and role members, and the audit records of it all', async () => {
      const { ws, call, base, domain, ann } = await workspaceWithData(h);
      const auditBefore = (await call('GET', '/v1/auditrecords')).json.totalCount;
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'two' })).status, 201);

      const bob = (await call('POST', `${base}/users`, { userPrincipalName: `bob@${domain}`, displayName: 'Bob Sato', usageLocation: 'US' })).json;
      assert.equal((await call('POST', `${base}/users/${bob.id}/licenseupdates`, { licensesToAssign: [{ skuId: microsoft365E3.id }] })).status, 201);
      assert.equal((await call('POST', `${base}/directoryroles/${globalAdminRoleId}/usermembers`, { Id: bob.id })).status, 201);
      assert.equal((await call('PATCH', `${base}/users/${ann.id}`, { displayName: 'Ann Renamed' })).status, 200);
      assert.equal((await call('DELETE', `${base}/users/${ann.id}`)).status, 204);
      assert.deepEqual(await names(call, `${base}/users`), ['Bob Sato', 'Snap Ltd']);
      assert.equal(await seats(call, base), 1);
      assert.ok((await call('GET', '/v1/auditrecords')).json.totalCount > auditBefore);

      const restored = await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/two/restore`);
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.json.id, ws.id);
      assert.deepEqual(await names(call, `${base}/users`), ['Ann Tanaka', 'Snap Ltd']);
      assert.deepEqual(await names(call, `${base}/users?filter=${deletedFilter}`), []);
      expectFault(await call('GET', `${base}/users/${bob.id}`), 404, 60002);
      assert.equal((await call('GET', `${base}/users/${ann.id}`)).json.displayName, 'Ann Tanaka');
      assert.equal(await seats(call, base), 1);
      assert.deepEqual((await call('GET', `${base}/users/${ann.id}/licenses`)).json.items.map((l: { productSku: { id: string } }) => l.productSku.id), [microsoft365E3.id]);
      assert.equal((await call('GET', `${base}/directoryroles/${globalAdminRoleId}/usermembers`)).json.totalCount ?? 0, 0);
      assert.equal((await call('GET', '/v1/auditrecords')).json.totalCount, auditBefore);
      // The search index follows the restore: the old name is found, the undone ones are not.
      const search = (text: string) => encodeURIComponent(JSON.stringify({ Field: 'DisplayName', Value: text, Operator: 'substring' }));
      assert.deepEqual(await names(call, `${base}/users?filter=${search('tanaka')}`), ['Ann Tanaka']);
      assert.deepEqual(await names(call, `${base}/users?filter=${search('renamed')}`), []);
      assert.deepEqual(await names(call, `${base}/users?filter=${search('sato')}`), []);
      // The restored state takes new writes as usual.
      assert.equal((await call('POST', `${base}/users`, { userPrincipalName: `bob@${domain}`, displayName: 'Bob Again', usageLocation: 'US' })).status, 201);
    });

    it('puts the clock, the seeded id counter and the fault rules back', async () => {
      const { ws, call, base, domain } = await workspaceWithData(h, `snapshot-ids-${factory.name}`);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'seeded' })).status, 201);
      const create = async (alias: string) => (await call('POST', `${base}/users`, { userPrincipalName: `${alias}@${domain}`, displayName: alias, usageLocation: 'US' })).json.id as string;
      const firstId = await create('dee');
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'P30D' });
      const rule = await admin('POST', `/_tenantry/workspaces/${ws.id}/faults`, { effect: { status: 503 }, match: { operation: 'customers.list' } });
      assert.ok(rule.status < 300, rule.text);
      assert.equal((await call('GET', '/v1/customers')).status, 503);

      const restored = (await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/seeded/restore`)).json;
      assert.ok(Math.abs(Date.parse(restored.clock.now) - Date.now()) < 60_000, 'the clock is back from its month ahead');
      assert.deepEqual((await admin('GET', `/_tenantry/workspaces/${ws.id}/faults`)).json.items ?? [], []);
      assert.equal((await call('GET', '/v1/customers')).status, 200);
      assert.equal(await create('dee'), firstId, 'the seeded ids repeat');
    });

    it('puts changes still pending under a consistency lag back as pending, and drops those made since', async () => {
      const { ws, call, base, domain } = await workspaceWithData(h);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { freeze: true })).status, 200);
      assert.equal((await admin('PUT', `/_tenantry/workspaces/${ws.id}/consistency`, { after: 'PT1H' })).status, 200);
      const create = async (alias: string) => {
        const res = await call('POST', `${base}/users`, { userPrincipalName: `${alias}@${domain}`, displayName: alias, usageLocation: 'US' });
        assert.equal(res.status, 201, res.text);
        return res.json.id as string;
      };
      const listed = async () => ((await call('GET', `${base}/users`)).json.items as { id: string }[]).map((u) => u.id);
      const early = await create('early');
      assert.ok(!(await listed()).includes(early), 'a user written under the lag is not seen yet');
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'lagging' })).status, 201);

      const late = await create('late');
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'PT2H' });
      assert.ok((await listed()).includes(early), 'the lag has passed');
      assert.ok((await listed()).includes(late));

      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/lagging/restore`)).status, 200);
      const afterRestore = await listed();
      assert.ok(!afterRestore.includes(early), 'the change pending at the snapshot is pending again');
      assert.ok(!afterRestore.includes(late));
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { advance: 'PT2H' });
      const lagPassed = await listed();
      assert.ok(lagPassed.includes(early), 'and shows once the lag passes again');
      assert.ok(!lagPassed.includes(late), 'the user written after the snapshot is gone for good');
    });

    it('restores two users who swapped their names since the snapshot', async () => {
      const { ws, call, base, domain, ann } = await workspaceWithData(h);
      const bob = (await call('POST', `${base}/users`, { userPrincipalName: `bob@${domain}`, displayName: 'Bob', usageLocation: 'US' })).json;
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'names' })).status, 201);
      const rename = async (id: string, alias: string) => assert.equal((await call('PATCH', `${base}/users/${id}`, { userPrincipalName: `${alias}@${domain}` })).status, 200);
      await rename(ann.id, 'tmp');
      await rename(bob.id, 'ann');
      await rename(ann.id, 'bob');
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/names/restore`)).status, 200);
      assert.equal((await call('GET', `${base}/users/${ann.id}`)).json.userPrincipalName, `ann@${domain}`);
      assert.equal((await call('GET', `${base}/users/${bob.id}`)).json.userPrincipalName, `bob@${domain}`);
      // The whole rewrite this takes keeps the search index in step too.
      const search = (text: string) => encodeURIComponent(JSON.stringify({ Field: 'UserPrincipalName', Value: text, Operator: 'substring' }));
      assert.deepEqual(await names(call, `${base}/users?filter=${search('ann@')}`), ['Ann Tanaka']);
      assert.deepEqual(await names(call, `${base}/users?filter=${search('tmp@')}`), []);
    });

    it('keeps a user deleted before the snapshot deleted and restorable, whatever happened to it since', async () => {
      const { ws, call, base, domain, ann } = await workspaceWithData(h);
      const cal = (await call('POST', `${base}/users`, { userPrincipalName: `cal@${domain}`, displayName: 'Cal Ito', usageLocation: 'US' })).json;
      assert.equal((await call('DELETE', `${base}/users/${cal.id}`)).status, 204);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'deleted' })).status, 201);
      // Since: Cal is restored, and Ann's password is reset.
      assert.equal((await call('PATCH', `${base}/users/${cal.id}`, { state: 'active' })).status, 200);
      assert.equal((await call('PATCH', `${base}/users/${ann.id}`, { passwordProfile: { forceChangePassword: true } })).status, 200);
      assert.deepEqual(await names(call, `${base}/users?filter=${deletedFilter}`), []);

      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/deleted/restore`)).status, 200);
      assert.deepEqual(await names(call, `${base}/users?filter=${deletedFilter}`), ['Cal Ito']);
      assert.deepEqual(await names(call, `${base}/users`), ['Ann Tanaka', 'Snap Ltd']);
      // Still restorable after the snapshot's restore, as it was when the snapshot was taken.
      assert.equal((await call('PATCH', `${base}/users/${cal.id}`, { state: 'active' })).status, 200);
      assert.deepEqual(await names(call, `${base}/users`), ['Ann Tanaka', 'Cal Ito', 'Snap Ltd']);
    });

    it('leaves other workspaces untouched, and goes with its workspace when that is deleted', async () => {
      const mine = await workspaceWithData(h);
      const theirs = await workspaceWithData(h);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${mine.ws.id}/snapshots`, { name: 'mine' })).status, 201);
      assert.equal((await theirs.call('POST', `${theirs.base}/users`, { userPrincipalName: `eve@${theirs.domain}`, displayName: 'Eve', usageLocation: 'US' })).status, 201);
      assert.equal((await mine.call('POST', `${mine.base}/users`, { userPrincipalName: `fay@${mine.domain}`, displayName: 'Fay', usageLocation: 'US' })).status, 201);
      assert.equal((await admin('POST', `/_tenantry/workspaces/${mine.ws.id}/snapshots/mine/restore`)).status, 200);
      assert.deepEqual(await names(mine.call, `${mine.base}/users`), ['Ann Tanaka', 'Snap Ltd']);
      assert.deepEqual(await names(theirs.call, `${theirs.base}/users`), ['Ann Tanaka', 'Eve', 'Snap Ltd']);
      expectFault(await admin('POST', `/_tenantry/workspaces/${theirs.ws.id}/snapshots/mine/restore`), 404, 600104);

      assert.equal((await admin('DELETE', `/_tenantry/workspaces/${mine.ws.id}`)).status, 204);
      const rows = await h.store.listSnapshots(mine.ws.id);
      assert.deepEqual(rows, []);
    });
  });
}

for (const factory of storeFactories) {
  describe(`workspace snapshots and throttling on ${factory.name}`, () => {
    let h: Harness;
    const admin = (method: string, url: string, body?: unknown) => h.request(method, url, { token: h.emulatorAdminToken!, body });
    before(async () => {
      h = await startEmulatorHarness(factory, {
        rateLimit: { enabled: true, budgets: { windowSeconds: 60, partnerReads: 1000, partnerWrites: 1000, customerReads: 1000, customerWrites: 5 } },
      });
    });
    after(async () => h.close());

    it('forgets idempotency answers and throttle counts made since, so a retried MS-RequestId acts anew', async () => {
      const { ws, call, base, domain } = await workspaceWithData(h);
      await admin('POST', `/_tenantry/workspaces/${ws.id}/clock`, { freeze: true });
      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots`, { name: 'before' })).status, 201);
      const requestId = newRequestId();
      const body = { userPrincipalName: `cy@${domain}`, displayName: 'Cy', usageLocation: 'US' };
      const first = await call('POST', `${base}/users`, body, { 'MS-RequestId': requestId });
      assert.equal(first.status, 201, first.text);
      // The customer's write budget (4 a minute) is spent by the set-up and this create.
      let throttled: TestResponse | undefined;
      for (let i = 0; i < 5 && !throttled; i++) {
        const res = await call('POST', `${base}/users`, { userPrincipalName: `x${i}@${domain}`, displayName: `X ${i}`, usageLocation: 'US' });
        if (res.status === 429) throttled = res;
      }
      assert.ok(throttled, 'the write budget runs out');

      assert.equal((await admin('POST', `/_tenantry/workspaces/${ws.id}/snapshots/before/restore`)).status, 200);
      const again = await call('POST', `${base}/users`, body, { 'MS-RequestId': requestId });
      assert.equal(again.status, 201, again.text);
      // A replayed answer would carry the first user's id; a new create gets a new one.
      assert.notEqual(again.json.id, first.json.id);
      // The customer's first user, Ann and Cy: the throttled attempts' users are gone with the restore.
      assert.equal((await call('GET', `${base}/users`)).json.totalCount, 3);
    });
  });
}

for (const factory of storeFactories) {
  describe(`workspace snapshots across two servers of one ${factory.name} database`, () => {
    it('a restore through one server is what the other serves next: users, clock, seeded ids and fault rules (as with --workers)', async () => {
      const store = await factory.open();
      const adminToken = 'snapshot-two-servers-admin-token';
      // As with --workers: every request re-reads its workspace row.
      const config = { logLevel: 'silent', sweepIntervalMs: 0, rateLimit: { ...defaultConfig.rateLimit, enabled: false }, emulator: { adminToken, stateCacheMs: 0 } } as const;
      const [a, b] = [await buildApp(store, config), await buildApp(store, config)];
      try {
        type App = typeof a.app;
        const call = async (app: App, method: string, url: string, token: string, body?: unknown) => {
          const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
          return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
        };
        const ws = (await call(a.app, 'POST', '/_tenantry/workspaces', adminToken, { seed: `snapshot-two-servers-${factory.name}` })).json;
        const token = ws.tokens.AdminAgent as string;
        const domain = `two-snap-${factory.name}.onmicrosoft.com`;
        const customer = (await call(a.app, 'POST', '/v1/customers', token, { companyProfile: { domain }, billingProfile: { companyName: 'Two' } })).json;
        const users = `/v1/customers/${customer.id}/users`;
        assert.equal((await call(a.app, 'POST', `/_tenantry/workspaces/${ws.id}/snapshots`, adminToken, { name: 'shared' })).status, 201);
        const create = async (app: App, alias: string) => (await call(app, 'POST', users, token, { userPrincipalName: `${alias}@${domain}`, displayName: alias })).json.id as string;

        // Writes through B: a user, a month on the clock, a fault rule that B starts serving (a 500:
        // a 503's Retry-After check is per-process state, which only the restoring process forgets).
        const firstId = await create(b.app, 'gus');
        assert.equal((await call(b.app, 'POST', `/_tenantry/workspaces/${ws.id}/clock`, adminToken, { advance: 'P30D' })).status, 200);
        assert.ok((await call(b.app, 'POST', `/_tenantry/workspaces/${ws.id}/faults`, adminToken, { effect: { status: 500 }, match: { operation: 'customers.list' } })).status < 300);
        assert.equal((await call(b.app, 'GET', '/v1/customers', token)).status, 500);

        assert.equal((await call(a.app, 'POST', `/_tenantry/workspaces/${ws.id}/snapshots/shared/restore`, adminToken)).status, 200);
        assert.equal((await call(b.app, 'GET', users, token)).json.totalCount, 1, 'only the customer\'s first user');
        const clock = (await call(b.app, 'GET', `/_tenantry/workspaces/${ws.id}`, adminToken)).json.clock;
        assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 60_000, 'B reads the clock back from its month ahead');
        assert.equal(await create(b.app, 'gus'), firstId, 'B issues the same seeded id again');
        // B caches fault rules per process for at most 250 ms (FaultService); past that it reads the restored (empty) set.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal((await call(b.app, 'GET', '/v1/customers', token)).status, 200);
      } finally {
        await a.app.close();
        await b.app.close();
        await factory.dispose(store);
      }
    });
  });
}
