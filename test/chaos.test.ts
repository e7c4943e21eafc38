/**
 * Chaos: a steady mixed load of reads and writes against real `tenantry serve` processes while
 * real faults happen: (a) the PostgreSQL server restarts, (b) a worker of `serve --workers 2` is
 * SIGKILLed, (c) on SQLite, the disk fills and frees. Writes are user creations with an
 * MS-RequestId, retried with the same id on a 503 or a connection error, as the official SDKs do.
 * Afterwards every acknowledged write is there exactly once, no answer was a 500, and the server
 * served a successful write within 5 s of each fault ending. Loopback only; bounded in time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { demoCustomerId } from '../src/demo/demo-data.js';
import { startPrivatePostgres, type PrivatePostgres } from '../src/test-support/private-postgres.js';
import { requestOnce, runCli, startServerProcess, type ServerProcess } from '../src/test-support/server-process.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const usersPath = `/v1/customers/${demoCustomerId}/users`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clients = 4;
const recoveryLimitMs = 5_000;

interface Acknowledged {
  id: string;
  upn: string;
}

/** The load: `clients` loops, each alternating a page read and a user creation. */
class Load {
  readonly statuses = new Map<string, number>();
  readonly acknowledged: Acknowledged[] = [];
  readonly successes: number[] = []; // times of successful writes
  requests = 0;
  retries = 0;
  private running = true;
  private loops: Promise<void>[] = [];
  private n = 0;

  constructor(private readonly url: () => string, private readonly auth: Record<string, string>, private readonly prefix: string) {}

  start(): void {
    for (let c = 0; c < clients; c++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private count(key: string) {
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }

  /** One request; a connection error counts as status "connection error". */
  private async send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    this.requests++;
    try {
      const res = await requestOnce(method, `${this.url()}${path}`, { ...this.auth, ...headers }, body, 20_000);
      this.count(String(res.status));
      return res;
    } catch {
      this.count('connection error');
      return undefined;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.send('GET', `${usersPath}?size=20`, {});
      await this.write();
    }
  }

  /** A create with its own MS-RequestId, retried with the same id until it is answered for good. */
  private async write(): Promise<void> {
    const requestId = randomUUID();
    const upn = `${this.prefix}-${this.n++}@${domain}`;
    const body = { usageLocation: 'US', userPrincipalName: upn, firstName: 'Chaos', lastName: 'Load', displayName: `Chaos ${upn}`, passwordProfile: { forceChangePassword: true, password: 'Str0ng!Passw0rd' } };
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const res = await this.send('POST', `${usersPath}/`, { 'ms-requestid': requestId }, body);
      if (res && res.status === 201) {
        this.acknowledged.push({ id: res.json.id, upn });
        this.successes.push(Date.now());
        return;
      }
      if (res && res.status !== 503) return; // an answer for good (asserted on below)
      this.retries++;
      await sleep(200);
    }
  }

  /** Milliseconds from `end` to the first successful write after it. */
  recoveryAfter(end: number): number | undefined {
    const first = this.successes.filter((t) => t >= end).sort((a, b) => a - b)[0];
    return first === undefined ? undefined : first - end;
  }
}

/** Every user of the demo customer, following continuation tokens. */
async function allUsers(url: string, auth: Record<string, string>): Promise<{ id: string; userPrincipalName: string }[]> {
  const users: { id: string; userPrincipalName: string }[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await requestOnce('GET', `${url}${usersPath}?size=500`, { ...auth, ...(token ? { 'ms-continuationtoken': token } : {}) });
    assert.equal(res.status, 200, res.text);
    users.push(...res.json.items);
    token = res.json.continuationToken;
    if (!token) break;
  }
  return users;
}

