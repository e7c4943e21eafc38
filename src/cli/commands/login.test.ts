import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LiveServer, startLiveServer } from '../../test-support/live-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { storeFactories } from '../../test-support/stores.js';

describe('tenantry login', () => {
  let server: LiveServer;
  let configDir: string;

  before(async () => {
    server = await startLiveServer(storeFactories[0]);
    configDir = mkdtempSync(join(tmpdir(), 'tenantry-login-'));
  });
  after(async () => {
    await server.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  test('stores URL, token and default customer in a private profile that later commands use', async () => {
    const login = await runCli(['login', '--url', server.url, '--token-stdin', '--tenant-id', server.customerId], { env: { TENANTRY_CONFIG_DIR: configDir }, input: `${server.adminToken}\n` });
    assert.equal(login.code, 0, login.stderr);
    const path = join(configDir, 'profile.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { url: server.url, token: server.adminToken, customer: server.customerId });

    const list = await runCli(['users', 'list', '-o', 'jsonl'], { env: { TENANTRY_CONFIG_DIR: configDir } });
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout.trimEnd().split('\n').length, 2);
  });

  test('a token the server refuses is not stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-login-'));
    const login = await runCli(['login', '--url', server.url, '--token', 'forged'], { env: { TENANTRY_CONFIG_DIR: dir } });
    assert.equal(login.code, 1);
    assert.match(login.stderr, /HTTP 401/);
    assert.throws(() => statSync(join(dir, 'profile.json')));
    rmSync(dir, { recursive: true, force: true });
  });

  test("the profile's token is never sent to another server given with --url", async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 400, description: 'Access denied', data: [], source: 'PartnerFD' }));
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const result = await runCli(['customers', 'list', '--url', otherUrl], { env: { TENANTRY_CONFIG_DIR: configDir } });
    other.close();
    assert.equal(result.code, 1);
    assert.deepEqual(seen, [undefined]);
  });

  test('logout removes the profile', async () => {
    const out = await runCli(['logout'], { env: { TENANTRY_CONFIG_DIR: configDir } });
    assert.equal(out.code, 0);
    assert.throws(() => statSync(join(configDir, 'profile.json')));
    const list = await runCli(['users', 'list'], { env: { TENANTRY_CONFIG_DIR: configDir, TENANTRY_URL: server.url } });
    assert.equal(list.code, 2);
  });
});
