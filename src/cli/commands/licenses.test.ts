import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLiveServer, type LiveServer } from '../../test-support/live-server.js';
import { cliPath, runCli } from '../../test-support/server-process.js';
import { storeFactories } from '../../test-support/stores.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const daniel = `Daniel@${domain}`;
const powerBi = 'f8a1db68-be16-40ed-86d5-cb42ce701560';
const exchange = '4b9405b0-7788-4568-add1-99614e613b69';

for (const factory of storeFactories) {
  describe(`tenantry licenses, skus and roles on ${factory.name}`, () => {
    let server: LiveServer;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, env);
    const failing = (...args: string[]) => promisify(execFile)(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } });

    before(async () => {
      server = await startLiveServer(factory);
      env = { TENANTRY_URL: server.url, TENANTRY_TOKEN: server.adminToken, TENANTRY_CUSTOMER: server.customerId, TENANTRY_CONFIG_DIR: '/nonexistent/tenantry-config' };
    });
    after(async () => server.close());

    it('lists subscribed SKUs with their seats and sets seats through the extension', async () => {
      const skus = JSON.parse(await cli('skus', 'list', '-o', 'json'));
      assert.deepEqual(skus.map((s: any) => [s.productSku.skuPartNumber, s.availableUnits]), [['EMS', 4], ['EXCHANGESTANDARD', 10], ['SPE_E3', 5]]);
      const table = await cli('skus', 'list');
      assert.match(table, /PRODUCT\s+PART NUMBER\s+TOTAL\s+CONSUMED\s+AVAILABLE/);
      assert.match(table, /Enterprise Mobility \+ Security E3\s+EMS\s+5\s+1\s+4/);
      const set = JSON.parse(await cli('skus', 'set', powerBi, '--total', '1', '-o', 'json'));
      assert.deepEqual([set.productSku.skuPartNumber, set.totalUnits, set.availableUnits], ['POWER_BI_PRO', 1, 1]);
      await assert.rejects(failing('skus', 'set', powerBi, '--total', 'many'), (err: { code?: number }) => err.code === 2);
    });

    it('assigns by part number, lists and removes licences, and reports faults on stderr', async () => {
      const update = JSON.parse(await cli('licenses', 'assign', daniel, '--sku', 'POWER_BI_PRO', '--sku', exchange, '-o', 'json'));
      assert.deepEqual(update.licensesToAssign.map((l: any) => l.skuId), [powerBi, exchange]);
      const csv = (await cli('licenses', 'list', daniel, '-o', 'csv')).trim().split('\n');
      assert.equal(csv[0], 'SKU ID,PRODUCT,PART NUMBER,GROUP,SERVICE PLANS');
      assert.equal(csv.length, 4, 'EMS from the demo data, Exchange and Power BI');
      const other = await server.request('POST', `/v1/customers/${server.customerId}/users`, { body: { userPrincipalName: `seatless@${domain}`, displayName: 'Seatless', usageLocation: 'US' } });
      assert.equal(other.status, 201);
      await assert.rejects(failing('licenses', 'assign', `seatless@${domain}`, '--sku', 'POWER_BI_PRO'), (err: { code?: number; stderr?: string }) => err.code === 1 && /error 60012: We&#39;re sorry/.test(err.stderr ?? ''));
      await assert.rejects(failing('licenses', 'assign', `admin@${domain}`, '--sku', 'EXCHANGESTANDARD'), (err: { code?: number; stderr?: string }) => err.code === 1 && /error 60102: License assignment cannot be done for user with invalid usage location\./.test(err.stderr ?? ''));
      const teams = '57ff2da0-773e-42df-b2af-ffb7a2317929';
      const excluded = JSON.parse(await cli('licenses', 'assign', `seatless@${domain}`, '--sku', 'SPE_E3', '--exclude-plan', teams, '-o', 'json'));
      assert.deepEqual(excluded.licensesToAssign, [{ excludedPlans: [teams], skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965' }]);
      const plans = JSON.parse(await cli('licenses', 'list', `seatless@${domain}`, '-o', 'json'))[0].servicePlans.map((p: any) => p.serviceName);
      assert.ok(plans.includes('EXCHANGE_S_ENTERPRISE') && !plans.includes('TEAMS1'));
      await assert.rejects(failing('licenses', 'assign', `seatless@${domain}`, '--sku', 'SPE_E3', '--exclude-plan', '9aaf7827-d63c-4b61-89c3-182f06f82e5c'), (err: { code?: number }) => err.code === 2);
      const removed = JSON.parse(await cli('licenses', 'remove', daniel, '--sku', 'POWER_BI_PRO', '-o', 'json'));
      assert.deepEqual(removed.licensesToRemove, [powerBi]);
      const left = JSON.parse(await cli('licenses', 'list', daniel, '-o', 'json'));
      assert.deepEqual(left.map((l: any) => l.productSku.skuPartNumber).sort(), ['EMS', 'EXCHANGESTANDARD']);
    });

    it('lists roles, adds and removes members by role name, and pages the members', async () => {
      const roles = JSON.parse(await cli('roles', 'list', '-o', 'json'));
      assert.ok(roles.some((r: any) => r.name === 'Helpdesk Administrator'));
      const member = JSON.parse(await cli('roles', 'add-member', 'helpdesk administrator', daniel, '-o', 'json'));
      assert.equal(member.roleId, '729827e3-9c14-49f7-bb1b-9608f156bbb8');
      await cli('roles', 'add-member', 'Helpdesk Administrator', `admin@${domain}`);
      assert.deepEqual(JSON.parse(await cli('roles', 'list', '--user', daniel, '-o', 'json')).map((r: any) => r.name), ['Helpdesk Administrator']);
      const members = (await cli('roles', 'members', 'Helpdesk Administrator', '--all', '--size', '1', '-o', 'jsonl')).trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(members.length, 2);
      assert.equal(await cli('roles', 'remove-member', 'Helpdesk Administrator', daniel), `removed ${daniel} from Helpdesk Administrator\n`);
      assert.deepEqual(JSON.parse(await cli('roles', 'list', '--user', daniel, '-o', 'json')), []);
      await assert.rejects(failing('roles', 'add-member', 'No Such Role', daniel), (err: { code?: number }) => err.code === 2);
    });
  });
}
