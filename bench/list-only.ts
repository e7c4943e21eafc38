/**
 * Section 1 of `npm run bench` alone, on a database seeded earlier, for measuring a change to the
 * list path quickly:
 *
 *   node --import tsx bench/list-only.ts sqlite:.bench/users-1m.db [seconds] [name]
 *
 * Prints req/s and each server's CPU µs per request against the `node:http` ceiling. Environment:
 * CONNS (default "1,50"); REUSE_WALK=1 replays the tokens of an earlier walk under the same name
 * (same database), so a profile shows only the load; NODE_ARGS (e.g. "--cpu-prof") and
 * SERVE_ARGS (e.g. "--workers 2") go to the server; GET_ONE=1 also measures one user's GET and a
 * one-user first page, the fixed cost of a request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCustomerId, benchDir, bearerToken, walkPages } from './lib/dataset.js';
import { startBaseline, startServer } from './lib/processes.js';
import { ensureWrk, runWrk, type WrkOptions } from './lib/wrk.js';

const database = process.argv[2];
const seconds = Number(process.argv[3] ?? 5);
const name = process.argv[4] ?? 'quick';
const words = (v: string | undefined) => (v ?? '').split(' ').filter(Boolean);

ensureWrk();
const server = await startServer(database, {}, words(process.env.NODE_ARGS), words(process.env.SERVE_ARGS));
const auth = await bearerToken(database);
const walked = process.env.REUSE_WALK
  ? { tokensFile: join(benchDir, `tokens-${name}.txt`), sampleBodyFile: join(benchDir, `page-${name}.json`) }
  : await walkPages(server.url, auth, name);
const seekUrl = `${server.url}/v1/customers/${benchCustomerId}/users?size=100&seekOperation=Next`;
const baseline = await startBaseline(walked.sampleBodyFile);

const measure = async (o: WrkOptions) => {
  await runWrk({ ...o, seconds: 1 });
  const r = await runWrk(o);
  return `${r.requestsPerSecond.toFixed(0)} req/s, ${r.cpuMicrosPerRequest?.toFixed(0)} µs CPU/req, p50 ${r.p50Ms.toFixed(2)} ms, errors ${r.errors}`;
};
for (const c of (process.env.CONNS ?? '1,50').split(',').map(Number)) {
  const common = { connections: c, seconds, tokensFile: walked.tokensFile, auth };
  console.log(`c=${c} ceiling:  ${await measure({ ...common, url: `${baseline.url}/x`, pid: baseline.child.pid })}`);
  console.log(`c=${c} tenantry: ${await measure({ ...common, url: seekUrl, pid: server.child.pid })}`);
}
if (process.env.GET_ONE) {
  const id = (JSON.parse(readFileSync(walked.sampleBodyFile, 'utf8')) as { items: { id: string }[] }).items[0].id;
  console.log(`get one user, c=1:   ${await measure({ url: `${server.url}/v1/customers/${benchCustomerId}/users/${id}`, connections: 1, seconds, auth, pid: server.child.pid })}`);
  console.log(`first page of 1, c=1: ${await measure({ url: `${server.url}/v1/customers/${benchCustomerId}/users?size=1`, connections: 1, seconds, auth, pid: server.child.pid })}`);
}
await baseline.stop();
await server.stop();
