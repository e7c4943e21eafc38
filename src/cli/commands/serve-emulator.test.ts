/**
 * `tenantry serve --emulator` as a real process (issue 11): with --print-json it prints exactly
 * one JSON line whose tokens work; without it, the human output names the admin token and the
 * default workspace. Needs the compiled CLI (`npm run build:server`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { demoPartnerId } from '../../demo/demo-data.js';
import { cliPath } from '../../test-support/server-process.js';

interface Started {
  stdout: () => string;
  stop: () => Promise<void>;
}

/** Starts `tenantry serve ARGS` and resolves once stdout matches `ready`. */
function serve(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Started & { match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${out} ${err}`));
    }, 30_000);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          match,
          stdout: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

const get = async (url: string, token: string) => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: JSON.parse((await res.text()).replace(/^\uFEFF/, '')) };
};

describe('serve --emulator', () => {
  it('with --print-json prints exactly one JSON line whose url, admin token and workspace tokens work', async () => {
    const server = await serve(['--emulator', '--port', '0', '--print-json', '--database', 'sqlite::memory:', '--log-level', 'info'], /^.*\n/);
    try {
      const line = JSON.parse(server.match[0]);
      assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(typeof line.adminToken, 'string');
      assert.equal(line.workspace.id, line.workspace.partnerId);
      assert.deepEqual(Object.keys(line.workspace.tokens).sort(), ['AdminAgent', 'HelpdeskAgent', 'SalesAgent']);

      const customers = await get(`${line.url}/v1/customers`, line.workspace.tokens.AdminAgent);
      assert.equal(customers.status, 200);
      assert.equal(customers.json.totalCount, 0);
      const workspaces = await get(`${line.url}/_tenantry/workspaces`, line.adminToken);
      assert.equal(workspaces.status, 200);
      assert.deepEqual(workspaces.json.items.map((w: { id: string }) => w.id), [line.workspace.id]);
      assert.equal((await get(`${line.url}/_tenantry/workspaces`, line.workspace.tokens.AdminAgent)).status, 403);
      // The request log went to stderr: stdout still holds the one line.
      assert.equal(server.stdout().trimEnd().split('\n').length, 1);
    } finally {
      await server.stop();
    }
  });

  it('with --demo prints the admin token and the demo partner as the default workspace, and TENANTRY_EMULATOR_ADMIN_TOKEN sets the token', async () => {
    const adminToken = 'fixed-admin-token-for-this-test';
    const server = await serve(['--demo', '--port', '0', '--database', 'sqlite::memory:', '--log-level', 'silent'], /AdminAgent token:\n(\S+)\n/, {
      TENANTRY_EMULATOR: '1',
      TENANTRY_EMULATOR_ADMIN_TOKEN: adminToken,
    });
    try {
      const out = server.stdout();
      assert.ok(out.includes(`admin token ${adminToken}`), out);
      assert.ok(out.includes(`default workspace ${demoPartnerId}`), out);
      assert.ok(!out.includes('npx tenantry token'), 'no hint that cannot work with an in-memory database');
      const url = /^listening on (\S+)$/m.exec(out)![1];
      assert.equal((await get(`${url}/v1/customers`, server.match[1])).json.totalCount, 1);
      assert.equal((await get(`${url}/_tenantry/workspaces/${demoPartnerId}`, adminToken)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
