import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { toUserRow } from '../domain/user.js';
import { ClaimLostError } from '../store/store.js';
import { newRequestId, startHarness, type Harness } from '../test-support/harness.js';
import { storeFactories } from '../test-support/stores.js';
import type { FastifyRequest } from 'fastify';
import { claimRequestId, idempotencyKey, idempotent, leaseMs } from './idempotency.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A claim's lease asked for at real time `at`, with the lease every request gets. */
const leaseAt = (at: Date) => ({ at, staleAfterMs: leaseMs });

/** Every stored idempotency row, read straight from the database. */
async function storedIdempotencyRows(h: Harness): Promise<unknown[]> {
  const sql = 'SELECT request_id, body FROM idempotency';
  if (h.store.dialect === 'sqlite') return (h.store as unknown as { db: { prepare(s: string): { all(): unknown[] } } }).db.prepare(sql).all();
  return (await (h.store as unknown as { pool: { query(s: string): Promise<{ rows: unknown[] }> } }).pool.query(sql)).rows;
}

for (const factory of storeFactories) {
  describe(`MS-RequestId idempotency on ${factory.name}`, () => {
    let h: Harness;
    const users = () => `/v1/customers/${h.customerId}/users`;
    const count = async () => (await h.request('GET', `${users()}?size=500`)).json.items.length;

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('replays the stored response to a retry and creates the user once', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `retry@${domain}`, displayName: 'Retry' };
      const before = await count();
      const first = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      const second = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.equal(second.text, first.text, 'same id, same temporary password');
      assert.equal(await count(), before + 1);
    });

    it('creates one user when twenty retries race, and all of them get the same answer', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `race@${domain}`, displayName: 'Race' };
      const before = await count();
      const results = await Promise.all(Array.from({ length: 20 }, () => h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } })));
      assert.ok(results.every((r) => r.status === 201), results.map((r) => r.status).join(','));
      assert.equal(new Set(results.map((r) => r.text)).size, 1);
      assert.equal(await count(), before + 1);
    });

    it('treats the same id with another body as a new request', async () => {
      const requestId = newRequestId();
      const a = await h.request('POST', users(), { body: { userPrincipalName: `first@${domain}`, displayName: 'First' }, headers: { 'ms-requestid': requestId } });
      const b = await h.request('POST', users(), { body: { userPrincipalName: `second@${domain}`, displayName: 'Second' }, headers: { 'ms-requestid': requestId } });
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.notEqual(a.json.id, b.json.id);
    });

    it('replays a business failure too, so a retry sees the same fault', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `faulty@${domain}`, displayName: 'Faulty', usageLocation: 'ZZ' };
      const first = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      const second = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(first.status, 400);
      assert.equal(second.status, 400);
      assert.equal(second.text, first.text);
    });

    it('keeps neither the request id nor the temporary password readable in the database', async () => {
      const requestId = newRequestId();
      const created = await h.request('POST', users(), { body: { userPrincipalName: `sealed@${domain}`, displayName: 'Sealed' }, headers: { 'ms-requestid': requestId } });
      const password: string = created.json.passwordProfile.password;
      const rows = await storedIdempotencyRows(h);
      assert.ok(rows.length > 0);
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(requestId), 'only a hash of the request id is stored');
      assert.ok(!dump.includes(password), 'the stored answer is sealed');
      const replay = await h.request('POST', users(), { body: { userPrincipalName: `sealed@${domain}`, displayName: 'Sealed' }, headers: { 'ms-requestid': requestId } });
      assert.equal(replay.json.passwordProfile.password, password, 'the caller with the id still gets the answer back');
    });

    it('keeps partners apart: the same request id from another partner is its own request', async () => {
      const requestId = newRequestId();
      const other = await h.token({ partnerId: '7d8e9f00-1111-2222-3333-444455556666' });
      const mine = await h.request('POST', '/v1/customers', { body: { companyProfile: { domain: 'idemmine' }, billingProfile: { companyName: 'Mine' } }, headers: { 'ms-requestid': requestId } });
      const theirs = await h.request('POST', '/v1/customers', { token: other, body: { companyProfile: { domain: 'idemtheirs' }, billingProfile: { companyName: 'Theirs' } }, headers: { 'ms-requestid': requestId } });
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.notEqual(mine.json.id, theirs.json.id);
    });
  });
}

