/**
 * `tenantry serve --emulator --fixtures FILE` as a real process (issue 11): a right file fills the
 * default workspace, a wrong one stops the server with every JSON path and exit code 1, on SQLite
 * and PostgreSQL. Needs the compiled CLI (`npm run build:server`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { microsoft365E3 } from '../../domain/product-catalog.js';
import { cliPath } from '../../test-support/server-process.js';
import { storeFactories, testPostgresUrl } from '../../test-support/stores.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-fixtures-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fixtureFile = (name: string, fixture: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(fixture));
  return path;
};

interface Ready { url: string; workspace: { tokens: { AdminAgent: string } } }

/** Runs `tenantry serve ARGS` until its JSON line (then runs `check` and stops it) or until it exits. */
function serve(args: string[], check: (line: Ready) => Promise<void> = async () => {}): Promise<{ line?: Ready; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'serve', '--emulator', '--port', '0', '--print-json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let line: Ready | undefined;
    let failure: unknown;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (line || !out.includes('\n')) return;
      line = JSON.parse(out.split('\n')[0]) as Ready;
      check(line).catch((e) => (failure = e)).finally(() => child.kill('SIGTERM'));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ line, code, stderr: err });
    });
  });
}

/** A database of its own for each run: a SQLite file, or a new PostgreSQL database dropped at the end. */
async function newDatabase(kind: string): Promise<string> {
  if (kind === 'sqlite') return `sqlite:${join(dir, `fx-${randomBytes(4).toString('hex')}.db`)}`;
  const name = `tenantry_fx_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: testPostgresUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

const fixture = {
  customers: [
    {
      companyName: 'Contoso',
      domain: 'clifx.onmicrosoft.com',
      users: [{ userPrincipalName: 'ann@clifx.onmicrosoft.com', displayName: 'Ann', usageLocation: 'US' }],
      generate: { count: 9 },
      subscribedSkus: [{ skuId: microsoft365E3.id, seats: 5 }],
      licenses: [{ user: 'ann@clifx.onmicrosoft.com', skuIds: [microsoft365E3.id] }],
    },
  ],
};

for (const factory of storeFactories) {
  describe(`serve --emulator --fixtures on ${factory.name}`, () => {
    const database = () => newDatabase(factory.name);

    it('loads the fixture into the default workspace', async () => {
      const answers: unknown[] = [];
      const result = await serve(['--database', await database(), '--fixtures', fixtureFile('good.json', fixture)], async (l) => {
        const headers = { authorization: `Bearer ${l.workspace.tokens.AdminAgent}` };
        const customers = await (await fetch(`${l.url}/v1/customers`, { headers })).json();
        answers.push(customers);
        const users = await (await fetch(`${l.url}/v1/customers/${customers.items[0].id}/users`, { headers })).json();
        answers.push(users);
      });
      assert.ok(result.line, result.stderr);
      const [customers, users] = answers as [{ items: { companyProfile: { domain: string } }[] }, { totalCount: number }];
      assert.deepEqual(customers.items.map((c) => c.companyProfile.domain), ['clifx.onmicrosoft.com']);
      assert.equal(users.totalCount, 10);
    });

    it('refuses a wrong fixture: exit code 1, every JSON path on stderr, no JSON line', async () => {
      const bad = structuredClone(fixture);
      bad.customers[0].users.push({ userPrincipalName: 'eve@elsewhere.com', displayName: 'Eve', usageLocation: 'XX' });
      const result = await serve(['--database', await database(), '--fixtures', fixtureFile('bad.json', bad)]);
      assert.equal(result.code, 1);
      assert.equal(result.line, undefined);
      assert.match(result.stderr, /\/customers\/0\/users\/1\/userPrincipalName: /);
      assert.match(result.stderr, /\/customers\/0\/users\/1\/usageLocation: /);
    });

    it('names a file that is not JSON', async () => {
      const path = join(dir, 'broken.json');
      writeFileSync(path, '{ not json');
      const result = await serve(['--database', await database(), '--fixtures', path]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /broken\.json: not JSON/);
    });
  });
}
