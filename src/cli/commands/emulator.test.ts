/**
 * `tenantry emulator …` against a live emulator (issue 11): workspaces, clock and tokens from the
 * command line. Needs the compiled CLI (`npm run build:server`, `npm run build:sdk`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLiveServer, type LiveServer } from '../../test-support/live-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { storeFactories } from '../../test-support/stores.js';

for (const factory of storeFactories) {
  describe(`tenantry emulator on ${factory.name}`, () => {
    let server: LiveServer;
    let env: Record<string, string>;
    const cli = async (...args: string[]) => {
      const res = await runCli(['emulator', ...args], { env });
      assert.equal(res.code, 0, res.stderr);
      return res.stdout;
    };

    before(async () => {
      server = await startLiveServer(factory, { emulator: { adminToken: 'cli-test-admin-token-0123456789' } });
      env = { TENANTRY_URL: server.url, TENANTRY_EMULATOR_ADMIN_TOKEN: 'cli-test-admin-token-0123456789', TENANTRY_CONFIG_DIR: '/nonexistent/tenantry-config' };
    });
    after(async () => server.close());

    it('creates, lists, moves the clock of, issues a token for, resets and deletes a workspace', async () => {
      const ws = JSON.parse(await cli('workspaces', 'create', '--name', 'from-cli', '--seed', `cli-${factory.name}`));
      assert.equal(ws.name, 'from-cli');
      assert.ok((await cli('workspaces', 'list')).includes(`${ws.id}  from-cli`));

      const moved = await cli('clock', 'advance', 'P30D', '--workspace', ws.id);
      assert.ok(Date.parse(moved.trim()) - Date.now() > 29 * 24 * 3600 * 1000, moved);
      assert.match(await cli('clock', 'freeze', '--workspace', ws.id), /\(frozen\)/);

      const token = (await cli('token', '--workspace', ws.id, '--role', 'HelpdeskAgent', '--expires-in', 'PT1H')).trim();
      assert.equal((await server.request('GET', '/v1/customers', { token })).status, 200);

      assert.doesNotMatch(await cli('workspaces', 'reset', ws.id), /frozen/);
      await cli('workspaces', 'delete', ws.id);
      assert.ok(!(await cli('workspaces', 'list')).includes(ws.id));
    });

    it('takes, lists, restores and deletes a snapshot, and names an unknown one', async () => {
      const ws = JSON.parse(await cli('workspaces', 'create'));
      assert.match(await cli('snapshots', 'create', 'clean', '--workspace', ws.id), /^clean {2}\d{4}-/);
      const customer = await server.request('POST', '/v1/customers', {
        token: ws.tokens.AdminAgent,
        body: { companyProfile: { domain: `cli-snap-${factory.name}.onmicrosoft.com` }, billingProfile: { companyName: 'Snap Ltd' } },
      });
      assert.equal(customer.status, 201, customer.text);
      assert.match(await cli('snapshots', 'list', '--workspace', ws.id), /^clean /m);
      assert.ok((await cli('snapshots', 'restore', 'clean', '--workspace', ws.id)).startsWith(ws.id));
      assert.equal((await server.request('GET', '/v1/customers', { token: ws.tokens.AdminAgent })).json.totalCount, 0);
      await cli('snapshots', 'delete', 'clean', '--workspace', ws.id);
      const gone = await runCli(['emulator', 'snapshots', 'restore', 'clean', '--workspace', ws.id], { env });
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /no snapshot named "clean"/);
    });

    it('creates a workspace from a fixture file, exports it to stdout, and creates a copy from the export', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-fixture-'));
      try {
        const domain = `clifixture${factory.name}.onmicrosoft.com`;
        writeFileSync(join(dir, 'in.json'), JSON.stringify({ customers: [{ companyName: 'Contoso', domain, users: [{ userPrincipalName: `ann@${domain}`, displayName: 'Ann' }], generate: { count: 2 } }] }));
        const ws = JSON.parse(await cli('workspaces', 'create', '--fixture', join(dir, 'in.json'), '--seed', `cli-fixture-${factory.name}`));
        const exported = await cli('workspaces', 'export', ws.id);
        assert.equal(JSON.parse(exported).customers[0].users.length, 3);
        writeFileSync(join(dir, 'export.json'), exported);
        await cli('workspaces', 'delete', ws.id);
        const copy = JSON.parse(await cli('workspaces', 'create', '--fixture', join(dir, 'export.json')));
        assert.deepEqual(JSON.parse(await cli('workspaces', 'export', copy.id)), JSON.parse(exported));
        await cli('workspaces', 'delete', copy.id);
        const bad = await runCli(['emulator', 'workspaces', 'create', '--fixture', join(dir, 'missing.json')], { env });
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /missing\.json/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads and sets the consistency lag of a workspace', async () => {
      const ws = JSON.parse(await cli('workspaces', 'create'));
      assert.equal((await cli('consistency', '--workspace', ws.id)).trim(), 'immediate');
      assert.equal((await cli('consistency', '--workspace', ws.id, '--after', 'PT30S')).trim(), 'after PT30S');
      assert.equal((await cli('consistency', '--workspace', ws.id, '--after-reads', '3')).trim(), 'after 3 reads');
      assert.equal((await cli('consistency', '--workspace', ws.id)).trim(), 'after 3 reads');
      assert.equal((await cli('consistency', '--workspace', ws.id, '--immediate')).trim(), 'immediate');
      const both = await runCli(['emulator', 'consistency', '--workspace', ws.id, '--after', 'PT1S', '--immediate'], { env });
      assert.equal(both.code, 2);
      const bad = await runCli(['emulator', 'consistency', '--workspace', ws.id, '--after', 'soon'], { env });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /after/);
    });

    it('names the problem and exits non-zero for a bad duration or a missing admin token', async () => {
      const ws = JSON.parse(await cli('workspaces', 'create'));
      const bad = await runCli(['emulator', 'clock', 'advance', '30 days', '--workspace', ws.id], { env });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /error 3000: Invalid property advance/);
      const anonymous = await runCli(['emulator', 'workspaces', 'list'], { env: { TENANTRY_URL: server.url } });
      assert.equal(anonymous.code, 2);
      assert.match(anonymous.stderr, /--admin-token/);
    });
  });
}