/** Asserts the load's outcome and prints its figures. */
async function verify(t: TestContext, load: Load, url: string, auth: Record<string, string>, faults: { name: string; end: number }[]) {
  const users = await allUsers(url, auth);
  const byUpn = new Map<string, string[]>();
  for (const u of users) byUpn.set(u.userPrincipalName, [...(byUpn.get(u.userPrincipalName) ?? []), u.id]);
  for (const a of load.acknowledged) assert.deepEqual(byUpn.get(a.upn), [a.id], `acknowledged ${a.upn} is there exactly once`);
  const recoveries = faults.map((f) => ({ ...f, recoveryMs: load.recoveryAfter(f.end) }));
  t.diagnostic(`requests ${load.requests}, acknowledged writes ${load.acknowledged.length}, retries ${load.retries}`);
  t.diagnostic(`answers by status: ${[...load.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  for (const r of recoveries) t.diagnostic(`fault "${r.name}": first successful write ${r.recoveryMs ?? 'never'} ms after it ended`);
  assert.equal(load.statuses.get('500') ?? 0, 0, 'no answer was a 500');
  for (const status of load.statuses.keys()) assert.ok(['200', '201', '503', 'connection error'].includes(status), `unexpected answer ${status}`);
  for (const r of recoveries) {
    assert.ok(r.recoveryMs !== undefined && r.recoveryMs <= recoveryLimitMs, `the server recovered within ${recoveryLimitMs} ms of "${r.name}" ending (${r.recoveryMs} ms)`);
  }
}

/** As {@link verify}; a failure also shows what the server printed (a worker's crash, say). */
async function verifyWithOutput(t: TestContext, load: Load, url: string, auth: Record<string, string>, faults: { name: string; end: number }[], server: ServerProcess) {
  try {
    await verify(t, load, url, auth, faults);
  } catch (e) {
    t.diagnostic(`the server printed:\n${server.output().slice(-8000)}`);
    throw e;
  }
}

/** The pids of the direct children of `pid` (the cluster's workers), from /proc. */
function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

describe('chaos on PostgreSQL with two workers', { timeout: 90_000 }, () => {
  let db: PrivatePostgres | undefined;
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    db?.destroy();
  });

  it('loses no acknowledged write, answers no 500, and recovers within 5 s of a PostgreSQL restart and of a SIGKILLed worker', async (t) => {
    db = await startPrivatePostgres();
    server = await startServerProcess(['--port', '0', '--database', db.url, '--demo', '--rate-limit', 'off', '--log-level', 'warn', '--workers', '2']);
    const token = (await runCli(['token', '--database', db.url])).trim();
    const auth = { authorization: `Bearer ${token}` };
    const url = server.url;
    const load = new Load(() => url, auth, 'pg');
    const faults: { name: string; end: number }[] = [];
    load.start();
    await sleep(3000);

    // (a) A real PostgreSQL restart: fast shutdown terminates every connection, then a pause.
    db.stop();
    await sleep(2000);
    db.start();
    faults.push({ name: 'PostgreSQL restart', end: Date.now() });
    await sleep(6000);

    // (b) A worker dies without any shutdown; the cluster starts another.
    const workers = childPids(server.child.pid!);
    assert.ok(workers.length >= 2, `two workers run (${workers.join(', ')})`);
    process.kill(workers[0], 'SIGKILL');
    faults.push({ name: 'worker SIGKILL', end: Date.now() });
    await sleep(6000);

    await load.stop();
    await verifyWithOutput(t, load, url, auth, faults, server);
  });
});

describe('chaos on SQLite with a disk that fills and frees', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-chaos-'));
  const mountPoint = join(dir, 'small');
  let mounted = false;
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write, answers no 500, and recovers within 5 s of space returning', async (t) => {
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (e) {
      assert.fail(`this test needs to mount a 48 MiB tmpfs (run as root): ${(e as Error).message}`);
    }
    mounted = true;
    const database = `sqlite:${join(mountPoint, 'tenantry.db')}`;
    server = await startServerProcess(['--port', '0', '--database', database, '--demo', '--rate-limit', 'off', '--log-level', 'warn']);
    const token = (await runCli(['token', '--database', database])).trim();
    const auth = { authorization: `Bearer ${token}` };
    const url = server.url;
    const load = new Load(() => url, auth, 'sqlite');
    load.start();
    await sleep(3000);

    // The tmpfs leaves room for SQLite's write-ahead log (up to 1000 pages of 16 KiB before a
    // checkpoint): the filler, not the log, must be what fills the disk, so freeing it frees space.
    // Take every free byte, hold the disk full for a while, then give the space back.
    const filler = join(mountPoint, 'filler');
    for (const size of [256 * 1024, 4096, 512]) {
      try {
        for (;;) writeFileSync(filler, Buffer.alloc(size, 1), { flag: 'a' });
      } catch {
        /* full at this grain */
      }
    }
    await sleep(3000);
    const refusedWhileFull = load.statuses.get('503') ?? 0;
    unlinkSync(filler);
    const faults = [{ name: 'disk full', end: Date.now() }];
    await sleep(5000);

    await load.stop();
    t.diagnostic(`503 answers while the disk was full: ${refusedWhileFull}`);
    assert.ok(refusedWhileFull > 0, 'the full disk was felt');
    await verifyWithOutput(t, load, url, auth, faults, server);
  });
});
