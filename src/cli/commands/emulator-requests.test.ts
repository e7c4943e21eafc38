/**
 * `tenantry emulator requests` and `client-report` against a live emulator (issue 12). Needs the
 * compiled CLI (`npm run build:server`, `npm run build:sdk`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startLiveServer, type LiveServer } from '../../test-support/live-server.js';
import { cliPath, runCli } from '../../test-support/run-cli.js';
import { storeFactories } from '../../test-support/stores.js';

const adminToken = 'cli-journal-admin-token-0123456789';

for (const factory of storeFactories) {
  describe(`tenantry emulator requests on ${factory.name}`, () => {
    let server: LiveServer;
    let env: Record<string, string>;
    let ws: { id: string; tokens: { AdminAgent: string } };
    const call = (url: string, headers: Record<string, string> = {}) => fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${ws.tokens.AdminAgent}`, ...headers } });

    before(async () => {
      server = await startLiveServer(factory, { emulator: { adminToken } });
      env = { TENANTRY_URL: server.url, TENANTRY_EMULATOR_ADMIN_TOKEN: adminToken, TENANTRY_CONFIG_DIR: '/nonexistent/tenantry-config' };
      ws = (await server.request('POST', '/_tenantry/workspaces', { token: adminToken, body: {} })).json;
    });
    after(async () => server.close());

    it('prints one line per request, filtered by status and route, and the client report', async () => {
      assert.equal((await call('/v1/customers')).status, 200);
      assert.equal((await call('/v1/customers', { 'tenantry-fault': '429; retry-after=1' })).status, 429);
      const all = await runCli(['emulator', 'requests', '--workspace', ws.id], { env });
      assert.equal(all.code, 0, all.stderr);
      const lines = all.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^\S+Z {2}200 {2}GET {2}\/v1\/customers {2}customers\.list {2}\d+ms {2}req /);
      assert.match(lines[1], /429 {2}GET .*fault=header/);
      const only = await runCli(['emulator', 'requests', '--workspace', ws.id, '--status', '429', '--route', 'customers.list', '--json'], { env });
      assert.equal(only.code, 0, only.stderr);
      const entries = only.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(entries.map((e) => e.status), [429]);

      const report = await runCli(['emulator', 'client-report', '--workspace', ws.id], { env });
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /noCorrelationId {2}×2/);
      const bad = await runCli(['emulator', 'requests', '--workspace', ws.id, '--status', 'teapot'], { env });
      assert.equal(bad.code, 2);
    });

    it('--follow prints requests as they come and stops on SIGINT', async () => {
      const child = spawn(process.execPath, [cliPath, 'emulator', 'requests', '--workspace', ws.id, '--size', '1', '--follow', '--interval', '100'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const waitFor = async (pattern: RegExp) => {
        for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(out, pattern, err);
      };
      await waitFor(/\n/);
      assert.equal((await call('/v1/customers?size=7')).status, 200);
      await waitFor(/customers\.list .*\n(?:.*\n)*.*\/v1\/customers\?size=7/);
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
    });
  });
}
