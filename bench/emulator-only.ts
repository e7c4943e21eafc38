/**
 * The emulator-cost section of `npm run bench` alone (bench/lib/emulator-cost.ts): seeds a small
 * SQLite (and, with STORES=sqlite,postgres, PostgreSQL) dataset, walks it once for continuation
 * tokens, then measures a plain server against `serve --emulator` with the journal off and on.
 *
 *   BENCH_USERS=20000 BENCH_SECONDS=5 node --import tsx bench/emulator-only.ts
 */
import { mkdirSync } from 'node:fs';
import { bearerToken, benchDir, seedDataset, walkPages } from './lib/dataset.js';
import { benchEmulatorCost, emulatorRatios } from './lib/emulator-cost.js';
import { startServer } from './lib/processes.js';
import { ensureWrk } from './lib/wrk.js';

const users = Number(process.env.BENCH_USERS ?? 20_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const stores = (process.env.STORES ?? 'sqlite').split(',') as ('sqlite' | 'postgres')[];
const log = (line: string) => process.stderr.write(`[emulator bench] ${line}\n`);

mkdirSync(benchDir, { recursive: true });
ensureWrk();
for (const store of stores) {
  const dataset = await seedDataset(store, users, store === 'sqlite' ? 'emulator-cost' : 'tenantry_bench_emulator');
  const auth = await bearerToken(dataset.database);
  const server = await startServer(dataset.database);
  const walked = await walkPages(server.url, auth, `emulator-${store}`);
  await server.stop();
  log(`${store}: ${users} users, ${walked.pages} pages`);
  const cost = await benchEmulatorCost(dataset.database, walked.tokensFile, auth, seconds, { rounds: Number(process.env.ROUNDS ?? 4), log });
  const ratio = emulatorRatios(cost);
  console.log(`${store}: journal off ${ratio.journalOff.toFixed(2)} × plain (target ≥ 0.9), journal on ${ratio.journalOn.toFixed(2)} × plain (target ≥ 0.6)`);
}
