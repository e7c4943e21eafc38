/**
 * `serve --emulator --faults FILE` and `--journal` as a real process (issue 12): a good profile is
 * on the default workspace before the server answers; a wrong one is refused whole, naming JSON
 * paths, and the server does not start. Needs the compiled CLI (`npm run build:server`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliPath } from '../../test-support/server-process.js';

/** Runs `tenantry serve ARGS --print-json`; resolves with the JSON line, or with the exit code and stderr when it exits first. */
function serve(args: string[]): Promise<{ line?: { url: string; adminToken: string; workspace: { id: string; tokens: { AdminAgent: string } } }; code?: number | null; stderr: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'serve', '--emulator', '--port', '0', '--print-json', '--database', 'sqlite::memory:', '--log-level', 'silent', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer from serve: ${out} ${err}`));
    }, 30_000);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ line: JSON.parse(out.split('\n')[0]), stderr: err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: err, stop });
    });
  });
}

const get = async (url: string, token: string) => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: JSON.parse((await res.text()).replace(/^\uFEFF/, '') || 'null') };
};

describe('serve --emulator --faults and --journal', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-faults-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('applies a fault profile to the default workspace before it answers', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ rules: [{ id: 'slow-list', match: { operation: 'customers.list' }, effect: { status: 503, retryAfter: 1 }, times: 1 }] }));
    const server = await serve(['--faults', file]);
    try {
      assert.ok(server.line, server.stderr);
      const { url, adminToken, workspace } = server.line!;
      const rules = await get(`${url}/_tenantry/workspaces/${workspace.id}/faults`, adminToken);
      assert.deepEqual(rules.json.items.map((r: { id: string }) => r.id), ['slow-list']);
      assert.equal((await get(`${url}/v1/customers`, workspace.tokens.AdminAgent)).status, 503);
      const journal = await get(`${url}/_tenantry/workspaces/${workspace.id}/requests`, adminToken);
      assert.equal(journal.json.items[0].faultRuleId, 'slow-list');
    } finally {
      await server.stop();
    }
  });

  it('refuses a wrong profile whole, naming each problem by its JSON path, and exits non-zero', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ rules: [{ match: { operation: 'users.lst' }, effect: { status: 503 } }, { match: { operation: 'users.list' }, effect: { status: 418 } }] }));
    const refused = await serve(['--faults', file]);
    assert.equal(refused.line, undefined);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--faults .*bad\.json is refused \(no rule was applied\)/);
    assert.match(refused.stderr, /\/rules\/1\/effect\/status/);
    assert.match(refused.stderr, /\/rules\/0\/match\/operation: unknown operation "users\.lst"/);

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"rules": [');
    const broken = await serve(['--faults', notJson]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /not JSON/);
    const missing = await serve(['--faults', join(dir, 'absent.json')]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /cannot read the file: ENOENT/);
  });

  it('with --journal off records nothing, and refuses a bad --journal-size', async () => {
    const server = await serve(['--journal', 'off']);
    try {
      const { url, adminToken, workspace } = server.line!;
      assert.equal((await get(`${url}/v1/customers`, workspace.tokens.AdminAgent)).status, 200);
      const journal = await get(`${url}/_tenantry/workspaces/${workspace.id}/requests`, adminToken);
      assert.equal(journal.status, 400);
      assert.equal(journal.json.code, 600107);
    } finally {
      await server.stop();
    }
    const bad = await serve(['--journal-size', 'lots']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--journal-size must be a whole number/);
  });
});
