import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLiveServer, type LiveServer } from '../../test-support/live-server.js';
import { cliPath, runCli } from '../../test-support/server-process.js';
import { storeFactories } from '../../test-support/stores.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';

for (const factory of storeFactories) {
  describe(`tenantry audit list on ${factory.name}`, () => {
    let server: LiveServer;
    let env: Record<string, string>;
    const audit = (...args: string[]) => runCli(['audit', 'list', ...args], env);

    before(async () => {
      server = await startLiveServer(factory);
      env = { TENANTRY_URL: server.url, TENANTRY_TOKEN: server.adminToken, TENANTRY_CONFIG_DIR: '/nonexistent/tenantry-config' };
      for (const alias of ['one', 'two', 'three']) {
        const res = await server.request('POST', `/v1/customers/${server.customerId}/users`, { body: { userPrincipalName: `${alias}@${domain}`, displayName: alias } });
        assert.equal(res.status, 201);
      }
      const clash = await server.request('POST', `/v1/customers/${server.customerId}/users`, { body: { userPrincipalName: `one@${domain}`, displayName: 'again' } });
      assert.equal(clash.status, 409);
    });
    after(async () => server.close());

    it('prints the records as JSON, oldest first, failures with their fault code', async () => {
      const records = JSON.parse(await audit('-o', 'json'));
      assert.deepEqual(records.map((r: any) => [r.operationType, r.operationStatus]), [
        ['create_customer_user', 'succeeded'],
        ['create_customer_user', 'succeeded'],
        ['create_customer_user', 'succeeded'],
        ['create_customer_user', 'failed'],
      ]);
      assert.ok(records.every((r: any) => r.partnerId === server.partnerId && r.customerId === server.customerId));
    });

    it('follows every page with --all and writes CSV with a header', async () => {
      const lines = (await audit('--all', '--size', '1', '-o', 'jsonl')).trim().split('\n');
      assert.equal(lines.length, 4);
      const csv = (await audit('--resource-type', 'CustomerUser', '-o', 'csv')).trim().split('\n');
      assert.match(csv[0], /^id,operationDate,operationType,operationStatus,/);
      assert.equal(csv.length, 5);
      assert.match(csv[4], /,60011,/);
    });

    it('shows a table, and refuses two filters at once with a usage error', async () => {
      const table = await audit('--customer', server.customerId);
      assert.match(table, /create_customer_user\s+failed 60011\s+DT Demo CSP Customer 005/);
      await assert.rejects(
        promisify(execFile)(process.execPath, [cliPath, 'audit', 'list', '--customer', server.customerId, '--company', 'DT'], { env: { ...process.env, ...env } }),
        (err: { code?: number; stderr?: string }) => err.code === 2 && /at most one of/.test(err.stderr ?? ''),
      );
    });
  });
}
