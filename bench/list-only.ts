/**
 * Quick list-only measurement for development: `node --import tsx bench/list-only.ts sqlite:.bench/users-1m.db [seconds]`.
 * Same load and ceiling as `npm run bench` section 1, without re-seeding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCustomerId, benchDir, bearerToken, walkPages } from './lib/dataset.js';
import { startBaseline, startServer } from './lib/processes.js';
import { ensureWrk, runWrk } from './lib/wrk.js';

const database = process.argv[2];
const seconds = Number(process.argv[3] ?? 5);
const name = process.argv[4] ?? 'quick';
ensureWrk();
const server = await startServer(database, {}, (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean), (process.env.SERVE_ARGS ?? '').split(' ').filter(Boolean));
const auth = await bearerToken(database);
// REUSE_WALK=1 replays the tokens of an earlier walk (same database), so a profile shows only the load.
const walked = process.env.REUSE_WALK
  ? { tokensFile: join(benchDir, `tokens-${name}.txt`), sampleBodyFile: join(benchDir, `page-${name}.json`) }
  : await walkPages(server.url, auth, name);
const seekUrl = `${server.url}/v1/customers/${benchCustomerId}/users?size=100&seekOperation=Next`;
const baseline = await startBaseline(walked.sampleBodyFile);
// CPU time a process spent (user + system), in µs: per request it barely moves with machine load.
const cpuMicros = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
};
const systemMicros = (pid: number) => (Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[12]) * 1e6) / 100;
const measured = async (pid: number, o: Parameters<typeof runWrk>[0]) => {
  const before = cpuMicros(pid);
  const sysBefore = systemMicros(pid);
  const r = await runWrk(o);
  const n = r.requestsPerSecond * o.seconds;
  return { ...r, cpuPerRequest: (cpuMicros(pid) - before) / n, systemPerRequest: (systemMicros(pid) - sysBefore) / n };
};
for (const c of (process.env.CONNS ?? "1,50").split(",").map(Number)) {
  await runWrk({ url: `${baseline.url}/`, connections: c, seconds: 1, tokensFile: walked.tokensFile, auth });
  const b = await measured(baseline.child.pid!, { url: `${baseline.url}/x`, connections: c, seconds, tokensFile: walked.tokensFile, auth });
  await runWrk({ url: seekUrl, connections: c, seconds: 1, tokensFile: walked.tokensFile, auth });
  const s = await measured(server.child.pid!, { url: seekUrl, connections: c, seconds, tokensFile: walked.tokensFile, auth });
  console.log(`c=${c}: ceiling ${b.requestsPerSecond.toFixed(0)} req/s (${b.cpuPerRequest.toFixed(0)} µs CPU/req), tenantry ${s.requestsPerSecond.toFixed(0)} req/s (${s.cpuPerRequest.toFixed(0)} µs CPU/req of which ${s.systemPerRequest.toFixed(0)} kernel, p50 ${s.p50Ms.toFixed(2)} ms, errors ${s.errors ?? 0}) ratio ${(s.requestsPerSecond / b.requestsPerSecond).toFixed(3)}, CPU ratio ${(b.cpuPerRequest / s.cpuPerRequest).toFixed(3)}`);
}
if (process.env.GET_ONE) {
  const id = (JSON.parse(readFileSync(walked.sampleBodyFile, 'utf8')) as { items: { id: string }[] }).items[0].id;
  const one = await measured(server.child.pid!, { url: `${server.url}/v1/customers/${benchCustomerId}/users/${id}`, connections: 1, seconds, auth });
  console.log(`get one user c=1: ${one.requestsPerSecond.toFixed(0)} req/s, ${one.cpuPerRequest.toFixed(0)} µs CPU/req of which ${one.systemPerRequest.toFixed(0)} kernel`);
  const first = await measured(server.child.pid!, { url: `${server.url}/v1/customers/${benchCustomerId}/users?size=1`, connections: 1, seconds, auth });
  console.log(`first page of 1 c=1: ${first.requestsPerSecond.toFixed(0)} req/s, ${first.cpuPerRequest.toFixed(0)} µs CPU/req of which ${first.systemPerRequest.toFixed(0)} kernel`);
}
await baseline.stop();
await server.stop();
