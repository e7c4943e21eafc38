/**
 * Restarts without losing requests, with a real `tenantry serve` and a steady load of reads and
 * writes (clients on a new connection per request and clients on kept-alive connections):
 * SIGHUP and `tenantry serve reload` replace every worker one by one, a worker stopped with
 * SIGTERM finishes its requests and is replaced, and SIGTERM to the server finishes what is in
 * flight before it exits, as does Ctrl-C (SIGINT to every process, then SIGTERM from the primary).
 * No request may fail in any of these. On a SQLite file and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoCustomerId, demoDomain } from '../demo/demo-data.js';
import { createScratchDatabase, requestOnce, runCli, startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { startSteadyLoad, type LoadReport } from '../test-support/steady-load.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const childPids = (pid: number) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** A SQLite file in the temp folder, removed with its WAL files afterwards. */
function scratchSqliteFile(): { url: string; drop(): Promise<void> } {
  const file = join(tmpdir(), `tenantry-lifecycle-${randomUUID()}.db`);
  return { url: `sqlite:${file}`, drop: async () => { for (const suffix of ['', '-wal', '-shm', '.pid']) rmSync(file + suffix, { force: true }); } };
}

const databases: { name: string; create(): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  { name: 'a SQLite file', create: async () => scratchSqliteFile() },
  { name: 'PostgreSQL', create: createScratchDatabase },
];

/** Waits until the server's output, after `from` characters, matches. */
async function waitForOutput(server: ServerProcess, pattern: RegExp, from: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(server.output().slice(from))) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the server's output: ${server.output().slice(from)}`);
    await sleep(50);
  }
}

/**
 * Sends a burst of slow writes (each hashes a password) over new and kept-alive connections,
 * signals the server once the first is answered, and returns every answer.
 */
async function burstThenSignal(server: ServerProcess, auth: Record<string, string>, signal: () => void): Promise<(number | string)[]> {
  // A socket per request: a request queued in the client, not yet sent, is not in flight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const users = `${server.url}/v1/customers/${demoCustomerId}/users`;
  let signalledAt: number | undefined;
  const burst = Array.from({ length: 32 }, (_, i) =>
    requestOnce('POST', users, auth, { userPrincipalName: `burst.${randomUUID().slice(0, 8)}@${demoDomain}`, displayName: `Burst ${i}` }, 30_000, i % 2 === 0 ? agent : false).then(
      (res) => {
        if (signalledAt === undefined) {
          signalledAt = Date.now();
          signal();
        }
        return res.status;
      },
      // Enough to tell a failure's cause apart: which connection it rode and when it failed.
      (e: Error) => `${e.message} (request ${i}, ${i % 2 === 0 ? 'kept-alive' : 'new'} connection, ${signalledAt === undefined ? 'before the signal' : `${Date.now() - signalledAt} ms after the signal`})`,
    ),
  );
  const statuses = await Promise.all(burst);
  agent.destroy();
  return statuses;
}

/** Every request of a burst was answered 201; if not, the failure shows what the server logged. */
const assertEveryRequestAnswered = (statuses: (number | string)[], server: ServerProcess) =>
  assert.deepEqual([...new Set(statuses)], [201], `every request sent before the stop was answered; the server said:\n${server.output().slice(-3000)}`);

const describeLoad = (r: LoadReport) =>
  `${r.requests} requests (${r.created.length} writes acknowledged), ${r.failures.length} failed; answers by worker: ${[...r.workers].map(([w, n]) => `${w}=${n}`).join(' ')}`;

const loadThrough = async (server: ServerProcess, auth: Record<string, string>, tag: string, action: () => Promise<void>): Promise<LoadReport> => {
  const load = startSteadyLoad({ url: server.url, headers: auth, customerId: demoCustomerId, domain: demoDomain, tag });
  await sleep(700);
  await action();
  // The load goes on a moment after the change, over the new workers.
  await sleep(700);
  return load.stop();
};

