import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { JournalRowBuilder, keptHead, toRow, type PendingEntry } from './journal-rows.js';

const entry = (i: number, answer: string): PendingEntry => ({
  partnerId: 'partner',
  time: `2026-01-01T00:00:0${i}Z`,
  method: 'POST',
  url: `/v1/customers/c/users?size=${i}`,
  operation: 'users.create',
  requestHeaders: { authorization: 'Bearer secret-token', 'ms-requestid': `r${i}` },
  requestBody: { displayName: `User ${i}`, passwordProfile: { password: 'hunter2!' } },
  status: 201,
  responseHeaders: { 'content-type': 'application/json' },
  response: keptHead(answer),
  durationMs: 1.234,
  checks: ['no-correlation-id'],
});

describe('journal rows', () => {
  const batch = [entry(1, '{"id":"u1","password":"Temp-1234"}'), entry(2, JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}`, displayName: `User ${i}` })) }))];

  it('are built on the worker thread exactly as on the calling thread, secrets replaced', async () => {
    const builder = new JournalRowBuilder();
    try {
      const rows = await builder.build(batch);
      assert.deepEqual(rows, batch.map(toRow));
      assert.ok(Buffer.isBuffer(rows[0].responseBody), 'the answer comes back as a Buffer');
      const answer = inflateRawSync(rows[0].responseBody!).toString('utf8');
      assert.doesNotMatch(answer + rows[0].entryJson, /Temp-1234|hunter2|secret-token/);
      assert.equal(rows.length, 2);
      assert.equal(JSON.parse(rows[1].entryJson).responseTruncated, true, 'the long answer is cut');
    } finally {
      await builder.close();
    }
  });

  it('are built on the calling thread once the worker has died, and the batch it held fails', async () => {
    const builder = new JournalRowBuilder();
    try {
      await builder.build(batch); // starts the worker
      const worker = (builder as unknown as { worker: { terminate(): Promise<number> } }).worker;
      // Big enough (a few hundred ms of work) that the worker still holds it when terminated:
      // a small batch could be answered before terminate() lands, and nothing would fail.
      const held = builder.build(Array.from({ length: 400 }, () => batch).flat());
      await worker.terminate();
      await assert.rejects(held, /exited/);
      assert.deepEqual(await builder.build(batch), batch.map(toRow));
    } finally {
      await builder.close();
    }
  });
});
