/**
 * `npm run bench`: seeds 1,000,000 users into SQLite and PostgreSQL, loads the server from wrk
 * on loopback in bounded runs, and writes BENCHMARKS.md and bench/results.json. Every figure is
 * set against a baseline measured in the same run, because the machine is shared and noisy.
 *
 * Environment: BENCH_USERS (default 1000000) and BENCH_SECONDS (per wrk run, default 8) shrink
 * a trial run; BENCH_SOAK_SECONDS (default 120) bounds the soak.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { bearerToken, benchCustomerId, benchDir, benchDomain, pgAdminUrl, pgBenchDatabase, walkPages, type Dataset, type Walk } from './lib/dataset.js';
import { alternateFirstAndLast, type DepthResult } from './lib/depth.js';
import { positionOf, timeQueries, type QueryTimings } from './lib/offset-peer.js';
import { cliPath, memoryOf, repoRoot, runCli, startBaseline, startFastifyFloor, startServer, type Running } from './lib/processes.js';
import { renderReport } from './lib/report.js';
import { benchFixtureLoad, type FixtureLoadResult } from './lib/fixture-load.js';
import { fastestSeed, runSearches, seedRounds, seedWithAndWithoutIndex, type SeedRuns } from './lib/search.js';
import { runSoak, type SoakResult } from './lib/soak.js';
import { benchEmulatorCost, type EmulatorCostResult } from './lib/emulator-cost.js';
import { benchSnapshot, type SnapshotBenchResult } from './lib/snapshot.js';
import { storePageCostInChild, type StorePageCost } from './lib/store-page-cost.js';
import { ensureWrk, runWrk, type WrkResult } from './lib/wrk.js';

const users = Number(process.env.BENCH_USERS ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 120);
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export interface StoreResults {
  dataset: Dataset;
  walk: { pages: number; seconds: number };
  /** `floor`: bare fastify serving the ceiling's bytes (absent in older results). */
  list: { baseline: WrkResult[]; server: WrkResult[]; floor?: WrkResult[]; parts?: PageCostParts };
  depth: { http: DepthResult; queries: QueryTimings };
  search: Record<string, WrkResult>;
  /** The baseline's runs between the search cases (absent in older results). */
  searchBaselines?: WrkResult[];
  /**
   * What the search index costs writes: seed and creates without it (absent in older results).
   * `dataset` and `seedWithout` are the fastest of `seedRuns` where there are several.
   */
  searchIndex?: { seedWithout: Dataset; seedRuns?: SeedRuns; createWith: WrkResult[]; createWithout: WrkResult[] };
  writes: { create: WrkResult; hash: { perSecond: number; p50Ms: number }; import: ImportResult };
  /** The same list runs against `serve --workers 2`. */
  listWorkers?: { workers: number; server: WrkResult[] };
  export?: ExportResult;
  /** Issue 11: a fixture of BENCH_FIXTURE_USERS users loaded against `tenantry seed` (absent in older results). */
  fixtureLoad?: FixtureLoadResult;
  serverPeakMb: number;
}

/**
 * Where a page's server CPU goes (issue 14), beside the list at 50 connections: the server
 * answering `/healthz` (every hook, no auth, no store), its first page of one user (auth, query,
 * route, token and a one-row read), and the store's read of a 100-user page alone, in-process.
 */
export interface PageCostParts {
  healthz: WrkResult;
  onePage: WrkResult;
  store: StorePageCost;
}

export interface ExportResult {
  available: boolean;
  note?: string;
  users?: number;
  seconds?: number;
  usersPerSecond?: number;
  cliPeakMb?: number;
  serverPeakMb?: number;
  /** The server's own (anonymous) memory at its highest during the export. */
  serverAnonPeakMb?: number;
}

export interface ImportResult {
  available: boolean;
  note?: string;
  rows?: number;
  created?: number;
  seconds?: number;
  usersPerSecond?: number;
}

export interface BenchResults {
  date: string;
  durationSeconds?: number;
  machine: Record<string, string | number>;
  users: number;
  wrkSeconds: number;
  commands: string[];
  stores: Partial<Record<'sqlite' | 'postgres', StoreResults>>;
  soak?: SoakResult & { store: string };
  /** Issue 12: the list against `serve --emulator`, journal off and on, beside a plain server (bench/lib/emulator-cost.ts). */
  emulator?: Partial<Record<'sqlite' | 'postgres', EmulatorCostResult>>;
  /** Issue 11: snapshot plus restore of a 10,000-user workspace beside a full reload (bench/lib/snapshot.ts). */
  snapshots?: Partial<Record<'sqlite' | 'postgres', SnapshotBenchResult>>;
}

