import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoCustomerId } from '../demo/demo-data.js';
import { createScratchDatabase, requestOnce, runCli, startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { parseWorkerCount } from './serve-cluster.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const childPids = (pid: number) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe('--workers', () => {
  it('takes 1 to 64 processes, and more than one only on a database every process can open', () => {
    assert.equal(parseWorkerCount('1', 'sqlite::memory:'), 1);
    assert.equal(parseWorkerCount('4', 'postgres://127.0.0.1/t'), 4);
    assert.equal(parseWorkerCount('2', 'sqlite:./data/t.db'), 2);
    assert.throws(() => parseWorkerCount('2', 'sqlite::memory:'), /in-memory SQLite/);
    assert.throws(() => parseWorkerCount('0', 'postgres://127.0.0.1/t'), /whole number/);
    assert.throws(() => parseWorkerCount('two', 'postgres://127.0.0.1/t'), /whole number/);
  });

  it('refuses several workers on an in-memory SQLite database with a clear message', async () => {
    await assert.rejects(runCli(['serve', '--workers', '2', '--port', '0', '--database', 'sqlite::memory:']), /in-memory SQLite/);
  });
});

/** A SQLite file in the temp folder, removed with its WAL files afterwards. */
function scratchSqliteFile(): { url: string; drop(): Promise<void> } {
  const file = join(tmpdir(), `tenantry-cluster-${randomUUID()}.db`);
  return { url: `sqlite:${file}`, drop: async () => { for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true }); } };
}

const clusterDatabases: { name: string; create(): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  { name: 'PostgreSQL', create: createScratchDatabase },
  { name: 'a SQLite file', create: async () => scratchSqliteFile() },
];