for (const factory of storeFactories) {
  describe(`MS-RequestId idempotency after a crash on ${factory.name}`, () => {
    let h: Harness;
    const users = () => `/v1/customers/${h.customerId}/users`;
    const count = async () => (await h.request('GET', `${users()}?size=500`)).json.items.length;
    const userRow = (alias: string) =>
      toUserRow({
        customerId: h.customerId,
        id: randomUUID(),
        userPrincipalName: `${alias}@${domain}`,
        displayName: alias,
        userDomainType: 'none',
        state: 'active',
        forceChangePassword: true,
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      });

    before(async () => {
      h = await startHarness(factory);
    });
    after(async () => h.close());

    it('lets a retry take over the claim a crashed attempt left behind, and creates the user once', async () => {
      const requestId = newRequestId();
      const body = { userPrincipalName: `orphan@${domain}`, displayName: 'Orphan' };
      // What a process killed between its claim and its write leaves: a pending claim, no user.
      const key = idempotencyKey(h.partnerId, requestId, 'POST', users(), body);
      const orphan = await h.store.claimRequest(key, new Date(Date.now() - leaseMs - 1000), leaseAt(new Date(Date.now() - leaseMs - 1000)));
      assert.equal(orphan.kind, 'claimed');
      const before = await count();
      const retry = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(retry.status, 201, retry.text);
      const again = await h.request('POST', users(), { body, headers: { 'ms-requestid': requestId } });
      assert.equal(again.text, retry.text);
      assert.equal(await count(), before + 1);
    });

    it('renews only a claim the attempt still owns', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'r' };
      const t0 = Date.now();
      const first = await h.store.claimRequest(key, new Date(t0), leaseAt(new Date(t0)));
      assert.ok(first.kind === 'claimed');
      assert.equal(await h.store.renewClaim(first.claim, new Date(t0 + leaseMs - 1)), true);
      assert.equal((await h.store.claimRequest(key, new Date(t0 + leaseMs + 1), leaseAt(new Date(t0 + leaseMs + 1)))).kind, 'pending', 'a renewed lease runs from its renewal');
      const taker = await h.store.claimRequest(key, new Date(t0 + 2 * leaseMs), leaseAt(new Date(t0 + 2 * leaseMs)));
      assert.ok(taker.kind === 'claimed');
      assert.equal(await h.store.renewClaim(first.claim, new Date(t0 + 2 * leaseMs)), false, 'a claim taken over stays taken');
      assert.equal(await h.store.completeRequest(taker.claim, { status: 201, body: '{}' }), true);
      assert.equal(await h.store.renewClaim(taker.claim, new Date(t0 + 2 * leaseMs)), false, 'nor is a completed claim pending again');
    });

    it('takes over a dead attempt\'s claim once its lease has passed in real time, though the data\'s clock stands still', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'frozen' };
      const frozen = new Date('2030-01-01T00:00:00Z');
      const t0 = Date.now();
      const dead = await h.store.claimRequest(key, frozen, leaseAt(new Date(t0)));
      assert.equal(dead.kind, 'claimed');
      assert.equal((await h.store.claimRequest(key, frozen, leaseAt(new Date(t0 + leaseMs - 1)))).kind, 'pending');
      assert.equal((await h.store.claimRequest(key, frozen, leaseAt(new Date(t0 + leaseMs + 1)))).kind, 'claimed');
    });

    it('does not take a live attempt\'s claim for a dead one when the data\'s clock jumps a month ahead', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'jump' };
      const t0 = Date.now();
      const live = await h.store.claimRequest(key, new Date(t0), leaseAt(new Date(t0)));
      assert.equal(live.kind, 'claimed');
      assert.equal((await h.store.claimRequest(key, new Date(t0 + 30 * 86_400_000), leaseAt(new Date(t0 + 10)))).kind, 'pending');
    });

    it('answers the retry of a write whose process died under a frozen workspace clock within the lease, not after the 30 s wait', async () => {
      const requestId = newRequestId();
      const body = { frozen: true };
      const frozen = new Date('2030-01-01T00:00:00Z');
      const key = idempotencyKey(h.partnerId, requestId, 'POST', '/frozen', body);
      // What a worker killed mid-write leaves: its claim, made as a request makes it, and no answer.
      assert.equal((await claimRequestId(h.store, key, { now: () => frozen })).kind, 'claimed');
      const request = { headers: { 'ms-requestid': requestId }, principal: { partnerId: h.partnerId }, method: 'POST', url: '/frozen', body } as unknown as FastifyRequest;
      const answer = { status: 201, body: '{"frozen":true}' };
      let runs = 0;
      const started = performance.now();
      const result = await idempotent(h.store, request, async () => {
        runs++;
        return answer;
      }, { now: () => frozen });
      assert.deepEqual(result, answer);
      assert.equal(runs, 1);
      assert.ok(performance.now() - started < leaseMs + 2_000, `took ${Math.round(performance.now() - started)} ms`);
    });

    it('keeps a slow attempt\'s claim past the lease, so a retry from another process waits for its answer instead of running it again', async () => {
      const requestId = newRequestId();
      const body = { slow: true };
      const request = { headers: { 'ms-requestid': requestId }, principal: { partnerId: h.partnerId }, method: 'POST', url: '/slow', body } as unknown as FastifyRequest;
      const key = idempotencyKey(h.partnerId, requestId, 'POST', '/slow', body);
      const answer = { status: 201, body: '{"slow":true}' };
      const slow = idempotent(h.store, request, async () => {
        await sleep(leaseMs + 800);
        return answer;
      });
      await sleep(leaseMs + 300);
      assert.equal((await h.store.claimRequest(key, new Date(), leaseAt(new Date()))).kind, 'pending', 'the live attempt still holds its claim');
      assert.deepEqual(await slow, answer);
      const replay = await h.store.claimRequest(key, new Date(), leaseAt(new Date()));
      assert.equal(replay.kind, 'done');
    });

    it('rolls back a write whose claim was taken over, so the user and the stored answer never disagree', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'f' };
      const t0 = Date.now();
      const slow = await h.store.claimRequest(key, new Date(t0), leaseAt(new Date(t0)));
      const taker = await h.store.claimRequest(key, new Date(t0 + leaseMs + 1), leaseAt(new Date(t0 + leaseMs + 1)));
      assert.ok(slow.kind === 'claimed' && taker.kind === 'claimed');
      assert.notEqual(slow.claim.owner, taker.claim.owner);

      const winner = userRow('winner');
      const loser = userRow('loser');
      const winnerAnswer = { status: 201, body: JSON.stringify({ id: winner.id }) };
      assert.equal(await h.store.insertUser(winner, 'hash', { completion: { claim: taker.claim, response: winnerAnswer } }), 'ok');
      await assert.rejects(h.store.insertUser(loser, 'hash', { completion: { claim: slow.claim, response: { status: 201, body: '{}' } } }), ClaimLostError);
      assert.equal(await h.store.findUser(h.customerId, loser.id), undefined, 'the losing write left nothing behind');
      assert.equal(await h.store.completeRequest(slow.claim, { status: 409, body: '{}' }), false, 'nor can it overwrite the answer');
      const replay = await h.store.claimRequest(key, new Date(), leaseAt(new Date()));
      assert.deepEqual(replay, { kind: 'done', response: winnerAnswer });
      assert.ok(await h.store.findUser(h.customerId, winner.id));
    });

    it('commits a write\'s audit record with it, and keeps none from a write whose claim was lost', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'a' };
      const t0 = Date.now();
      const slow = await h.store.claimRequest(key, new Date(t0), leaseAt(new Date(t0)));
      const taker = await h.store.claimRequest(key, new Date(t0 + leaseMs + 1), leaseAt(new Date(t0 + leaseMs + 1)));
      assert.ok(slow.kind === 'claimed' && taker.kind === 'claimed');
      const record = (resourceId: string) => ({
        id: randomUUID(),
        partnerId: h.partnerId,
        operationDate: new Date().toISOString(),
        customerId: h.customerId,
        subject: 'someone@example.com',
        appOnly: false,
        resourceType: 'customer_user',
        resourceId,
        operationType: 'create_customer_user',
        operationStatus: 'succeeded' as const,
        httpStatus: 201,
        customizedData: [],
      });
      const winner = userRow('audited.winner');
      const loser = userRow('audited.loser');
      const kept = record(winner.id);
      const dropped = record(loser.id);
      assert.equal(await h.store.insertUser(winner, 'hash', { completion: { claim: taker.claim, response: { status: 201, body: '{}' } }, audit: kept }), 'ok');
      await assert.rejects(h.store.insertUser(loser, 'hash', { completion: { claim: slow.claim, response: { status: 201, body: '{}' } }, audit: dropped }), ClaimLostError);
      const ids = (await h.store.listAuditRecords(h.partnerId, { from: new Date(t0 - 60_000).toISOString() }, 500)).items.map((r) => r.id);
      assert.ok(ids.includes(kept.id), 'the write\'s record committed with it');
      assert.ok(!ids.includes(dropped.id), 'the rolled-back write left no record');
    });

    it('writes nothing when the answer cannot be stored: a lost claim rolls back a new customer too', async () => {
      const key = { partnerId: h.partnerId, requestId: newRequestId(), fingerprint: 'c' };
      const t0 = Date.now();
      const slow = await h.store.claimRequest(key, new Date(t0), leaseAt(new Date(t0)));
      await h.store.claimRequest(key, new Date(t0 + leaseMs + 1), leaseAt(new Date(t0 + leaseMs + 1)));
      assert.ok(slow.kind === 'claimed');
      const customerId = randomUUID();
      const customer = { partnerId: h.partnerId, id: customerId, commerceId: randomUUID(), domain: `lost${Date.now()}.onmicrosoft.com`, companyName: 'Lost', customDomains: [], billingProfile: { companyName: 'Lost' }, createdAt: '2026-01-01T00:00:00Z' };
      await assert.rejects(h.store.insertCustomer(customer, [], { completion: { claim: slow.claim, response: { status: 201, body: '{}' } } }), ClaimLostError);
      assert.equal(await h.store.findCustomer(h.partnerId, customerId), undefined);
    });
  });
}