for (const database of databases) {
  describe(`restarts of tenantry serve --workers 2 on ${database.name}`, { timeout: 240_000 }, () => {
    let db: { url: string; drop(): Promise<void> };
    let server: ServerProcess;
    let auth: Record<string, string>;
    const pidFile = join(tmpdir(), `tenantry-lifecycle-${randomUUID()}.pid`);

    before(async () => {
      db = await database.create();
      server = await startServerProcess(['--workers', '2', '--port', '0', '--database', db.url, '--demo', '--log-level', 'warn', '--rate-limit', 'off', '--pid-file', pidFile]);
      auth = { authorization: `Bearer ${(await runCli(['token', '--database', db.url])).trim()}` };
    });
    after(async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop();
      await db?.drop();
      rmSync(pidFile, { force: true });
    });

    it('replaces every worker on SIGHUP, one by one, without failing a request of a steady load', async (t) => {
      const from = server.output().length;
      const report = await loadThrough(server, auth, 'hup', async () => {
        process.kill(server.child.pid!, 'SIGHUP');
        await waitForOutput(server, /reload complete/, from);
      });
      t.diagnostic(describeLoad(report));
      assert.deepEqual(report.failures, [], `${report.failures.length} of ${report.requests} requests failed`);
      assert.ok(report.requests > 30, `a steady load: ${report.requests} requests`);
      assert.ok(report.created.length > 5, 'writes went through');
      assert.match(server.output().slice(from), /worker 3 listens; stopping worker \d/);
      assert.match(server.output().slice(from), /worker 4 listens; stopping worker \d/);
      assert.ok(report.workers.has('3') && report.workers.has('4'), `the new workers answered: ${[...report.workers.keys()]}`);
      assert.deepEqual(childPids(server.child.pid!).length, 2, 'two workers again');
    });

    it('does the same on `tenantry serve reload`, which finds the server through its pid file', async (t) => {
      const from = server.output().length;
      const report = await loadThrough(server, auth, 'reload', async () => {
        assert.match(await runCli(['serve', 'reload', '--pid-file', pidFile]), new RegExp(`sent SIGHUP to ${server.child.pid}`));
        await waitForOutput(server, /reload complete/, from);
      });
      t.diagnostic(describeLoad(report));
      assert.deepEqual(report.failures, [], `${report.failures.length} of ${report.requests} requests failed`);
      assert.ok(report.workers.has('5') && report.workers.has('6'), `the new workers answered: ${[...report.workers.keys()]}`);
    });

    it('replaces a worker stopped with SIGTERM once it finished its requests, without failing one', async (t) => {
      const from = server.output().length;
      const report = await loadThrough(server, auth, 'term', async () => {
        const [victim] = childPids(server.child.pid!);
        process.kill(victim, 'SIGTERM');
        await waitForOutput(server, /worker \d+ exited \(code 0\); starting another/, from);
      });
      t.diagnostic(describeLoad(report));
      assert.deepEqual(report.failures, [], `${report.failures.length} of ${report.requests} requests failed`);
      await sleep(500);
      assert.equal(childPids(server.child.pid!).length, 2, 'two workers again');
    });

    it('finishes the requests in flight on SIGTERM, exits 0 and removes its pid file', async () => {
      assert.ok(existsSync(pidFile));
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      const statuses = await burstThenSignal(server, auth, () => server.child.kill('SIGTERM'));
      assertEveryRequestAnswered(statuses, server);
      assert.equal(await exited, 0);
      assert.equal(existsSync(pidFile), false);
    });
  });

  describe(`tenantry serve --workers 2 stopped with Ctrl-C on ${database.name}`, { timeout: 120_000 }, () => {
    let db: { url: string; drop(): Promise<void> };
    let server: ServerProcess;
    after(async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      await db?.drop();
    });

    it('finishes the requests in flight when SIGINT reaches every process and the primary then sends SIGTERM, and exits 0', async () => {
      db = await database.create();
      server = await startServerProcess(['--workers', '2', '--port', '0', '--database', db.url, '--demo', '--log-level', 'warn', '--rate-limit', 'off']);
      const auth = { authorization: `Bearer ${(await runCli(['token', '--database', db.url])).trim()}` };
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      // A terminal's Ctrl-C signals its whole process group: the primary and each worker.
      const ctrlC = () => {
        for (const pid of [server.child.pid!, ...childPids(server.child.pid!)]) process.kill(pid, 'SIGINT');
      };
      const statuses = await burstThenSignal(server, auth, ctrlC);
      assertEveryRequestAnswered(statuses, server);
      assert.equal(await exited, 0);
    });
  });

  describe(`tenantry serve (one process) on ${database.name}`, { timeout: 120_000 }, () => {
    let db: { url: string; drop(): Promise<void> };
    let server: ServerProcess;
    after(async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      await db?.drop();
    });

    it('stays up on SIGHUP, and on SIGTERM finishes the requests in flight, then exits 0', async () => {
      db = await database.create();
      server = await startServerProcess(['--port', '0', '--database', db.url, '--demo', '--log-level', 'warn', '--rate-limit', 'off']);
      const auth = { authorization: `Bearer ${(await runCli(['token', '--database', db.url])).trim()}` };
      server.child.kill('SIGHUP');
      await waitForOutput(server, /cannot replace itself/, 0);
      assert.equal((await requestOnce('GET', `${server.url}/healthz`)).status, 200);
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      const statuses = await burstThenSignal(server, auth, () => server.child.kill('SIGTERM'));
      assertEveryRequestAnswered(statuses, server);
      assert.equal(await exited, 0);
    });
  });
}