const commands: string[] = [];
const wrk = (o: Parameters<typeof runWrk>[0]) => {
  commands.push(`wrk -t1 -c${o.connections} -d${o.seconds}s --timeout 10s -s bench/lua/requests.lua '${o.url.replace(/^http:\/\/[^/]+/, 'http://127.0.0.1:PORT')}'` +
    (o.tokensFile ? '  # BENCH_TOKENS_FILE: a random continuation token per request' : o.token ? '  # BENCH_TOKEN: the last page' : o.createDomain ? '  # BENCH_CREATE_DOMAIN: POST a new user per request' : ''));
  return runWrk(o);
};

function hashRate(secs: number, concurrency: number): Promise<{ perSecond: number; p50Ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/hash-rate.ts'), String(secs), String(concurrency)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      const m = /HASHJSON (\{.*\})/.exec(out);
      return m ? resolve(JSON.parse(m[1])) : reject(new Error(`hash-rate failed: ${out}`));
    });
  });
}

/** Whether a `tenantry users <command>` exists in this build. */
function usersCommandExists(command: string): boolean {
  try {
    return execFileSync(process.execPath, [cliPath, 'users', command, '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(command);
  } catch {
    return false;
  }
}

/** Runs the CLI with stdout into `outFile`, sampling its peak RSS and the server's RSS meanwhile. */
async function runMeasured(args: string[], outFile: string, serverPid: number): Promise<{ code: number; seconds: number; cliPeakMb: number; serverPeakMb: number; serverAnonPeakMb: number; stderr: string }> {
  const fd = openSync(outFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let cliPeakMb = 0;
  let serverPeakMb = 0;
  let serverAnonPeakMb = 0;
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const sample = () => {
    try {
      cliPeakMb = Math.max(cliPeakMb, memoryOf(child.pid!).peakMb);
      const server = memoryOf(serverPid);
      serverPeakMb = Math.max(serverPeakMb, server.rssMb);
      serverAnonPeakMb = Math.max(serverAnonPeakMb, server.anonMb);
    } catch {}
  };
  const sampler = setInterval(sample, 100);
  const code: number = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
  clearInterval(sampler);
  return { code, seconds: (performance.now() - started) / 1000, cliPeakMb, serverPeakMb, serverAnonPeakMb, stderr };
}

async function benchExport(server: Running, auth: string): Promise<ExportResult> {
  if (!usersCommandExists('export')) return { available: false, note: '`tenantry users export` does not exist in this build' };
  const out = join(benchDir, 'export.csv');
  commands.push(`node bin/tenantry.js --url http://127.0.0.1:PORT --token $TOKEN users export --customer ${benchCustomerId} -o csv > .bench/export.csv`);
  const r = await runMeasured(['--url', server.url, '--token', auth, 'users', 'export', '--customer', benchCustomerId, '-o', 'csv'], out, server.child.pid!);
  if (r.code !== 0) return { available: true, note: `export failed (${r.code}): ${r.stderr.trim().slice(-300)}` };
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0).length;
  const exported = lines - 1;
  return { available: true, users: exported, seconds: r.seconds, usersPerSecond: exported / r.seconds, cliPeakMb: r.cliPeakMb, serverPeakMb: r.serverPeakMb, serverAnonPeakMb: r.serverAnonPeakMb };
}

/** `tenantry users import` of a bulk-upload CSV: users created per second (scrypt runs per user). */
async function benchImport(server: Running, auth: string, rows: number): Promise<ImportResult> {
  if (!usersCommandExists('import')) return { available: false, note: '`tenantry users import` does not exist in this build' };
  const csv = join(benchDir, 'import.csv');
  const tag = `imp${Date.now() % 1e8}`;
  const lines = ['First name,Last name,Display name,Email/User name'];
  for (let i = 0; i < rows; i++) lines.push(`Import,User,Import User ${tag} ${i},${tag}.${i}@${benchDomain}`);
  writeFileSync(csv, lines.join('\n') + '\n');
  commands.push(`node bin/tenantry.js --url http://127.0.0.1:PORT --token $TOKEN users import .bench/import.csv --customer ${benchCustomerId} --usage-location US --concurrency 8 --results .bench/import.results.csv   # ${rows} rows`);
  const r = await runMeasured(['--url', server.url, '--token', auth, 'users', 'import', csv, '--customer', benchCustomerId, '--usage-location', 'US', '--concurrency', '8', '--results', join(benchDir, 'import.results.csv')], join(benchDir, 'import.out'), server.child.pid!);
  if (r.code !== 0) return { available: true, note: `import failed (${r.code}): ${r.stderr.trim().slice(-300)}` };
  const created = readFileSync(join(benchDir, 'import.results.csv'), 'utf8').split('\n').filter((l) => /,created,/.test(l)).length;
  return { available: true, rows, created, seconds: r.seconds, usersPerSecond: created / r.seconds };
}

async function benchStore(store: 'sqlite' | 'postgres', results: BenchResults): Promise<Running> {
  // The same load into a database whose search index was removed after migrating, alternating.
  log(`${store}: seeding ${users} users without the search index and with it, ${seedRounds} pairs`);
  const seedRuns = await seedWithAndWithoutIndex(store, users, seedRounds);
  const seedWithout = fastestSeed(seedRuns.without);
  const dataset = fastestSeed(seedRuns.with);
  commands.push(`node bin/tenantry.js seed --database ${store === 'sqlite' ? 'sqlite:.bench/users-1m.db' : `${pgAdminUrl}/${pgBenchDatabase}`} --customer ${benchCustomerId} --users ${users}`);
  log(`${store}: ${dataset.seedUsersPerSecond} users/s; starting server`);
  const server = await startServer(dataset.database);
  const auth = await bearerToken(dataset.database);
  const walked: Walk = await walkPages(server.url, auth, store);
  log(`${store}: walked ${walked.pages} pages in ${walked.seconds.toFixed(1)} s`);
  const listUrl = `${server.url}/v1/customers/${benchCustomerId}/users?size=100`;
  const seekUrl = `${listUrl}&seekOperation=Next`;

  // 1. List at random depth, against the bare node:http ceiling serving the same bytes, and bare
  // fastify serving them too (the framework's own floor), with each server's CPU per request.
  const baseline = await startBaseline(walked.sampleBodyFile);
  const floor = await startFastifyFloor(walked.sampleBodyFile);
  const list: StoreResults['list'] = { baseline: [], server: [], floor: [] };
  const pageUrl = (base: string) => `${base}/v1/customers/${benchCustomerId}/users?size=100&seekOperation=Next`;
  for (const c of [1, 50]) {
    await runWrk({ url: `${baseline.url}/`, connections: c, seconds: 2, tokensFile: walked.tokensFile, auth });
    list.baseline.push(await wrk({ url: pageUrl(baseline.url), connections: c, seconds, tokensFile: walked.tokensFile, auth, pid: baseline.child.pid }));
    await runWrk({ url: `${floor.url}/`, connections: c, seconds: 2, tokensFile: walked.tokensFile, auth });
    list.floor!.push(await wrk({ url: pageUrl(floor.url), connections: c, seconds, tokensFile: walked.tokensFile, auth, pid: floor.child.pid }));
    await runWrk({ url: seekUrl, connections: c, seconds: 2, tokensFile: walked.tokensFile, auth });
    list.server.push(await wrk({ url: seekUrl, connections: c, seconds, tokensFile: walked.tokensFile, auth, pid: server.child.pid }));
    log(`${store}: list c${c}: ${list.server.at(-1)!.requestsPerSecond.toFixed(0)} req/s vs ceiling ${list.baseline.at(-1)!.requestsPerSecond.toFixed(0)}, bare fastify ${list.floor!.at(-1)!.requestsPerSecond.toFixed(0)}`);
  }
  await floor.stop();
  await baseline.stop();
  const fixedCost = async (url: string) => {
    await runWrk({ url, connections: 50, seconds: 2, auth });
    return wrk({ url, connections: 50, seconds, auth, pid: server.child.pid });
  };
  list.parts = {
    healthz: await fixedCost(`${server.url}/healthz`),
    onePage: await fixedCost(`${server.url}/v1/customers/${benchCustomerId}/users?size=1`),
    store: await storePageCostInChild(dataset.database, benchCustomerId, walked.tokensFile),
  };
  log(`${store}: page parts: /healthz ${list.parts.healthz.cpuMicrosPerRequest?.toFixed(0)} µs, 1-user page ${list.parts.onePage.cpuMicrosPerRequest?.toFixed(0)} µs, store alone ${list.parts.store.cpuMicrosPerPage.toFixed(0)} µs`);

  // 2. Depth: first page vs last page, over HTTP and as bare queries beside OFFSET + count(*).
  const depthSeconds = Math.max(3, Math.round(seconds / 2));
  const http = await alternateFirstAndLast(listUrl, auth, walked.tokens.at(-1)!, 300);
  const lastOffset = (walked.pages - 1) * 100;
  const queries = await timeQueries(dataset.database, benchCustomerId, positionOf(walked.tokens.at(-1)!), lastOffset, store === 'sqlite' ? 9 : 5);
  log(`${store}: depth ${(http.lastP50Ms / http.firstP50Ms).toFixed(2)}; OFFSET last ${queries.offsetLastMs.toFixed(1)} ms`);

  // 5. Search at a million users (bench/lib/search.ts; bench/search-only.ts runs it alone).
  const { byLabel: search, baselines: searchBaselines } = await runSearches(listUrl, auth, depthSeconds, wrk, server.child.pid);
  log(`${store}: search done`);

  // 4. Writes: create-user requests (scrypt on) against the hash alone, same concurrency.
  const writeConnections = 8;
  const hash = await hashRate(depthSeconds, writeConnections);
  commands.push(`node --import tsx bench/hash-rate.ts ${depthSeconds} ${writeConnections}`);
  const create = await wrk({ url: `${server.url}/v1/customers/${benchCustomerId}/users`, connections: writeConnections, seconds: depthSeconds, auth, createDomain: benchDomain });
  // Creates with and without the search index, alternating so both see the same machine.
  const plain = await startServer(seedWithout.database);
  const plainAuth = await bearerToken(seedWithout.database);
  const createWith: WrkResult[] = [create];
  const createWithout: WrkResult[] = [];
  for (let round = 0; round < 2; round++) {
    createWithout.push(await runWrk({ url: `${plain.url}/v1/customers/${benchCustomerId}/users`, connections: writeConnections, seconds: depthSeconds, auth: plainAuth, createDomain: benchDomain }));
    if (round === 0) continue;
    createWith.push(await runWrk({ url: `${server.url}/v1/customers/${benchCustomerId}/users`, connections: writeConnections, seconds: depthSeconds, auth, createDomain: benchDomain }));
  }
  await plain.stop();
  log(`${store}: create ${create.requestsPerSecond.toFixed(0)}/s vs hash ${hash.perSecond.toFixed(0)}/s`);
  const imported = await benchImport(server, auth, 200);
  log(`${store}: import ${imported.usersPerSecond?.toFixed(0) ?? imported.note}`);

  // 3. Export, when the command exists.
  const exported = await benchExport(server, auth);
  log(`${store}: export ${exported.usersPerSecond?.toFixed(0) ?? exported.note} users/s`);

  // 6. Fixtures (issue 11): a fixture's load against `tenantry seed`, each into a fresh store.
  const fixtureUsers = Number(process.env.BENCH_FIXTURE_USERS ?? 100_000);
  const fixtureLoad = await benchFixtureLoad(store, fixtureUsers);
  commands.push(`node --import tsx bench/lib/fixture-load.ts ${store} ${fixtureUsers}`);
  log(`${store}: fixture ${fixtureLoad.fixtureUsersPerSecond.toFixed(0)} users/s vs seed ${fixtureLoad.seedUsersPerSecond.toFixed(0)} (${fixtureLoad.ratio.toFixed(2)})`);

  results.stores[store] = {
    dataset,
    fixtureLoad,
    walk: { pages: walked.pages, seconds: walked.seconds },
    list,
    depth: { http, queries },
    search,
    searchBaselines,
    writes: { create, hash, import: imported },
    searchIndex: { seedWithout, seedRuns, createWith, createWithout },
    export: exported,
    serverPeakMb: memoryOf(server.child.pid!).peakMb,
  };
  return server;
}

/** Writes the raw figures and the report; called after each phase so a late failure loses nothing. */
function save(results: BenchResults, started: number) {
  results.durationSeconds = (performance.now() - started) / 1000;
  // Paths inside the checkout are written relative to it: the files are committed.
  const relative = (text: string) => text.split(repoRoot).join('');
  writeFileSync(join(repoRoot, 'bench/results.json'), relative(JSON.stringify(results, null, 2) + '\n'));
  writeFileSync(join(repoRoot, 'BENCHMARKS.md'), relative(renderReport(results)));
}

async function main() {
  const started = performance.now();
  // Holds the event loop open until the end, so a lost child exit event cannot end the run early.
  const keepAlive = setInterval(() => {}, 60_000);
  mkdirSync(benchDir, { recursive: true });
  const wrkVersion = ensureWrk();
  log('building the server (npm run build:server)');
  execFileSync('npm', ['run', 'build:server'], { cwd: repoRoot, stdio: 'ignore' });
  const sqliteVersion = (new Database(':memory:').prepare('select sqlite_version() v').get() as { v: string }).v;
  const pgVersion = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atc', 'show server_version'], { encoding: 'utf8' }).trim();
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      sqlite: sqliteVersion,
      postgresql: pgVersion,
      wrk: wrkVersion,
      os: execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim(),
    },
    users,
    wrkSeconds: seconds,
    commands,
    stores: {},
  };

  const sqliteServer = await benchStore('sqlite', results);
  // 6. Soak on the SQLite server, which has now served every other benchmark.
  log(`soak: ${soakSeconds} s`);
  const walkedTokens = (await import('node:fs')).readFileSync(join(benchDir, 'tokens-sqlite.txt'), 'utf8').trim().split('\n');
  const userIds = (JSON.parse((await import('node:fs')).readFileSync(join(benchDir, 'page-sqlite.json'), 'utf8').replace(/^\uFEFF/, '')) as { items: { id: string }[] }).items.map((u) => u.id);
  const soak = await runSoak({
    baseUrl: sqliteServer.url,
    pid: sqliteServer.child.pid!,
    auth: await bearerToken(results.stores.sqlite!.dataset.database),
    customerId: benchCustomerId,
    domain: benchDomain,
    tokens: walkedTokens,
    userIds,
    seconds: soakSeconds,
    ratePerSecond: 100,
  });
  results.soak = { ...soak, store: 'sqlite' };
  log(`soak: ${soak.requests} requests, ${soak.errors} errors, RSS growth ${soak.rssGrowth.toFixed(2)}`);
  await sqliteServer.stop();
  await benchWorkers('sqlite', results);
  await benchEmulator('sqlite', results);
  save(results, started);

  const pgServer = await benchStore('postgres', results);
  await pgServer.stop();
  save(results, started);
  await benchWorkers('postgres', results);
  await benchEmulator('postgres', results);
  for (const store of ['sqlite', 'postgres'] as const) {
    try {
      results.snapshots = { ...results.snapshots, [store]: await benchSnapshot(store) };
    } catch (e) {
      log(`${store} snapshot bench skipped: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  save(results, started);
  clearInterval(keepAlive);
  log(`done in ${((results.durationSeconds ?? 0) / 60).toFixed(1)} min: BENCHMARKS.md, bench/results.json`);
}

/** Issue 12: what emulator mode and its journal cost the list, beside a plain server on the same data. */
async function benchEmulator(store: 'sqlite' | 'postgres', results: BenchResults) {
  const x = results.stores[store]!;
  try {
    const auth = await bearerToken(x.dataset.database);
    // Four alternating rounds: a plain server's own rate moved by up to a third between two rounds here.
    const cost = await benchEmulatorCost(x.dataset.database, join(benchDir, `tokens-${store}.txt`), auth, seconds, { rounds: 4, log: (line) => log(`${store}: ${line}`) });
    results.emulator = { ...results.emulator, [store]: cost };
  } catch (e) {
    log(`${store} emulator cost skipped: ${(e as Error).message.slice(0, 200)}`);
  }
}

/** The list runs again against `serve --workers 2` (node:cluster) on the same data. */
async function benchWorkers(store: 'sqlite' | 'postgres', results: BenchResults) {
  const x = results.stores[store]!;
  try {
    const workers = await startServer(x.dataset.database, {}, [], ['--workers', '2']);
    const auth = await bearerToken(x.dataset.database);
    const seekUrl = `${workers.url}/v1/customers/${benchCustomerId}/users?size=100&seekOperation=Next`;
    const tokensFile = join(benchDir, `tokens-${store}.txt`);
    const server: WrkResult[] = [];
    for (const c of [1, 50]) {
      await runWrk({ url: seekUrl, connections: c, seconds: 2, tokensFile, auth });
      server.push(await wrk({ url: seekUrl, connections: c, seconds, tokensFile, auth }));
    }
    x.listWorkers = { workers: 2, server };
    log(`${store} --workers 2: c50 ${server[1].requestsPerSecond.toFixed(0)} req/s`);
    await workers.stop();
  } catch (e) {
    log(`${store} --workers 2 skipped: ${(e as Error).message.slice(0, 200)}`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
