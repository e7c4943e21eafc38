import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createPartnerOperations } from '@tenantry/sdk';
import { demoDomain } from '../../demo/demo-data.js';
import { type LiveServer, startLiveServer } from '../../test-support/live-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { storeFactories } from '../../test-support/stores.js';

const goodRows = 1_000;

/** Partner Center's template: BOM, CRLF, a Status update column, and a few bad rows among good ones. */
function templateCsv(count: number, withBadRows: boolean): { text: string; badLines: number[] } {
  const lines = ['\uFEFFFirst name,Last name,Display name,User name,Status update'];
  const badLines: number[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(`First${i},Last ${i},"Bulk User ${String(i).padStart(4, '0')}",bulk.user${i}@${demoDomain},`);
    if (withBadRows && i % 250 === 100) {
      const bad = [
        `No,Display,,nodisplay${i}@${demoDomain},`,
        `Wrong,Domain,Wrong Domain ${i},wrong${i}@elsewhere.example,`,
        `Dup,Licate,Duplicate ${i},bulk.user${i}@${demoDomain},`,
        `Bad,Alias,Bad Alias ${i},bad alias${i}@${demoDomain},`,
      ][(i - 100) / 250];
      lines.push(bad);
      badLines.push(lines.length);
    }
  }
  return { text: lines.join('\r\n') + '\r\n', badLines };
}

