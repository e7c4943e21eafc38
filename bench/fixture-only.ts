/**
 * The fixture-load comparison of `npm run bench` alone (bench/lib/fixture-load.ts):
 * a listed-user fixture loaded into a workspace vs `tenantry seed`, same run, same store.
 *
 *   STORES=sqlite,postgres BENCH_FIXTURE_USERS=100000 node --import tsx bench/fixture-only.ts
 */
import { mkdirSync } from 'node:fs';
import { benchDir } from './lib/dataset.js';
import { benchFixtureLoad, fixtureLoadTarget } from './lib/fixture-load.js';

mkdirSync(benchDir, { recursive: true });
const stores = (process.env.STORES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const users = Number(process.env.BENCH_FIXTURE_USERS ?? 100_000);
for (const store of stores) {
  const r = await benchFixtureLoad(store, users);
  console.log(
    `${store}: ${r.users} users — fixture ${r.fixtureUsersPerSecond.toFixed(0)} users/s (${r.fixtureSeconds.toFixed(2)} s) ` +
      `vs seed ${r.seedUsersPerSecond.toFixed(0)} users/s (${r.seedSeconds.toFixed(2)} s): ` +
      `${r.ratio.toFixed(2)}× (target ≥ ${fixtureLoadTarget}×)`,
  );
}
