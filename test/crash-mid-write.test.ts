/**
 * One transaction per write: the server is killed (SIGKILL, by a failpoint) in a user create, a
 * licence update and a role-member add, either inside the write's transaction after the write,
 * its audit record and its stored MS-RequestId answer were written but before COMMIT, or right
 * after COMMIT before the answer left. After a restart on the same database, either none of the
 * three is there or all are; the client's retry with the same MS-RequestId then leaves one write
 * with one audit record, and a second retry replays the answer. On a SQLite file and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { demoCustomerId, demoDomain } from '../src/demo/demo-data.js';
import { exchangeOnlinePlan1, microsoft365E3 } from '../src/domain/product-catalog.js';
import { createScratchDatabase, requestOnce, runCli, startServerProcess, type RawResponse, type ServerProcess } from '../src/test-support/server-process.js';

const daniel = 'a9ef48bb-8758-4590-a312-d4a47bfaded4';
const helpdeskRole = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const userAdministratorRole = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const customer = `/v1/customers/${demoCustomerId}`;

type Get = (path: string) => Promise<RawResponse>;
interface Write {
  name: string;
  requestId: string;
  path: string;
  body: unknown;
  /** How many times the write is visible (0 or 1). */
  count(get: Get): Promise<number>;
}

/** A user create, a licence update and a role-member add, each with its own MS-RequestId; `tag` keeps two rounds apart. */
const writes = (tag: 'before' | 'after'): Write[] => {
  const upn = `atomic.${tag}@${demoDomain}`;
  const sku = tag === 'before' ? exchangeOnlinePlan1.id : microsoft365E3.id;
  const role = tag === 'before' ? helpdeskRole : userAdministratorRole;
  return [
    {
      name: 'user create',
      requestId: randomUUID(),
      path: `${customer}/users`,
      body: { userPrincipalName: upn, displayName: 'Atomic' },
      count: async (get) => (await get(`${customer}/users?size=500`)).json.items.filter((u: any) => u.userPrincipalName === upn).length,
    },
    {
      name: 'licence update',
      requestId: randomUUID(),
      path: `${customer}/users/${daniel}/licenseupdates`,
      body: { licensesToAssign: [{ skuId: sku }] },
      count: async (get) => (await get(`${customer}/users/${daniel}/licenses?licenseGroupIds=Group1`)).json.items.filter((l: any) => l.productSku.id === sku).length,
    },
    {
      name: 'role member add',
      requestId: randomUUID(),
      path: `${customer}/directoryroles/${role}/usermembers`,
      body: { id: daniel },
      count: async (get) => (await get(`${customer}/directoryroles/${role}/usermembers`)).json.items.filter((m: any) => m.id === daniel).length,
    },
  ];
};

const databases = [
  { name: 'a SQLite file', open: async (dir: string) => ({ url: `sqlite:${join(dir, 'atomic.db')}`, drop: async () => {} }) },
  { name: 'PostgreSQL', open: async () => createScratchDatabase() },
];

for (const database of databases) {
  describe(`a crash in the middle of a write on ${database.name}`, { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-atomic-'));
    let db: { url: string; drop(): Promise<void> } | undefined;
    let server: ServerProcess | undefined;
    after(async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = async (env: Record<string, string> = {}) =>
      startServerProcess(['--port', '0', '--database', db!.url, '--demo', '--rate-limit', 'off', '--log-level', 'warn'], env);
    let auth: Record<string, string>;
    const get: Get = async (path) => {
      const res = await requestOnce('GET', `${server!.url}${path}`, auth);
      assert.equal(res.status, 200, res.text);
      return res;
    };
    const audited = async (requestId: string) =>
      (await get('/v1/auditrecords?size=500')).json.items.filter((r: any) => r.customizedData.some((d: any) => d.key === 'RequestId' && d.value === requestId)).length;
    const post = (w: Write) => requestOnce('POST', `${server!.url}${w.path}`, { ...auth, 'ms-requestid': w.requestId }, w.body, 60_000);
    /** Sends each write to a server armed with the failpoint, which dies inside it; returns the writes. */
    const crashEach = async (failpoint: string, plan: Write[]) => {
      for (const w of plan) {
        server = await run({ TENANTRY_FAILPOINT: failpoint });
        const exited = new Promise((resolve) => server!.child.once('exit', (_code, signal) => resolve(signal)));
        await assert.rejects(post(w), `${w.name}: the process died before answering`);
        assert.equal(await exited, 'SIGKILL', `${w.name}: killed at the failpoint`);
      }
      server = await run();
      return plan;
    };
    /** Retries every write twice: the first answer is the write's, the second its replay; one write, one record each. */
    const retryTwice = async (plan: Write[]) => {
      const retried = await Promise.all(plan.map(post));
      for (const [i, w] of plan.entries()) assert.equal(retried[i].status, 201, `${w.name}: ${retried[i].text}`);
      const replayed = await Promise.all(plan.map(post));
      for (const [i, w] of plan.entries()) {
        assert.equal(replayed[i].status, 201);
        assert.equal(replayed[i].text, retried[i].text, `${w.name}: the stored answer is replayed`);
        assert.equal(await w.count(get), 1, `${w.name}: written once`);
        assert.equal(await audited(w.requestId), 1, `${w.name}: one audit record`);
      }
    };

    it('keeps none of write, audit record and stored answer when killed before COMMIT; the retry writes each once', async () => {
      db = await database.open(dir);
      auth = { authorization: `Bearer ${(await runCli(['token', '--database', db.url])).trim()}` };
      const plan = await crashEach('after-write-before-commit', writes('before'));
      for (const w of plan) {
        assert.equal(await w.count(get), 0, `${w.name}: not written`);
        assert.equal(await audited(w.requestId), 0, `${w.name}: no audit record`);
      }
      // The retries find their MS-RequestIds claimed by the dead process and take them over once the lease ends.
      await retryTwice(plan);
      assert.equal(await server!.stop(), 0);
    });

    it('keeps all three when killed after COMMIT, before the answer left; the retry replays the stored answer', async () => {
      const plan = await crashEach('after-commit', writes('after'));
      for (const w of plan) {
        assert.equal(await w.count(get), 1, `${w.name}: written`);
        assert.equal(await audited(w.requestId), 1, `${w.name}: its audit record with it`);
      }
      await retryTwice(plan);
      assert.equal(await server!.stop(), 0);
    });
  });
}