for (const factory of storeFactories) {
  describe(`tenantry users import and export on ${factory.name}`, () => {
    let server: LiveServer;
    let dir: string;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, { env, cwd: dir });
    const results = (name: string) => parse(readFileSync(join(dir, name)), { columns: true }) as Record<string, string>[];

    before(async () => {
      server = await startLiveServer(factory);
      dir = mkdtempSync(join(tmpdir(), 'tenantry-import-'));
      env = { TENANTRY_URL: server.url, TENANTRY_TOKEN: server.adminToken, TENANTRY_CONFIG_DIR: join(dir, 'config'), TENANTRY_CUSTOMER: server.customerId };
      const full = templateCsv(goodRows, true);
      writeFileSync(join(dir, 'users.csv'), full.text);
      writeFileSync(join(dir, 'bad-lines.json'), JSON.stringify(full.badLines));
      // The first 300 rows alone: the part an interrupted import would have done.
      writeFileSync(join(dir, 'first-part.csv'), templateCsv(300, false).text);
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('an import with bad rows reports every one with its line number and creates nothing', async () => {
      const { code, stderr } = await cli('users', 'import', 'users.csv', '--usage-location', 'US');
      assert.equal(code, 2);
      const badLines = JSON.parse(readFileSync(join(dir, 'bad-lines.json'), 'utf8')) as number[];
      assert.equal(badLines.length, 4);
      const reported = [...stderr.matchAll(/^line (\d+): (.*)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual(reported, badLines);
      assert.match(stderr, /Display name is required/);
      assert.match(stderr, /the domain must be one of the customer's domains/);
      assert.match(stderr, /^line 605: bulk\.user600@\S+ repeats the user name of line 604$/m);
      assert.match(stderr, /nothing was imported/);
      const page = await createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } }).customers.byId(server.customerId).users.get();
      assert.equal(page.items.length, 2, 'only the demo users');
    });

    test('an interrupted import re-run in full creates the rest without duplicates; a user made meanwhile counts as existing', async () => {
      const first = await cli('users', 'import', 'first-part.csv', '--usage-location', 'US', '--results', 'first.results.csv');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /created 300, already existed 0, invalid 0, failed 0/);
      const firstIds = new Map(results('first.results.csv').map((r) => [r['User name'], r['User id']]));

      // Someone creates one of the later users by hand before the import is resumed.
      const partner = createPartnerOperations({ baseUrl: server.url, credentials: { token: server.adminToken } });
      const manual = await partner.customers.byId(server.customerId).users.create({ userPrincipalName: `bulk.user999@${demoDomain}`, displayName: 'Made by hand' });

      const full = await cli('users', 'import', 'users.csv', '--usage-location', 'US', '--skip-invalid', '--concurrency', '6');
      assert.equal(full.code, 0, full.stderr);
      assert.match(full.stderr, /created 999, already existed 1, invalid 4, failed 0; results in users\.results\.csv/);
      const rows = results('users.results.csv');
      assert.equal(statSync(join(dir, 'users.results.csv')).mode & 0o777, 0o600, 'temporary passwords are private');
      assert.equal(rows.length, goodRows + 4);
      const byUpn = new Map(rows.map((r) => [r['User name'], r]));
      for (const [upn, id] of firstIds) assert.equal(byUpn.get(upn)?.['User id'], id, `${upn} keeps the user created by the first run`);
      const existing = byUpn.get(`bulk.user999@${demoDomain}`)!;
      assert.equal(existing['Status update'], 'exists');
      assert.equal(existing['User id'], manual.id);
      assert.ok(rows.filter((r) => r['Status update'] === 'created').every((r) => r['Temporary password'].length >= 8));
      assert.deepEqual(rows.filter((r) => r['Status update'] === 'invalid').map((r) => Number(r.Line)), JSON.parse(readFileSync(join(dir, 'bad-lines.json'), 'utf8')));

      const again = await cli('users', 'import', 'users.csv', '--usage-location', 'US', '--skip-invalid', '--results', 'again.results.csv');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /failed 0/);
      assert.deepEqual(
        results('again.results.csv').map((r) => [r['User name'], r['User id']]).sort(),
        rows.map((r) => [r['User name'], r['User id']]).sort(),
        'the re-run names the same users',
      );
    });

    test('export streams every user back, equal to what was imported', async () => {
      const csv = await cli('users', 'export', '-o', 'csv');
      assert.equal(csv.code, 0, csv.stderr);
      assert.equal(csv.stderr, '');
      const exported = parse(csv.stdout, { columns: true }) as Record<string, string>[];
      assert.equal(exported.length, goodRows + 2);
      assert.equal(new Set(exported.map((u) => u.id)).size, exported.length, 'no duplicates');
      const imported = parse(readFileSync(join(dir, 'users.csv')), { columns: true, bom: true }) as Record<string, string>[];
      const expected = new Map<string, string[]>();
      for (const r of imported) {
        if (!r['Display name'] || !r['User name'].endsWith(`@${demoDomain}`) || r['User name'].includes(' ') || expected.has(r['User name'])) continue;
        expected.set(r['User name'], [r['First name'], r['Last name'], r['Display name'], 'US']);
      }
      expected.set(`bulk.user999@${demoDomain}`, ['', '', 'Made by hand', '']);
      const actual = new Map(exported.filter((u) => u.userPrincipalName.startsWith('bulk.')).map((u) => [u.userPrincipalName, [u.firstName, u.lastName, u.displayName, u.usageLocation]]));
      assert.deepEqual(actual, expected);

      const jsonl = await cli('users', 'export', '-o', 'jsonl', '--size', '137');
      const lines = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((u) => u.id), exported.map((u) => u.id));
    });

    test('an export can be imported again (API column names) without creating anyone twice', async () => {
      const csv = await cli('users', 'export', '-o', 'csv');
      writeFileSync(join(dir, 'exported.csv'), csv.stdout);
      const again = await cli('users', 'import', 'exported.csv', '--results', 'exported.results.csv', '--concurrency', '16');
      assert.equal(again.code, 0, again.stderr);
      // Rows the import made replay their first answer (same id and password); the others exist already.
      assert.match(again.stderr, /created 999, already existed 3, invalid 0, failed 0/);
      const after = parse((await cli('users', 'export', '-o', 'csv')).stdout, { columns: true }) as unknown[];
      assert.equal(after.length, goodRows + 2);
    });
  });
}