for (const database of clusterDatabases) describe(`tenantry serve --workers 2 on ${database.name}`, { timeout: 180_000 }, () => {
  let db: { url: string; drop(): Promise<void> };
  let server: ServerProcess;
  let auth: Record<string, string>;
  const users = `/v1/customers/${demoCustomerId}/users`;
  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => requestOnce(method, `${server.url}${path}`, { ...auth, ...headers }, body);
  const workerOf = (res: { headers: Record<string, unknown> }) => String(res.headers['x-tenantry-worker']);

  before(async () => {
    db = await database.create();
    server = await startServerProcess(
      ['--workers', '2', '--port', '0', '--database', db.url, '--demo', '--log-level', 'warn', '--rate-limit-budgets', 'customer-reads=40,window=86400'],
    );
    auth = { authorization: `Bearer ${(await runCli(['token', '--database', db.url])).trim()}` };
  });
  after(async () => {
    if (server && server.child.exitCode === null) await server.stop();
    await db?.drop();
  });

  it('announces one listening line once both workers listen, and both answer', async () => {
    assert.equal(server.output().match(/^listening on /gm)?.length, 1);
    const seen = new Set<string>();
    for (let i = 0; i < 50 && seen.size < 2; i++) seen.add(workerOf(await call('GET', '/healthz')));
    assert.deepEqual([...seen].sort(), ['1', '2']);
  });

  it('continues a page on one worker from a continuation token another worker issued', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', users, {}, { userPrincipalName: `pager${i}@${domain}`, displayName: `Pager ${i}` });
      assert.equal(res.status, 201, res.text);
    }
    const ids: string[] = [];
    const workers = new Set<string>();
    let res = await call('GET', `${users}?size=2`);
    for (;;) {
      assert.equal(res.status, 200, res.text);
      workers.add(workerOf(res));
      ids.push(...res.json.items.map((u: { id: string }) => u.id));
      if (!res.json.continuationToken) break;
      res = await call('GET', `/v1${res.json.links.next.uri}`, { 'ms-continuationtoken': res.json.continuationToken });
    }
    assert.equal(ids.length, 7, 'the two demo users and five new ones');
    assert.equal(new Set(ids).size, 7);
    assert.deepEqual([...workers].sort(), ['1', '2'], 'pages came from both workers');
  });

  it('creates one user from twenty concurrent POSTs with one MS-RequestId spread over both workers, and answers all alike', async () => {
    const requestId = randomUUID();
    const body = { userPrincipalName: `clustered@${domain}`, displayName: 'Clustered' };
    const results = await Promise.all(Array.from({ length: 20 }, () => call('POST', users, { 'ms-requestid': requestId }, body)));
    assert.deepEqual([...new Set(results.map((r) => r.status))], [201]);
    assert.equal(new Set(results.map((r) => r.text)).size, 1, 'identical answers, temporary password included');
    assert.deepEqual([...new Set(results.map(workerOf))].sort(), ['1', '2']);
    const list = await call('GET', `${users}?size=500&filter=${encodeURIComponent(JSON.stringify({ Field: 'UserPrincipalName', Value: 'clustered@', Operator: 'starts_with' }))}`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 1);
    const audit = await call('GET', `/v1/auditrecords?size=500&filter=${encodeURIComponent(JSON.stringify({ Field: 'ResourceType', Value: 'customer_user', Operator: 'equals' }))}`);
    const records = audit.json.items.filter((r: any) => r.customizedData.some((d: any) => d.key === 'RequestId' && d.value === requestId));
    assert.equal(records.length, 1, 'one audit record for the one write');
  });

  it('shares the throttling budget between the workers', async () => {
    const customer = await call('POST', '/v1/customers', {}, { companyProfile: { domain: `budget${Date.now()}` }, billingProfile: { companyName: 'Budget' } });
    assert.equal(customer.status, 201, customer.text);
    const path = `/v1/customers/${customer.json.id}/users`;
    const results = [];
    for (let i = 0; i < 44; i++) results.push(await call('GET', path));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 40, 'forty reads in the window, counted across both processes');
    assert.ok(results.slice(40).every((r) => r.status === 429));
    assert.deepEqual([...new Set(ok.map(workerOf))].sort(), ['1', '2']);
    assert.deepEqual(ok.map((r) => Number(r.headers['x-ratelimit-remaining'])), Array.from({ length: 40 }, (_, i) => 39 - i));
  });

  it('replaces a worker that dies', async () => {
    const [victim] = childPids(server.child.pid!);
    process.kill(victim, 'SIGKILL');
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !seen.has('3')) {
      // A connection the primary hands to the dying worker just before it notices gets no answer
      // (node:cluster's round-robin race); clients retry such requests on their timeout.
      const res = await requestOnce('GET', `${server.url}/healthz`, {}, undefined, 2000).catch(() => undefined);
      if (res?.status === 200) seen.add(workerOf(res));
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(seen.has('3'), `a third worker took over: ${[...seen]}`);
    assert.match(server.output(), /worker \d exited \(SIGKILL\); starting another/);
    const after = new Set<string>();
    for (let i = 0; i < 50 && after.size < 2; i++) after.add(workerOf(await call('GET', '/healthz')));
    assert.equal(after.size, 2, 'both live workers answer again');
  });

  it('keeps the port it announced when every worker dies at once', async () => {
    // Started with --port 0: when no worker holds the shared port, the replacements must ask for
    // the same one rather than for any free port.
    const before = childPids(server.child.pid!);
    assert.equal(before.length, 2);
    for (const pid of before) process.kill(pid, 'SIGKILL');
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && seen.size < 2) {
      const res = await requestOnce('GET', `${server.url}/healthz`, {}, undefined, 2000).catch(() => undefined);
      if (res?.status === 200) seen.add(workerOf(res));
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(seen.size, 2, `two new workers answer on ${server.url}: ${[...seen]}`);
    assert.ok([...seen].every((id) => Number(id) > 3), `only replacements answer: ${[...seen]}`);
  });

  it('stops every worker on SIGTERM', async () => {
    const pid = server.child.pid!;
    const workers = childPids(pid);
    assert.equal(workers.length, 2);
    assert.equal(await server.stop(), 0);
    for (const w of workers) assert.throws(() => process.kill(w, 0), 'worker process is gone');
  });
});
