/**
 * Crash safety: the server is killed with SIGKILL in the middle of a `tenantry users import`,
 * restarted on the same database, and the same import is run again. Every user the first run was
 * told about is there exactly once (same id), no user is half-written, and the re-run completes
 * the rest; on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { demoCustomerId } from '../src/demo/demo-data.js';
import { cliPath, createScratchDatabase, requestOnce, runCli, startServerProcess, type ServerProcess } from '../src/test-support/server-process.js';

const domain = 'dtdemocspcustomer005.onmicrosoft.com';
const rowCount = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Partner Center's bulk-upload template with `rowCount` new hires. */
function writeTemplate(path: string) {
  const lines = ['First name,Last name,Display name,User name,Usage location'];
  for (let i = 0; i < rowCount; i++) lines.push(`Crash${i},Tester,Crash Tester ${i},crash${i}@${domain},US`);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
}

type ResultRow = Record<string, string>;
const readResults = (path: string): ResultRow[] => {
  try {
    return parse(readFileSync(path), { columns: true, skip_empty_lines: true, relax_column_count: true }) as ResultRow[];
  } catch {
    return []; // not written yet, or a row cut off mid-write
  }
};

/** Runs `tenantry users import` against a server; resolves with its exit code. */
function startImport(file: string, results: string, server: ServerProcess, token: string) {
  const child = spawn(process.execPath, [cliPath, 'users', 'import', file, '--customer', demoCustomerId, '--results', results, '--concurrency', '8'], {
    env: { ...process.env, TENANTRY_URL: server.url, TENANTRY_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, stderr: () => stderr };
}

const databases = [
  { name: 'sqlite', open: async (dir: string) => ({ url: `sqlite:${join(dir, 'crash.db')}`, drop: async () => {} }) },
  { name: 'postgres', open: async () => createScratchDatabase() },
];

for (const database of databases) {
  describe(`a SIGKILL in the middle of a bulk import on ${database.name}`, { timeout: 240_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-crash-'));
    let db: { url: string; drop(): Promise<void> } | undefined;
    let server: ServerProcess | undefined;
    after(async () => {
      if (server && server.child.exitCode === null) await server.kill();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every acknowledged user exactly once, writes no half user, and the re-run completes the rest', async () => {
      db = await database.open(dir);
      const serve = () => startServerProcess(['--port', '0', '--database', db!.url, '--demo', '--rate-limit', 'off', '--log-level', 'warn']);
      const file = join(dir, 'new-hires.csv');
      writeTemplate(file);

      server = await serve();
      const token = (await runCli(['token', '--database', db.url])).trim();
      const firstResults = join(dir, 'first.results.csv');
      const first = startImport(file, firstResults, server, token);
      // Kill the server once a good part, but not all, of the import is acknowledged.
      for (let i = 0; i < 600 && readResults(firstResults).filter((r) => r['Status update'] === 'created').length < 40; i++) await sleep(50);
      await server.kill();
      // The import cannot finish without the server; let it stop and flush its results file.
      await Promise.race([first.exit, sleep(5000)]);
      if (first.child.exitCode === null) first.child.kill('SIGTERM');
      await first.exit;

      const acknowledged = readResults(firstResults).filter((r) => r['Status update'] === 'created');
      assert.ok(acknowledged.length >= 40, `acknowledged ${acknowledged.length}: ${first.stderr()}`);
      assert.ok(acknowledged.length < rowCount, 'the kill came in the middle of the import');

      server = await serve();
      const secondResults = join(dir, 'second.results.csv');
      const second = startImport(file, secondResults, server, token);
      assert.equal(await second.exit, 0, second.stderr());
      const rerun = readResults(secondResults);
      assert.equal(rerun.length, rowCount);
      assert.deepEqual([...new Set(rerun.map((r) => r['Status update']))].filter((s) => s !== 'created' && s !== 'exists'), []);
      const rerunIds = new Map(rerun.map((r) => [r['User name'], r['User id']]));
      for (const row of acknowledged) assert.equal(rerunIds.get(row['User name']), row['User id'], `${row['User name']} kept its id`);

      // Every row's user exists once, whole: all the fields of its row.
      const users: any[] = [];
      let res = await requestOnce('GET', `${server.url}/v1/customers/${demoCustomerId}/users?size=500`, { authorization: `Bearer ${token}` });
      for (;;) {
        assert.equal(res.status, 200, res.text);
        users.push(...res.json.items);
        if (!res.json.continuationToken) break;
        res = await requestOnce('GET', `${server.url}/v1${res.json.links.next.uri}`, { authorization: `Bearer ${token}`, 'ms-continuationtoken': res.json.continuationToken });
      }
      const imported = users.filter((u) => u.userPrincipalName.startsWith('crash'));
      assert.equal(imported.length, rowCount, 'one user per row, no duplicates');
      assert.equal(new Set(imported.map((u) => u.userPrincipalName.toLowerCase())).size, rowCount);
      for (const u of imported) {
        const i = /^crash(\d+)@/.exec(u.userPrincipalName)![1];
        assert.deepEqual([u.firstName, u.lastName, u.displayName, u.usageLocation, u.state], [`Crash${i}`, 'Tester', `Crash Tester ${i}`, 'US', 'active']);
        assert.equal(rerunIds.get(u.userPrincipalName), u.id);
      }
      assert.equal(await server.stop(), 0);
    });
  });
}
