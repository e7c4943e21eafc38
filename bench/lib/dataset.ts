/**
 * The bench's data: a customer of 1,000,000 users in SQLite and in PostgreSQL, loaded with
 * `tenantry seed`, plus the continuation tokens of every page, collected by walking the list.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from './processes.js';

export const benchCustomerId = '0c39d6d5-c70d-4c55-bc02-f620844f3fd1';
export const benchDomain = 'seed0c39d6d5.onmicrosoft.com';
export const benchDir = join(repoRoot, '.bench');
export const pgAdminUrl = 'postgres://postgres@127.0.0.1:5432';
/** BENCH_PG_DATABASE names another database, so that two checkouts can bench side by side. */
export const pgBenchDatabase = process.env.BENCH_PG_DATABASE ?? 'tenantry_bench';

export interface Dataset {
  store: 'sqlite' | 'postgres';
  database: string;
  seedSeconds: number;
  seedUsersPerSecond: number;
}

/**
 * Recreates the store's database and seeds `users` users into the bench customer. `prepare`
 * runs on the new, empty database first (the search bench removes the search index there).
 */
/** How the bench's PostgreSQL command-line tools reach the server. */
const pgArgs = ['-h', '127.0.0.1', '-U', 'postgres'];

export async function seedDataset(store: 'sqlite' | 'postgres', users: number, name = store === 'sqlite' ? 'users-1m' : pgBenchDatabase, prepare?: (database: string) => Promise<void>): Promise<Dataset> {
  let database: string;
  if (store === 'sqlite') {
    const file = join(benchDir, `${name}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    database = `sqlite:${file}`;
  } else {
    execFileSync('dropdb', [...pgArgs, '--if-exists', '--force', name], { stdio: 'ignore' });
    execFileSync('createdb', [...pgArgs, name], { stdio: 'ignore' });
    database = `${pgAdminUrl}/${name}`;
  }
  if (prepare) await prepare(database);
  settleWrites(store);
  const out = await runCli(['seed', '--database', database, '--customer', benchCustomerId, '--users', String(users)]);
  const m = /in ([\d.]+) s: (\d+) users\/s/.exec(out);
  if (!m) throw new Error(`unexpected seed output: ${out}`);
  // PostgreSQL: the seed itself leaves fresh planner statistics and visibility (VACUUM (ANALYZE) after a large load), in its time.
  return { store, database, seedSeconds: Number(m[1]), seedUsersPerSecond: Number(m[2]) };
}

/**
 * Puts the writes of whatever ran before on disk, so that a seed does not pay for them (a
 * PostgreSQL checkpoint that falls in a seed writes out the dirty buffers of the database
 * seeded before it as well).
 */
function settleWrites(store: 'sqlite' | 'postgres'): void {
  if (store === 'postgres') execFileSync('psql', [...pgArgs, '-d', 'postgres', '-qAtc', 'CHECKPOINT'], { stdio: 'ignore' });
  execFileSync('sync', [], { stdio: 'ignore' });
}

/** A bearer token for the demo partner (which owns the seeded customer), from `tenantry token`. */
export async function bearerToken(database: string): Promise<string> {
  return (await runCli(['token', '--database', database, '--expires', '2h'])).trim();
}

export interface Walk {
  /** Continuation tokens of pages 2 … last, in order. */
  tokens: string[];
  tokensFile: string;
  /** One full page response body (a middle page), for the baseline server to replay. */
  sampleBodyFile: string;
  pages: number;
  seconds: number;
}

/** Walks every page of the bench customer's users, keeping each continuation token. */
export async function walkPages(baseUrl: string, auth: string, name: string): Promise<Walk> {
  const url = `${baseUrl}/v1/customers/${benchCustomerId}/users?size=100`;
  const started = performance.now();
  const tokens: string[] = [];
  let token: string | undefined;
  let sample = '';
  for (;;) {
    const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
    if (token) headers['ms-continuationtoken'] = token;
    const response = await fetch(token ? `${url}&seekOperation=Next` : url, { headers });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`page ${tokens.length + 1}: HTTP ${response.status} ${body.slice(0, 300)}`);
    if (!sample || tokens.length === 5000) sample = body;
    const next = (JSON.parse(body.replace(/^\uFEFF/, '')) as { continuationToken?: string }).continuationToken;
    if (!next) break;
    tokens.push(next);
    token = next;
  }
  const tokensFile = join(benchDir, `tokens-${name}.txt`);
  const sampleBodyFile = join(benchDir, `page-${name}.json`);
  writeFileSync(tokensFile, tokens.join('\n') + '\n');
  writeFileSync(sampleBodyFile, sample || 'x');
  return { tokens, tokensFile, sampleBodyFile, pages: tokens.length + 1, seconds: (performance.now() - started) / 1000 };
}
