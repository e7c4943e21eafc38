/**
 * Issue 11's fixture target: a fixture of N users loads at ≥ 0.5 × `tenantry seed` speed, both
 * measured in the same run on fresh stores. The seed side is `seedUsers` (what `tenantry seed`
 * runs); the fixture side is what `POST /_tenantry/workspaces {fixture}` does: parse the JSON,
 * check it whole, then load it (FixtureLoader.validate + load).
 *
 *   node --import tsx bench/lib/fixture-load.ts [sqlite,postgres] [users]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedUsers } from '../../src/cli/commands/seed.js';
import { microsoft365E3 } from '../../src/domain/product-catalog.js';
import { FixtureLoader } from '../../src/services/emulator/fixture-loader.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { benchDir, pgAdminUrl } from './dataset.js';

export interface FixtureLoadResult {
  users: number;
  seedSeconds: number;
  seedUsersPerSecond: number;
  fixtureSeconds: number;
  fixtureUsersPerSecond: number;
  /** fixture users/s ÷ seed users/s (target ≥ 0.5). */
  ratio: number;
}

export const fixtureLoadTarget = 0.5;

/** A fixture of `users` listed users (every tenth licensed, a few role members), as JSON text. */
export function fixtureText(users: number): string {
  const domain = 'fixturebench.onmicrosoft.com';
  const list = Array.from({ length: users }, (_, n) => ({
    userPrincipalName: `user.${n}@${domain}`,
    displayName: `User ${n}`,
    firstName: 'User',
    lastName: String(n),
    usageLocation: 'US',
  }));
  const licensed = list.filter((_, n) => n % 10 === 0).map((u) => ({ user: u.userPrincipalName, skuIds: [microsoft365E3.id] }));
  return JSON.stringify({
    customers: [
      {
        companyName: 'Fixture Bench',
        domain,
        users: list,
        subscribedSkus: [{ skuId: microsoft365E3.id, seats: licensed.length }],
        licenses: licensed,
        roleMembers: [{ role: 'Helpdesk Administrator', users: list.slice(0, 10).map((u) => u.userPrincipalName) }],
      },
    ],
  });
}

async function freshStore(kind: 'sqlite' | 'postgres', name: string): Promise<{ store: Store; dispose: () => Promise<void> }> {
  if (kind === 'sqlite') {
    mkdirSync(benchDir, { recursive: true });
    const file = join(benchDir, `${name}.db`);
    rmSync(file, { force: true });
    const store = new SqliteStore(file);
    await store.migrate();
    return { store, dispose: async () => { await store.close(); rmSync(file, { force: true }); } };
  }
  const store = new PostgresStore(process.env.BENCH_FIXTURE_PG_URL ?? `${pgAdminUrl}/test`, { schema: `fx_${randomBytes(5).toString('hex')}` });
  await store.migrate();
  return { store, dispose: async () => { await store.dropSchema(); await store.close(); } };
}

/**
 * Seeds `users` users with `tenantry seed`'s code, then loads a fixture of as many users, each into
 * a fresh store of the kind, and compares the rates.
 *
 * @example
 * const r = await benchFixtureLoad('sqlite', 100_000); // r.ratio ≥ 0.5 is the target
 */
export async function benchFixtureLoad(kind: 'sqlite' | 'postgres', users: number): Promise<FixtureLoadResult> {
  const seeded = await freshStore(kind, 'fixture-seed');
  let seed;
  try {
    seed = await seedUsers(seeded.store, { partnerId: randomUUID(), customerId: randomUUID(), usersPerCustomer: users, customers: 1 });
  } finally {
    await seeded.dispose();
  }
  const text = fixtureText(users);
  const loaded = await freshStore(kind, 'fixture-load');
  let fixtureSeconds;
  try {
    const loader = new FixtureLoader(loaded.store);
    const started = performance.now();
    const fixture: unknown = JSON.parse(text);
    await loader.validate(fixture);
    await loader.load(randomUUID(), fixture, 'fixture-bench');
    fixtureSeconds = (performance.now() - started) / 1000;
  } finally {
    await loaded.dispose();
  }
  const fixtureUsersPerSecond = users / fixtureSeconds;
  return {
    users,
    seedSeconds: seed.seconds,
    seedUsersPerSecond: seed.usersPerSecond,
    fixtureSeconds,
    fixtureUsersPerSecond,
    ratio: fixtureUsersPerSecond / seed.usersPerSecond,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kinds = (process.argv[2] ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
  const users = Number(process.argv[3] ?? 100_000);
  for (const kind of kinds) {
    const r = await benchFixtureLoad(kind, users);
    process.stdout.write(
      `${kind}: ${users} users: seed ${r.seedSeconds.toFixed(2)} s (${r.seedUsersPerSecond.toFixed(0)}/s), fixture ${r.fixtureSeconds.toFixed(2)} s (${r.fixtureUsersPerSecond.toFixed(0)}/s): ratio ${r.ratio.toFixed(2)} (target ≥ ${fixtureLoadTarget})\n`,
    );
  }
}
