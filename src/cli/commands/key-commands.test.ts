import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { startServerProcess } from '../../test-support/server-process.js';

const run = promisify(execFile);
const cli = new URL('../../../bin/tenantry.js', import.meta.url).pathname;
const usersPath = '/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/users';

describe('the security commands and flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates the signing key while a server runs: old and new tokens both work, and keys list shows the roll-over', async () => {
    const database = `sqlite:${join(dir, 'keys.db')}`;
    const server = await startServerProcess(['--port', '0', '--log-level', 'warn', '--demo', '--database', database]);
    try {
      const oldToken = (await run(process.execPath, [cli, 'token', '--database', database])).stdout.trim();
      const rotated = await run(process.execPath, [cli, 'keys', 'rotate', '--database', database, '--retire-after', '2h']);
      const kid = /^new signing key (\S+)$/m.exec(rotated.stdout)?.[1];
      assert.ok(kid, rotated.stdout);
      assert.match(rotated.stdout, /verifies until \d{4}-\d\d-\d\dT/);
      const newToken = (await run(process.execPath, [cli, 'token', '--database', database])).stdout.trim();
      assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url').toString()).kid, kid);
      for (const token of [newToken, oldToken]) {
        const res = await fetch(`${server.url}${usersPath}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
      }
      const listed = (await run(process.execPath, [cli, 'keys', 'list', '--database', database])).stdout;
      assert.match(listed, new RegExp(`${kid} .*signing`));
      assert.match(listed, /verifying until/);
      await assert.rejects(run(process.execPath, [cli, 'keys', 'rotate', '--database', database, '--retire-after', 'soon']), /Invalid duration/);
    } finally {
      await server.stop();
    }
  });

  it('throttles over real HTTP with --rate-limit-budgets, and not at all with TENANTRY_RATE_LIMIT=off', async () => {
    const database = `sqlite:${join(dir, 'throttle.db')}`;
    const token = (await run(process.execPath, [cli, 'token', '--database', database])).stdout.trim();
    const limited = await startServerProcess(['--port', '0', '--log-level', 'warn', '--demo', '--database', database, '--rate-limit-budgets', 'customer-reads=2,window=3600']);
    try {
      const responses: Response[] = [];
      for (let i = 0; i < 3; i++) responses.push(await fetch(`${limited.url}${usersPath}`, { headers: { authorization: `Bearer ${token}` } }));
      assert.deepEqual(responses.map((r) => r.headers.get('x-ratelimit-limit')), ['2', '2', '2']);
      const resets = new Set(responses.map((r) => r.headers.get('x-ratelimit-reset')));
      // Only if an hour boundary fell between the requests may the third be served.
      if (resets.size === 1) {
        assert.deepEqual(responses.map((r) => r.status), [200, 200, 429]);
        assert.match(String(responses[2].headers.get('retry-after')), /^\d+$/);
        assert.match((await responses[2].json()).message, /^Rate limit is exceeded\. Try again in \d+ seconds\.$/);
      }
    } finally {
      await limited.stop();
    }
    const open = await startServerProcess(['--port', '0', '--log-level', 'warn', '--database', database, '--rate-limit-budgets', 'customer-reads=1'], { TENANTRY_RATE_LIMIT: 'off' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${open.url}${usersPath}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-ratelimit-limit'), null);
      }
    } finally {
      await open.stop();
    }
  });
});
