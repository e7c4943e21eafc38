import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { demoDomain } from '../../demo/demo-data.js';
import { type LiveServer, startLiveServer } from '../../test-support/live-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { syntheticUsers, unusablePasswordHash } from '../../demo/synthetic-users.js';
import { toUserRow } from '../../domain/user.js';
import { maxScannedUsers } from '../../schemas/customer-user.js';
import { storeFactories, testCustomer } from '../../test-support/stores.js';

for (const factory of storeFactories) {
  describe(`tenantry users and customers commands on ${factory.name}`, () => {
    let server: LiveServer;
    let configDir: string;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, { env });

    before(async () => {
      server = await startLiveServer(factory);
      configDir = mkdtempSync(join(tmpdir(), 'tenantry-cli-'));
      env = { TENANTRY_URL: server.url, TENANTRY_TOKEN: server.adminToken, TENANTRY_CONFIG_DIR: configDir };
    });
    after(async () => {
      await server.close();
      rmSync(configDir, { recursive: true, force: true });
    });

    test('users list prints a table by default, with a header and one line per user', async () => {
      const { code, stdout, stderr } = await cli('users', 'list', '--customer', server.customerId);
      assert.equal(code, 0, stderr);
      const lines = stdout.trimEnd().split('\n');
      assert.match(lines[0], /^DISPLAY NAME\s+USER PRINCIPAL NAME\s+ID\s+LOCATION\s+STATE$/);
      assert.equal(lines.length, 3);
      assert.match(lines[1], /^Daniel Tsai\s+Daniel@dtdemocspcustomer005\.onmicrosoft\.com\s+a9ef48bb-8758-4590-a312-d4a47bfaded4\s+US\s+active$/);
    });

    test('users list -o json is an array of users, -o jsonl one user per line, -o csv a header and rows', async () => {
      const json = await cli('users', 'list', '--tenant-id', server.customerId, '-o', 'json');
      assert.equal(json.code, 0, json.stderr);
      const users = JSON.parse(json.stdout);
      assert.ok(Array.isArray(users));
      assert.deepEqual(users.map((u: { displayName: string }) => u.displayName), ['Daniel Tsai', 'DT Demo CSP Customer 005']);
      assert.equal(users[0].attributes.objectType, 'CustomerUser');

      const jsonl = await cli('users', 'list', '--customer', server.customerId, '-o', 'jsonl');
      assert.deepEqual(jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id), users.map((u: { id: string }) => u.id));

      const csv = await cli('users', 'list', '--customer', server.customerId, '-o', 'csv');
      const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
      assert.deepEqual(rows.map((r) => r.userPrincipalName), users.map((u: { userPrincipalName: string }) => u.userPrincipalName));
      assert.equal(rows[0].usageLocation, 'US');
    });

    test('search, sort, size and --all shape the list', async () => {
      const sorted = await cli('users', 'list', '--customer', server.customerId, '--sort', 'userPrincipalName', '--desc', '-o', 'jsonl');
      assert.deepEqual(sorted.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).userPrincipalName), [`Daniel@${demoDomain}`, `admin@${demoDomain}`]);
      const search = await cli('users', 'list', '--customer', server.customerId, '--search', 'demo csp', '-o', 'jsonl');
      assert.deepEqual(search.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).displayName), ['DT Demo CSP Customer 005']);
      // "contains" by default, in any case; "starts with" on request.
      const inside = await cli('users', 'list', '--customer', server.customerId, '--search', 'TSAI', '-o', 'jsonl');
      assert.deepEqual(inside.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).displayName), ['Daniel Tsai']);
      const notAPrefix = await cli('users', 'list', '--customer', server.customerId, '--search', 'tsai', '--search-mode', 'starts-with', '-o', 'jsonl');
      assert.equal(notAPrefix.code, 0, notAPrefix.stderr);
      assert.equal(notAPrefix.stdout.trim(), '');
      const prefix = await cli('users', 'list', '--customer', server.customerId, '--search', 'dan', '--search-mode', 'starts-with', '-o', 'jsonl');
      assert.deepEqual(prefix.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).displayName), ['Daniel Tsai']);
      const byDomain = await cli('users', 'list', '--customer', server.customerId, '--search', `@${demoDomain.slice(0, 12)}`, '--search-in', 'userPrincipalName', '-o', 'jsonl');
      assert.equal(byDomain.stdout.trimEnd().split('\n').length, 2);
      const badMode = await cli('users', 'list', '--customer', server.customerId, '--search', 'x', '--search-mode', 'fuzzy');
      assert.notEqual(badMode.code, 0);
      assert.match(badMode.stderr, /contains, starts-with/);
      const onePage = await cli('users', 'list', '--customer', server.customerId, '--size', '1', '-o', 'jsonl');
      assert.equal(onePage.stdout.trimEnd().split('\n').length, 1);
      const all = await cli('users', 'list', '--customer', server.customerId, '--size', '1', '--all', '-o', 'json');
      assert.equal(JSON.parse(all.stdout).length, 2);
      assert.equal(all.stderr, '', 'no progress bar when stderr is not a terminal');
    });

    test('users list fills its page of a two-letter search past where the server ends a page early', async () => {
      const wide = testCustomer(server.partnerId, 'Wide');
      await server.store.insertCustomer(wide, []);
      const users = syntheticUsers(wide.id, wide.domain, 0, maxScannedUsers + 2000);
      // Sorted as the list is, the 4th user and the 4 just past the server's first bound contain "qj".
      const byName = [...users].sort((a, b) => (a.displayNameKey < b.displayNameKey ? -1 : a.displayNameKey > b.displayNameKey ? 1 : a.id < b.id ? -1 : 1));
      const marked = new Set([3, maxScannedUsers, maxScannedUsers + 1, maxScannedUsers + 2, maxScannedUsers + 3].map((i) => byName[i].id));
      await server.store.insertUsersBulk([users.map((row) => (marked.has(row.id) ? toUserRow({ ...row, displayName: `${row.displayName} Qj` }) : row))], unusablePasswordHash);
      const expected = byName.filter((row) => marked.has(row.id)).map((row) => row.id);

      const firstPage = await cli('users', 'list', '--customer', wide.id, '--search', 'qj', '--size', '3', '-o', 'jsonl');
      assert.equal(firstPage.code, 0, firstPage.stderr);
      // The server's first page holds one match (then its bound); the CLI reads on to fill three or more.
      const ids = firstPage.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id);
      assert.deepEqual(ids, expected.slice(0, 4));
      const all = await cli('users', 'list', '--customer', wide.id, '--search', 'qj', '--size', '3', '--all', '-o', 'jsonl');
      assert.deepEqual(all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id), expected);
    });

    test('create, get, update, reset-password, delete, list --deleted and restore work by user principal name', async () => {
      const upn = `cli.user@${demoDomain}`;
      const created = await cli('users', 'create', '--customer', server.customerId, '--upn', upn, '--display-name', 'CLI User', '--usage-location', 'de', '-o', 'json');
      assert.equal(created.code, 0, created.stderr);
      const user = JSON.parse(created.stdout);
      assert.equal(user.usageLocation, 'DE');
      assert.ok(user.passwordProfile.password);

      const shown = await cli('users', 'get', upn, '--customer', server.customerId);
      assert.match(shown.stdout, new RegExp(`^id:\\s+${user.id}$`, 'm'));

      const updated = await cli('users', 'update', user.id, '--customer', server.customerId, '--display-name', 'CLI User Renamed', '--first-name', 'Cli', '-o', 'json');
      assert.equal(JSON.parse(updated.stdout).displayName, 'CLI User Renamed');
      assert.equal(JSON.parse(updated.stdout).firstName, 'Cli');

      const reset = await cli('users', 'reset-password', upn, '--customer', server.customerId, '-o', 'json');
      assert.ok(JSON.parse(reset.stdout).passwordProfile.password);

      const deleted = await cli('users', 'delete', upn, '--customer', server.customerId);
      assert.equal(deleted.code, 0, deleted.stderr);
      const listDeleted = await cli('users', 'list', '--customer', server.customerId, '--deleted', '-o', 'json');
      assert.deepEqual(JSON.parse(listDeleted.stdout).map((u: { id: string }) => u.id), [user.id]);
      assert.ok(JSON.parse(listDeleted.stdout)[0].softDeletionTime);

      const restored = await cli('users', 'restore', upn, '--customer', server.customerId, '-o', 'json');
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal(JSON.parse(restored.stdout).state, 'active');
    });

    test('a fault prints its code and description on stderr and exits non-zero', async () => {
      const missing = await cli('users', 'get', '00000000-0000-4000-8000-000000000000', '--customer', server.customerId);
      assert.equal(missing.code, 1);
      assert.equal(missing.stdout, '');
      assert.match(missing.stderr, /^error 60002: User object Id is not found .*\(HTTP 404, notFound\)\n$/);
      const bad = await cli('users', 'create', '--customer', server.customerId, '--upn', 'x@elsewhere.example', '--display-name', 'X');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^error 3000: Invalid property userPrincipalName/);
      const noCustomer = await cli('users', 'list');
      assert.equal(noCustomer.code, 2);
      assert.match(noCustomer.stderr, /--customer/);
      const badToken = await runCli(['customers', 'list'], { env: { ...env, TENANTRY_TOKEN: 'not-a-token' } });
      assert.equal(badToken.code, 1);
      assert.match(badToken.stderr, /HTTP 401, unauthorized/);
      const unreachable = await runCli(['customers', 'list', '--url', 'http://127.0.0.1:9'], { env });
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, /No answer from http:\/\/127\.0\.0\.1:9/);
    });

    test('customers list, get and create', async () => {
      const list = await cli('customers', 'list', '-o', 'json');
      assert.ok(JSON.parse(list.stdout).some((c: { id: string }) => c.id === server.customerId));
      const get = await cli('customers', 'get', server.customerId, '-o', 'json');
      assert.equal(JSON.parse(get.stdout).companyProfile.domain, demoDomain);
      const created = await cli('customers', 'create', '--domain', 'clitest.onmicrosoft.com', '--name', 'CLI Test', '--email', 'it@clitest.example', '--country', 'US');
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^userCredentials\.password:\s+\S+$/m);
      const found = await cli('customers', 'list', '--search', 'CLI T', '-o', 'csv');
      const rows = parse(found.stdout, { columns: true }) as Record<string, string>[];
      assert.deepEqual(rows.map((r) => r.domain), ['clitest.onmicrosoft.com']);
    });
  });
}

describe('tenantry client commands --help', () => {
  for (const command of [
    ['login'],
    ['users', 'list'],
    ['users', 'get'],
    ['users', 'create'],
    ['users', 'update'],
    ['users', 'delete'],
    ['users', 'restore'],
    ['users', 'reset-password'],
    ['users', 'import'],
    ['users', 'export'],
    ['customers', 'list'],
    ['customers', 'get'],
    ['customers', 'create'],
  ]) {
    test(`${command.join(' ')} --help shows an example`, async () => {
      const { code, stdout } = await runCli([...command, '--help']);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`Example:\\n  (.* \\| )?tenantry ${command.join(' ')}`));
    });
  }
});
