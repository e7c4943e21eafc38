import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startServerProcess } from '../../test-support/server-process.js';
import { testPostgresUrl } from '../../test-support/stores.js';

const run = promisify(execFile);
const cli = new URL('../../../bin/tenantry.js', import.meta.url).pathname;
const seedUrlPath = '/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/users';

describe('the tenantry command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the demo data on a free port and replays the documented request with a token from `tenantry token`', async () => {
    const database = `sqlite:${join(dir, 'demo.db')}`;
    const server = await startServerProcess(['--demo', '--port', '0', '--database', database, '--log-level', 'info']);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const { stdout: token } = await run(process.execPath, [cli, 'token', '--database', database]);
      const res = await fetch(`${server.url}${seedUrlPath}`, {
        headers: { authorization: `Bearer ${token.trim()}`, 'ms-requestid': '5d845377-5b7d-4cd4-98f6-19e5ae3faa81', 'ms-correlationid': '5a3d64d4-4490-4932-bf5e-0dc9a58f27ca' },
      });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.totalCount, 2);
      assert.equal(body.items[0].userPrincipalName, 'Daniel@dtdemocspcustomer005.onmicrosoft.com');
      const created = await fetch(`${server.url}/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.trim()}`, 'content-type': 'application/json', 'ms-correlationid': 'corr-for-log-test' },
        body: JSON.stringify({ userPrincipalName: 'logged@dtdemocspcustomer005.onmicrosoft.com', displayName: 'Logged', passwordProfile: { password: 'Secret!Passw0rd' } }),
      });
      assert.equal(created.status, 201);
      await new Promise((r) => setTimeout(r, 200));
      const logs = server.output();
      const lines = logs.split('\n').filter((l) => l.startsWith('{'));
      assert.ok(lines.some((l) => JSON.parse(l).reqId === '5d845377-5b7d-4cd4-98f6-19e5ae3faa81'), 'logs carry the request id');
      assert.ok(lines.some((l) => JSON.parse(l).correlationId === 'corr-for-log-test'), 'logs carry the correlation id');
      assert.ok(!logs.includes(token.trim()), 'no token in the logs');
      assert.ok(!logs.includes('Secret!Passw0rd'), 'no password in the logs');
    } finally {
      await server.stop();
    }
  });

  it('takes the database and port from TENANTRY_DATABASE_URL and TENANTRY_PORT, and keeps data across restarts', async () => {
    const database = `sqlite:${join(dir, 'env.db')}`;
    const first = await startServerProcess(['--demo', '--log-level', 'warn'], { TENANTRY_DATABASE_URL: database, TENANTRY_PORT: '0' });
    const { stdout } = await run(process.execPath, [cli, 'token'], { env: { ...process.env, TENANTRY_DATABASE_URL: database } });
    const token = stdout.trim();
    const create = await fetch(`${first.url}/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: 'kept@dtdemocspcustomer005.onmicrosoft.com', displayName: 'Kept' }),
    });
    assert.equal(create.status, 201);
    await first.stop();
    const second = await startServerProcess(['--demo', '--log-level', 'warn'], { TENANTRY_DATABASE_URL: database, TENANTRY_PORT: '0' });
    try {
      const res = await fetch(`${second.url}${seedUrlPath}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.json();
      assert.equal(body.totalCount, 3, 'the token still verifies and the user is still there');
    } finally {
      await second.stop();
    }
  });

  it('serves from PostgreSQL given a postgres:// URL, migrating it on start', async () => {
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    const name = `tenantry_cli_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = testPostgresUrl.replace(/\/[^/]*$/, `/${name}`);
    try {
      await run(process.execPath, [cli, 'migrate', '--database', url]);
      const server = await startServerProcess(['--demo', '--port', '0', '--database', url, '--log-level', 'warn']);
      try {
        const { stdout } = await run(process.execPath, [cli, 'token', '--database', url, '--role', 'HelpdeskAgent']);
        const res = await fetch(`${server.url}${seedUrlPath}`, { headers: { authorization: `Bearer ${stdout.trim()}` } });
        assert.equal(res.status, 200);
        assert.equal((await res.json()).totalCount, 2);
      } finally {
        await server.stop();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('prints tokens with the requested partner, roles and app-only flag', async () => {
    const database = `sqlite:${join(dir, 'tokens.db')}`;
    const { stdout } = await run(process.execPath, [cli, 'token', '--database', database, '--partner', 'ABCDEF00-1111-2222-3333-444444444444', '--role', 'SalesAgent', '--role', 'HelpdeskAgent', '--app-only', '--expires', '15m']);
    const claims = JSON.parse(Buffer.from(stdout.trim().split('.')[1], 'base64url').toString());
    assert.equal(claims.tid, 'abcdef00-1111-2222-3333-444444444444');
    assert.deepEqual(claims.roles, ['SalesAgent', 'HelpdeskAgent']);
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.exp - claims.iat, 900);
    await assert.rejects(run(process.execPath, [cli, 'token', '--database', database, '--partner', 'not-a-guid']));
  });
});
