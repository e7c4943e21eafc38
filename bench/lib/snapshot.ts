/**
 * Issue 11's snapshot target: snapshot plus restore of a 10,000-user workspace in under 1 s on
 * SQLite, beside a full reload of the same data (wipe the workspace, then `tenantry seed`'s
 * bulk load of as many users) measured in the same run. In process, against the store itself,
 * so the figures are the store's work and not HTTP's.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { seedUsers } from '../../src/cli/commands/seed.js';
import { syntheticUsers, unusablePasswordHash } from '../../src/demo/synthetic-users.js';
import { realTime } from '../../src/domain/emulator/workspace-clock.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { benchDir, pgAdminUrl } from './dataset.js';

export interface SnapshotBenchResult {
  users: number;
  /** Medians over the rounds, in ms. */
  snapshotMs: number;
  restoreMs: number;
  reloadMs: number;
  rounds: number;
}

export const snapshotTargetMs = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function openFresh(store: 'sqlite' | 'postgres'): Promise<Store> {
  if (store === 'sqlite') {
    const file = join(benchDir, 'snapshot.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return openStore(`sqlite:${file}`);
  }
  const admin = new pg.Client({ connectionString: `${pgAdminUrl}/postgres` });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS tenantry_bench_snapshot');
  await admin.query('CREATE DATABASE tenantry_bench_snapshot');
  await admin.end();
  return openStore(`${pgAdminUrl}/tenantry_bench_snapshot`);
}

/**
 * @example
 * const r = await benchSnapshot('sqlite', 10_000);
 * console.log(r.snapshotMs + r.restoreMs, 'ms beside', r.reloadMs, 'ms to reload');
 */
export async function benchSnapshot(store: 'sqlite' | 'postgres', users = 10_000, rounds = 3): Promise<SnapshotBenchResult> {
  const s = await openFresh(store);
  try {
    await s.migrate();
    const partnerId = randomUUID();
    const customerId = randomUUID();
    await s.insertWorkspace({ id: partnerId, name: 'bench', clock: realTime, idCounter: 0, generation: 0, settings: '{}', createdAt: new Date().toISOString() });
    const reload = async () => {
      const t = performance.now();
      await s.deletePartnerData(partnerId);
      await seedUsers(s, { partnerId, customerId, usersPerCustomer: users, customers: 1 });
      return performance.now() - t;
    };
    await reload();
    const snapshotMs: number[] = [];
    const restoreMs: number[] = [];
    const reloadMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      await s.saveSnapshot(partnerId, 'bench', { createdAt: new Date().toISOString(), clock: realTime, idCounter: 0, settings: '{}' });
      snapshotMs.push(performance.now() - t);
      // Writes since the snapshot, which the restore undoes.
      const customer = (await s.findCustomer(partnerId, customerId))!;
      await s.insertUsers(syntheticUsers(customerId, customer.domain, users + round * 100, 100).map((row) => ({ row, passwordHash: unusablePasswordHash })));
      t = performance.now();
      const restored = await s.restoreSnapshot(partnerId, 'bench');
      restoreMs.push(performance.now() - t);
      if (!restored) throw new Error('the snapshot did not restore');
      const count = await s.countUsers(customerId, 'active');
      if (count !== users) throw new Error(`restored ${count} users, expected ${users}`);
      reloadMs.push(await reload());
    }
    return { users, snapshotMs: median(snapshotMs), restoreMs: median(restoreMs), reloadMs: median(reloadMs), rounds };
  } finally {
    await s.close();
  }
}

/** BENCHMARKS.md target rows. */
export function snapshotTargetRows(byStore: Partial<Record<'sqlite' | 'postgres', SnapshotBenchResult>> | undefined): string[] {
  const names = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
  const rows: string[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const r = byStore?.[store];
    if (!r) continue;
    const total = r.snapshotMs + r.restoreMs;
    const holds = store === 'sqlite' ? (total < snapshotTargetMs ? '**yes**' : '**no**') : '(no target)';
    rows.push(
      `| 11 | snapshot + restore of a ${r.users.toLocaleString('en-US')}-user workspace < 1 s | ${names[store]} | ${total.toFixed(0)} ms (${r.snapshotMs.toFixed(0)} + ${r.restoreMs.toFixed(0)}); ${(total / r.reloadMs).toFixed(2)} × a full reload (${r.reloadMs.toFixed(0)} ms) | ${holds} |`,
    );
  }
  return rows;
}
