/**
 * Real store faults against a real `tenantry serve`: a private PostgreSQL cluster that is stopped
 * and started again, and a SQLite file on a small tmpfs that fills up. While the store is out the
 * server answers 503 ServerBusy-shaped faults with Retry-After and `/readyz` says 503; reads that
 * can be served are served; afterwards a retried MS-RequestId write lands exactly once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { demoCustomerId } from '../src/demo/demo-data.js';
import { startPrivatePostgres, type PrivatePostgres } from '../src/test-support/private-postgres.js';
import { requestOnce, runCli, startServerProcess, type ServerProcess } from '../src/test-support/server-process.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const usersPath = `/v1/customers/${demoCustomerId}/users`;
const createBody = (alias: string) => ({
  usageLocation: 'US',
  userPrincipalName: `${alias}@${domain}`,
  firstName: 'Fault',
  lastName: 'Tester',
  displayName: `Fault Tester ${alias}`,
  passwordProfile: { forceChangePassword: true, password: 'Str0ng!Passw0rd' },
});

/** Asserts a 503 ServerBusy-shaped ApiFault with the given Tenantry code and an integer Retry-After. */
function assertBusy(res: { status: number; headers: Record<string, unknown>; json: any; text: string }, code: number) {
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.code, code, res.text);
  assert.equal(res.json.source, 'PartnerFD');
  assert.equal(typeof res.json.description, 'string');
  assert.match(String(res.headers['retry-after']), /^\d+$/);
}

/** Counts the users of the demo customer whose user principal name is `upn`. */
async function countUpn(url: string, token: string, upn: string): Promise<number> {
  const res = await requestOnce('GET', `${url}${usersPath}?size=500`, { authorization: `Bearer ${token}` });
  assert.equal(res.status, 200, res.text);
  return (res.json.items as { userPrincipalName: string }[]).filter((u) => u.userPrincipalName === upn).length;
}

describe('a PostgreSQL store that stops and comes back', { timeout: 120_000 }, () => {
  let db: PrivatePostgres | undefined;
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    db?.destroy();
  });

  it('answers 503 store-unavailable and readyz 503 while down, logs once per interval, and a retry with the same MS-RequestId lands exactly once', async () => {
    db = await startPrivatePostgres();
    server = await startServerProcess(['--port', '0', '--database', db.url, '--demo', '--rate-limit', 'off', '--log-level', 'warn']);
    const token = (await runCli(['token', '--database', db.url])).trim();
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await requestOnce('GET', `${server.url}/readyz`)).status, 200);
    // A page read first, so that the connections pages are read on are open when the server goes away.
    assert.equal(await countUpn(server.url, token, `nobody@${domain}`), 0);

    db.stop();
    const requestId = randomUUID();
    const body = createBody(`retry-${requestId.slice(0, 8)}`);
    const first = await requestOnce('POST', `${server.url}${usersPath}/`, { ...auth, 'ms-requestid': requestId }, body);
    assertBusy(first, 800010);
    for (let i = 0; i < 30; i++) assertBusy(await requestOnce('GET', `${server.url}${usersPath}`, auth), 800010);
    assert.equal((await requestOnce('GET', `${server.url}/readyz`)).status, 503);
    const outageLines = server.output().split('\n').filter((l) => l.includes('store unavailable'));
    assert.ok(outageLines.length <= 2, `the outage is logged once per interval, not per request:\n${outageLines.join('\n')}`);
    assert.doesNotMatch(server.output(), /unhandled error/);

    db.start();
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await requestOnce('GET', `${server.url}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ready, 200, 'readyz recovers once PostgreSQL answers again');
    const retry = await requestOnce('POST', `${server.url}${usersPath}/`, { ...auth, 'ms-requestid': requestId }, body);
    assert.equal(retry.status, 201, retry.text);
    const again = await requestOnce('POST', `${server.url}${usersPath}/`, { ...auth, 'ms-requestid': requestId }, body);
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.id, retry.json.id, 'a second retry replays the same answer');
    assert.equal(await countUpn(server.url, token, body.userPrincipalName), 1);
  });
});

describe('a SQLite store whose disk fills up and frees', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-full-'));
  const mountPoint = join(dir, 'small');
  let mounted = false;
  let server: ServerProcess | undefined;
  after(async () => {
    if (server && server.child.exitCode === null) await server.kill();
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers writes 503 storage-full, still serves reads, and writes again with an intact file once space is freed', async () => {
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (e) {
      assert.fail(`this test needs to mount a 4 MiB tmpfs (run as root): ${(e as Error).message}`);
    }
    mounted = true;
    const file = join(mountPoint, 'tenantry.db');
    const url = `sqlite:${file}`;
    server = await startServerProcess(['--port', '0', '--database', url, '--demo', '--rate-limit', 'off', '--log-level', 'warn']);
    const token = (await runCli(['token', '--database', url])).trim();
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await requestOnce('POST', `${server.url}${usersPath}/`, auth, createBody('before-full'))).status, 201);

    // Fill the file system for real: a filler file takes every free byte.
    const filler = join(mountPoint, 'filler');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeFileSync(filler, chunk, { flag: 'a' });
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    // Smaller bites take the last pages.
    try {
      for (;;) writeFileSync(filler, Buffer.alloc(512, 1), { flag: 'a' });
    } catch {
      /* full */
    }

    let full: Awaited<ReturnType<typeof requestOnce>> | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await requestOnce('POST', `${server.url}${usersPath}/`, { ...auth, 'ms-requestid': randomUUID() }, createBody(`full-${i}`));
      assert.notEqual(res.status, 500, res.text);
      if (res.status === 503) {
        full = res;
        break;
      }
    }
    assert.ok(full, 'a write on a full disk is refused');
    assertBusy(full, 800011);
    const read = await requestOnce('GET', `${server.url}${usersPath}`, auth);
    assert.equal(read.status, 200, `reads are still served on a full disk: ${read.text}`);
    assert.ok(read.json.items.some((u: { userPrincipalName: string }) => u.userPrincipalName === `before-full@${domain}`));
    assert.doesNotMatch(server.output(), /unhandled error/);

    unlinkSync(filler);
    const after = await requestOnce('POST', `${server.url}${usersPath}/`, auth, createBody('after-full'));
    assert.equal(after.status, 201, after.text);
    assert.equal((await requestOnce('GET', `${server.url}/readyz`)).status, 200);
    await server.stop();
    const check = new Database(file, { readonly: true });
    try {
      assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      check.close();
    }
  });
});
