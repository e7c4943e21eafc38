/**
 * Issue 12's "done when": the project's own SDK, driven through a fault profile (429s with
 * Retry-After, a 503, a 404 on page 3 of a walk), recovers, and the emulator's journal holds every
 * attempt, with one MS-RequestId per logical call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyFaultProfile } from '../../../../src/cli/emulator-start.js';
import { parseFaultProfile } from '../../../../src/cli/fault-profile.js';
import { type LiveServer, startLiveServer } from '../../../../src/test-support/live-server.js';
import { storeFactories } from '../../../../src/test-support/stores.js';
import { createEmulatorClient, createPartnerOperations, type EmulatorOperations, type JournalEntry, PartnerError } from '../index.js';

const adminToken = 'sdk-journal-admin-token-0123456789';

/** The profile, as a `serve --emulator --faults` file would hold it. */
const profile = JSON.stringify({
  rules: [
    { id: 'throttle-create', match: { operation: 'users.create', nth: 2 }, effect: { status: 429, retryAfter: 1 }, times: 1 },
    { id: 'busy-get', match: { operation: 'users.get' }, effect: { status: 503, retryAfter: 1 }, times: 1 },
    { id: 'gone-page-3', match: { operation: 'users.list', page: 3 }, effect: { status: 404 }, times: 1 },
  ],
});

for (const factory of storeFactories) {
  describe(`the SDK through a fault profile on ${factory.name}`, () => {
    let server: LiveServer;
    let emulator: EmulatorOperations;

    before(async () => {
      server = await startLiveServer(factory, { emulator: { adminToken } });
      ({ emulator } = createEmulatorClient({ baseUrl: server.url, adminToken }));
    });
    after(() => server.close());

    test('retries the 429 and the 503 to success, surfaces the 404 of page 3, and the journal holds every attempt under one MS-RequestId per call', async () => {
      const ws = await emulator.workspaces.create({ name: 'sdk faults', seed: `sdk-faults-${factory.name}` });
      const parsed = parseFaultProfile(profile);
      assert.ok('rules' in parsed, JSON.stringify(parsed));
      await applyFaultProfile(server.store, ws.id, parsed.rules);

      const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: ws.tokens.AdminAgent } });
      const domain = `faults-${factory.name}.onmicrosoft.com`;
      const customer = await partner.customers.create({ companyProfile: { domain, companyName: 'Faults Ltd' } } as never);
      const users = partner.customers.byId(customer.id).users;
      const created = [];
      // The second create is answered 429 (Retry-After: 1); the SDK waits and resends it.
      for (let i = 0; i < 6; i++) created.push(await users.create({ userPrincipalName: `u${i}@${domain}`, displayName: `User ${i}`, usageLocation: 'US' } as never));
      assert.equal(created.length, 6);
      // Answered 503 (Retry-After: 1); the SDK retries after its own back-off.
      const one = await users.byId(created[0].id).get();
      assert.equal(one.id, created[0].id);

      // Page 3 of a 2-per-page walk is answered 404: not retryable, so the walk fails there.
      const walked: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const u of users.all({ size: 2 })) walked.push(u.id);
        })(),
        (e: unknown) => e instanceof PartnerError && e.status === 404,
      );
      assert.equal(walked.length, 4, 'two pages arrived before page 3 failed');
      // The rule fired once: walking again from the start reads every user.
      const again: string[] = [];
      for await (const u of users.all({ size: 2 })) again.push(u.id);
      // Every created user (and the admin user the customer came with).
      assert.ok(created.every((u) => again.includes(u.id)));
      const pagesOfSecondWalk = Math.ceil(again.length / 2);

      const journal = emulator.workspaces.byId(ws.id).requests;
      const entries: JournalEntry[] = [];
      for await (const e of journal.all({ size: 7 })) entries.push(e);
      const oldestFirst = [...entries].reverse();

      const byRequestId = new Map<string, JournalEntry[]>();
      for (const e of oldestFirst) {
        assert.ok(e.requestId, 'every SDK call sends an MS-RequestId');
        byRequestId.set(e.requestId!, [...(byRequestId.get(e.requestId!) ?? []), e]);
      }
      for (const [requestId, attempts] of byRequestId) {
        const first = attempts[0];
        for (const a of attempts) assert.equal(`${a.method} ${a.path} ${JSON.stringify(a.query)}`, `${first.method} ${first.path} ${JSON.stringify(first.query)}`, `one MS-RequestId is one call: ${requestId}`);
        for (const a of attempts.slice(0, -1)) assert.ok(a.status >= 400, 'only the last attempt of a call may succeed');
      }
      // Logical calls: 1 customer, 6 creates, 1 get, 3 pages of the failed walk, the pages of the second.
      const logicalCalls = 1 + 6 + 1 + 3 + pagesOfSecondWalk;
      assert.equal(byRequestId.size, logicalCalls);

      const statusesOf = (e: JournalEntry) => byRequestId.get(e.requestId!)!.map((a) => a.status);
      const throttled = oldestFirst.find((e) => e.faultRuleId === 'throttle-create')!;
      assert.equal(throttled.status, 429);
      assert.deepEqual(statusesOf(throttled), [429, 201]);

      const busy = oldestFirst.find((e) => e.faultRuleId === 'busy-get')!;
      assert.equal(busy.status, 503);
      const getAttempts = byRequestId.get(busy.requestId!)!;
      assert.equal(getAttempts.at(-1)!.status, 200);
      // The SDK's own 503 back-off (0.5 s) is shorter than the Retry-After (1 s); it waits the
      // Retry-After, so the emulator's Retry-After check has nothing to answer 429.
      assert.deepEqual(getAttempts.map((a) => a.status), [503, 200]);

      const gone = oldestFirst.find((e) => e.faultRuleId === 'gone-page-3')!;
      assert.equal(gone.status, 404);
      assert.deepEqual(statusesOf(gone), [404]);
      assert.equal(gone.query.seekOperation, 'Next');

      assert.ok(entries.every((e) => e.correlationId === partner.correlationId));
      assert.ok(!entries.some((e) => e.checks.some((c) => c.check === 'ownPagingUrl' || c.check === 'pagingSizeResent' || c.check === 'noCorrelationId')), 'the SDK follows links.next and sends a correlation id');

      // The same journal through the SDK's other calls.
      assert.deepEqual(await journal.get(busy.id), busy);
      const onlyFaults = await journal.list({ status: 404 });
      assert.deepEqual(onlyFaults.items.map((e) => e.id), [gone.id]);
      const har = await journal.har();
      assert.equal(har.log.version, '1.2');
      assert.equal(har.log.entries.length, entries.length);
      const report = await emulator.workspaces.byId(ws.id).clientReport();
      assert.deepEqual(report.checks.map((c) => c.check), [], 'the SDK trips no client check');
    });
  });
}
