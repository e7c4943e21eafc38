/**
 * `startTenantry()`: an emulator for one test suite, in its own process, on a free port, with an
 * in-memory database by default, ready to use when the promise resolves.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PartnerOperations } from '@tenantry/sdk';
import { EmulatorControl, type Fixture, type NewWorkspaceOptions, type WorkspaceInfo } from './control-plane.js';
import { readReadyLine } from './ready-line.js';
import { workspaceHandle, type TenantryWorkspace, type WorkspaceClock } from './workspace-handle.js';

/** The package's own CLI, from src/testing or dist/testing alike. */
const cliPath = fileURLToPath(new URL('../../bin/tenantry.js', import.meta.url));

export interface StartTenantryOptions {
  /** `sqlite::memory:` (default), `sqlite:PATH` or `postgres://…`. */
  database?: string;
  /**
   * Data for the suite's workspace: a fixture object or the path of a fixture JSON file. With a
   * fixture or a seed, the suite gets a workspace of its own, created with them, and `reset()`
   * brings it back to that fixture.
   */
  fixture?: Fixture | string;
  /** Ids derived from this seed are the same on every run, so tests can assert on them. */
  seed?: string;
  /** Start with the demo partner and Partner Center's documented customer as the default workspace. */
  demo?: boolean;
  /** Extra environment for the server process (on top of this process's own). */
  env?: Record<string, string>;
  /** Extra `tenantry serve` arguments, e.g. `['--rate-limit', 'off']`. */
  args?: string[];
  /** How long the server may take to print its JSON line (default 30 s). */
  startTimeoutMs?: number;
  /** The server's own log on stderr: dropped (default) or passed through to this process's stderr. */
  serverOutput?: 'ignore' | 'inherit';
}

/** What `startTenantry` returns: the server, its control plane, and the suite's workspace. */
export interface Tenantry {
  /** The server's root, e.g. `http://127.0.0.1:41234` (the API is under `/v1`). */
  readonly url: string;
  /** The control plane's credential (a bearer token for `/_tenantry/…`). */
  readonly adminToken: string;
  /** The suite's workspace: the server's default one, or the one made for `fixture`/`seed`. */
  readonly workspace: TenantryWorkspace;
  /** An SDK client signed in with the workspace's AdminAgent token (`workspace.client`). */
  readonly client: PartnerOperations;
  /** The whole control plane, for what the shortcuts below do not cover. */
  readonly emulator: EmulatorControl;
  /** `workspace.reset()`: back to the fixture, clock back to real time. */
  reset(): Promise<WorkspaceInfo>;
  snapshot(name: string): Promise<{ name: string; createdAt: string }>;
  restore(name: string): Promise<void>;
  /** The workspace clock: `advance('P31D')`, `set('2027-01-01T00:00:00Z')`, `freeze()`. */
  readonly clock: WorkspaceClock;
  /** Another isolated workspace on the same server, e.g. one per test file of a parallel run. */
  newWorkspace(options?: NewWorkspaceOptions): Promise<TenantryWorkspace>;
  /** Stops the server (SIGTERM, SIGKILL after 10 s) and waits for it; calling it twice is harmless. */
  stop(): Promise<void>;
}

/**
 * Starts `tenantry serve --emulator --port 0 --print-json` with the Node running this code, reads
 * its JSON line and answers a ready harness. The server is killed when this process exits, so a
 * forgotten `stop()` leaves nothing running.
 *
 * @example
 * import { after, before, test } from 'node:test';
 * import assert from 'node:assert/strict';
 * import { startTenantry, type Tenantry } from 'tenantry/testing';
 *
 * let tenantry: Tenantry;
 * before(async () => { tenantry = await startTenantry({ fixture: './fixtures/contoso.json', seed: 'suite-a' }); });
 * after(() => tenantry.stop());
 *
 * test('a deleted user is purged after 30 days', async () => {
 *   const [customer] = (await tenantry.client.customers.get()).items;
 *   const users = tenantry.client.customers.byId(customer.id).users;
 *   const [user] = (await users.get()).items;
 *   await users.byId(user.id).delete();
 *   await tenantry.clock.advance('P31D');
 *   await assert.rejects(users.byId(user.id).restore(), { status: 404 });
 * });
 */
export async function startTenantry(options: StartTenantryOptions = {}): Promise<Tenantry> {
  const args = [cliPath, 'serve', '--emulator', '--port', '0', '--print-json', '--database', options.database ?? 'sqlite::memory:'];
  if (options.demo) args.push('--demo');
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server goes with this process, whatever way it ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let ready;
  try {
    ready = await readReadyLine(child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
  // Keep both pipes flowing (a full pipe would block the server), and let this process end even
  // if a test forgets stop(): the exit hook above then kills the server.
  child.stdout!.resume();
  if (options.serverOutput === 'inherit') child.stderr!.pipe(process.stderr);
  else child.stderr!.resume();
  for (const handle of [child, child.stdout, child.stderr] as Array<{ unref?: () => void } | null>) handle?.unref?.();

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Held again, so this process waits for the server's orderly shutdown.
      child.ref();
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    process.off('exit', killOnExit);
  };

  try {
    const emulator = new EmulatorControl({ url: ready.url, adminToken: ready.adminToken });
    const fixture = typeof options.fixture === 'string' ? (JSON.parse(await readFile(options.fixture, 'utf8')) as Fixture) : options.fixture;
    const info: WorkspaceInfo =
      fixture !== undefined || options.seed !== undefined
        ? await emulator.createWorkspace({ name: 'startTenantry', seed: options.seed, fixture })
        : { id: ready.workspace.id, partnerId: ready.workspace.partnerId, tokens: ready.workspace.tokens };
    const workspace = workspaceHandle(ready.url, emulator, info);
    return {
      url: ready.url,
      adminToken: ready.adminToken,
      workspace,
      client: workspace.client,
      emulator,
      reset: workspace.reset,
      snapshot: workspace.snapshot,
      restore: workspace.restore,
      clock: workspace.clock,
      newWorkspace: async (opts = {}) => workspaceHandle(ready.url, emulator, await emulator.createWorkspace(opts)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
