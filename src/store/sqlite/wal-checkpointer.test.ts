/**
 * A serving SQLite store checkpoints its WAL on a thread of its own (wal-checkpointer.ts): the
 * database file takes the committed pages without the store's connection checkpointing, and a
 * bulk load still has the database to itself to leave WAL mode.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedUsers } from '../../cli/commands/seed.js';
import { demoPartnerId } from '../../demo/demo-data.js';
import { syntheticUsers } from '../../demo/synthetic-users.js';
import { SqliteStore } from './sqlite-store.js';
import { checkpointEveryMs } from './wal-checkpointer.js';

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** Waits until `ready` holds, a few checkpoint ticks at most. */
async function eventually(ready: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 20 * checkpointEveryMs; waited += 20) {
    if (ready()) return true;
    await sleep(20);
  }
  return ready();
}

describe('a serving SQLite store', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-checkpoints-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has its commits copied into the database file by its checkpoint thread', async () => {
    const path = join(dir, 'serving.db');
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      await seedUsers(store, { partnerId: demoPartnerId, customerId: randomUUID(), usersPerCustomer: 10, customers: 1 });
      const customer = (await store.listCustomers(demoPartnerId, undefined, 1)).items[0];
      const writeUsers = (from: number) =>
        store.insertUsers(syntheticUsers(customer.id, customer.domain, from, 300).map((row) => ({ row, passwordHash: 'x' })));

      // Without the thread, commits far below wal_autocheckpoint stay in the log.
      await writeUsers(100);
      const before = fileSize(path);
      await sleep(3 * checkpointEveryMs);
      assert.equal(fileSize(path), before, 'nothing copied the log into the file yet');

      store.startBackgroundWork();
      assert.ok(await eventually(() => fileSize(path) > before), 'the thread checkpointed the first writes');
      const checkpointed = fileSize(path);
      await writeUsers(1000);
      assert.ok(await eventually(() => fileSize(path) > checkpointed), 'and keeps checkpointing later ones');
      assert.equal(await store.countUsers(customer.id, 'active'), 610);
    } finally {
      await store.close();
    }
  });

  it('still leaves WAL mode for a bulk load, its log staying small', async () => {
    const path = join(dir, 'bulk.db');
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      store.startBackgroundWork();
      // A few ticks, so that the thread's connection comes and goes around the load.
      await sleep(2 * checkpointEveryMs);
      const customerId = randomUUID();
      await seedUsers(store, { partnerId: demoPartnerId, customerId, usersPerCustomer: 5000, customers: 1 });
      // Loaded in WAL mode, the log would hold every page of the load (~5 MB).
      assert.ok(fileSize(`${path}-wal`) < 512 * 1024, `the log is ${fileSize(`${path}-wal`)} bytes`);
      assert.equal(await store.countUsers(customerId, 'active'), 5000);
    } finally {
      await store.close();
    }
  });
});
