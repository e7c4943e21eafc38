/**
 * Section 5 of `npm run bench` alone (search at a million users, and what the search index costs
 * writes), for measuring a change to search quickly:
 *
 *   node --import tsx bench/search-only.ts [sqlite,postgres] [users] [seconds]
 *
 * Seeds the bench customer six times per store, three pairs without and with the search index
 * (the median of the pairs' ratios counts), serves the indexed copy for the search rows and both copies for
 * create-user requests (alternating, so both see the same machine), prints the ratios and writes bench/search-results.json. PostgreSQL uses
 * BENCH_PG_DATABASE (default tenantry_bench) and the same name with `_noindex`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearerToken, benchCustomerId, benchDir, benchDomain, type Dataset } from './lib/dataset.js';
import { repoRoot, startServer } from './lib/processes.js';
import { fastestSeed, runSearches, seedRounds, seedSpeedRatio, searchBaselineP50, searchCases, searchTargets, seedWithAndWithoutIndex, type SearchIndexCost } from './lib/search.js';
import { ensureWrk, runWrk, type WrkResult } from './lib/wrk.js';

const stores = (process.argv[2] ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const users = Number(process.argv[3] ?? 1_000_000);
const seconds = Number(process.argv[4] ?? 4);
const log = (line: string) => process.stderr.write(`[search ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

ensureWrk();
execFileSync('npm', ['run', 'build:server'], { cwd: repoRoot, stdio: 'ignore' });
const resultsFile = join(repoRoot, 'bench/search-results.json');
// Stores not run this time keep their earlier figures (each entry carries its own date).
const results: Record<string, { date?: string; search: Record<string, WrkResult>; baselines?: WrkResult[]; index: SearchIndexCost }> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).results : {};
const lines: string[] = [];
for (const store of stores) {
  log(`${store}: seeding ${users} users without the search index and with it, ${seedRounds} pairs`);
  const seedRuns = await seedWithAndWithoutIndex(store, users, seedRounds);
  const seedWithout: Dataset = fastestSeed(seedRuns.without);
  const seedWith = fastestSeed(seedRuns.with);
  log(`${store}: ${seedWith.seedUsersPerSecond} users/s with the index, ${seedWithout.seedUsersPerSecond} without (fastest of each)`);
  const server = await startServer(seedWith.database);
  const auth = await bearerToken(seedWith.database);
  const listUrl = `${server.url}/v1/customers/${benchCustomerId}/users?size=100`;
  // Warm the caches (both stores read through the OS's file cache) before measuring.
  await runSearches(listUrl, auth, 1, runWrk);
  const { byLabel: search, baselines } = await runSearches(listUrl, auth, seconds, runWrk, server.child.pid);
  log(`${store}: searches done`);

  const plain = await startServer(seedWithout.database);
  const plainAuth = await bearerToken(seedWithout.database);
  const createWith: WrkResult[] = [];
  const createWithout: WrkResult[] = [];
  for (let round = 0; round < 2; round++) {
    createWithout.push(await runWrk({ url: `${plain.url}/v1/customers/${benchCustomerId}/users`, connections: 8, seconds, auth: plainAuth, createDomain: benchDomain }));
    createWith.push(await runWrk({ url: `${server.url}/v1/customers/${benchCustomerId}/users`, connections: 8, seconds, auth, createDomain: benchDomain }));
  }
  await plain.stop();
  await server.stop();
  results[store] = { date: new Date().toISOString(), search, baselines, index: { seedWith, seedWithout, seedRuns, createWith, createWithout } };

  const baseP50 = searchBaselineP50(search, baselines);
  lines.push(`| store | query (size=100, first page, c=1) | req/s | p50 ms | p99 ms | server CPU µs/req | p50 ÷ unfiltered p50 | target | holds |`, '|---|---|---|---|---|---|---|---|---|');
  for (const c of searchCases) {
    const w = search[c.label];
    const ratio = w.p50Ms / baseP50;
    const target = c.target ? searchTargets[c.target] : undefined;
    lines.push(`| ${store} | ${c.label} | ${w.requestsPerSecond.toFixed(0)} | ${w.p50Ms.toFixed(2)} | ${w.p99Ms.toFixed(2)} | ${w.cpuMicrosPerRequest?.toFixed(0) ?? '—'} | **${ratio.toFixed(2)}** | ${target ? `≤ ${target}` : ''} | ${target ? (ratio <= target ? 'yes' : '**no**') : ''} |`);
  }
  const rate = (ws: WrkResult[]) => ws.reduce((n, w) => n + w.requests, 0) / ws.reduce((n, w) => n + w.seconds, 0);
  const createCost = rate(createWithout) / rate(createWith);
  const { pairs: seedPairs, median: seedRatio } = seedSpeedRatio(seedRuns);
  lines.push('');
  lines.push(`| store | without index | with index | ratio | target | holds |`, '|---|---|---|---|---|---|');
  lines.push(`| ${store} | seed ${seedWithout.seedUsersPerSecond.toLocaleString('en-US')} users/s (${seedWithout.seedSeconds} s) | seed ${seedWith.seedUsersPerSecond.toLocaleString('en-US')} users/s (${seedWith.seedSeconds} s) | speed with ÷ without, median of ${seedPairs.length} pairs (${seedPairs.map((p) => p.toFixed(2)).join(' / ')}) **${seedRatio.toFixed(2)}** | ≥ 0.7 | ${seedRatio >= 0.7 ? 'yes' : '**no**'} |`);
  lines.push(`| ${store} | create ${rate(createWithout).toFixed(1)} req/s | create ${rate(createWith).toFixed(1)} req/s | cost with ÷ without **${createCost.toFixed(2)}** | ≤ 1.15 | ${createCost <= 1.15 ? 'yes' : '**no**'} |`);
  lines.push('');
  process.stdout.write(lines.splice(0).join('\n') + '\n');
  writeFileSync(resultsFile, JSON.stringify({ users, seconds, results }, null, 2).split(repoRoot).join('') + '\n');
}
log(`done; raw figures in ${join('bench', 'search-results.json')} (databases in ${benchDir.split(repoRoot).join('')})`);
