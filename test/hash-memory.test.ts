/**
 * Password hashes and the server's memory: scrypt takes a 16 MiB buffer per hash, and each libuv
 * pool thread that ever ran one keeps that buffer in its malloc arena for good. `tenantry` gives
 * the pool one thread per core (at most libuv's default of 4), so a burst of creates leaves the
 * server at most one such buffer per core larger, where the default pool of 4 left four of them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { demoCustomerId } from '../src/demo/demo-data.js';
import { requestOnce, runCli, startServerProcess, type ServerProcess } from '../src/test-support/server-process.js';

const mib = 1024 * 1024;
const residentBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('password hashes and the server memory', { timeout: 120_000 }, () => {
  const file = join(tmpdir(), `tenantry-hash-memory-${randomUUID()}.db`);
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });

  it('leave the server at most one scrypt buffer per core larger after a burst of creates', async (t) => {
    const database = `sqlite:${file}`;
    // The server must size its own pool, whatever the runner's environment says.
    delete process.env.UV_THREADPOOL_SIZE;
    server = await startServerProcess(['--port', '0', '--database', database, '--demo', '--rate-limit', 'off', '--log-level', 'warn']);
    const auth = { authorization: `Bearer ${(await runCli(['token', '--database', database])).trim()}` };
    const users = `${server.url}/v1/customers/${demoCustomerId}/users`;
    for (let i = 0; i < 20; i++) assert.equal((await requestOnce('GET', `${users}?size=20`, auth)).status, 200); // warm
    const before = residentBytes(server.child.pid!);

    let next = 0;
    const creates = 96;
    const client = async () => {
      while (next < creates) {
        const n = next++;
        const body = { usageLocation: 'US', userPrincipalName: `hash-${n}@dtdemocspcustomer005.onmicrosoft.com`, firstName: 'Hash', lastName: 'Burst', displayName: `Hash Burst ${n}`, passwordProfile: { forceChangePassword: true, password: 'Str0ng!Passw0rd' } };
        const res = await requestOnce('POST', `${users}/`, auth, body, 60_000);
        assert.equal(res.status, 201, res.text);
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    await new Promise((r) => setTimeout(r, 500));
    const growth = residentBytes(server.child.pid!) - before;

    const cores = Math.min(4, availableParallelism());
    t.diagnostic(`resident memory grew ${(growth / mib).toFixed(1)} MiB over ${creates} creates, with ${cores} hashing threads`);
    // At most one 16 MiB buffer per hashing thread, and half of one for the rest (SQLite's cache, V8's heap).
    assert.ok(growth < (cores + 0.5) * 16 * mib, `grew ${(growth / mib).toFixed(1)} MiB: more than one scrypt buffer per core`);
  });
});
