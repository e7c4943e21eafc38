/**
 * What `serve --emulator` prepares before it listens (issue 11): the admin token every worker
 * shares, and the default workspace (the demo partner with `--demo`, else the workspace named
 * "default", created on first start).
 */
import { randomBytes } from 'node:crypto';
import { TokenService } from '../auth/token-service.js';
import { demoPartnerId } from '../demo/demo-data.js';
import type { Workspace } from '../schemas/emulator/workspace.js';
import { defaultConfig } from '../server/config.js';
import { idempotencyRetentionMs } from '../server/idempotency.js';
import { readFileSync } from 'node:fs';
import { Fault } from '../domain/fault.js';
import { FixtureLoader } from '../services/emulator/fixture-loader.js';
import { WorkspaceService } from '../services/emulator/workspace-service.js';
import { FaultService } from '../services/emulator/fault-service.js';
import type { Store } from '../store/store.js';

export const adminTokenVariable = 'TENANTRY_EMULATOR_ADMIN_TOKEN';

/**
 * The admin token: TENANTRY_EMULATOR_ADMIN_TOKEN, or a new random one, put into the environment
 * so the workers a cluster forks later share it.
 *
 * @example
 * const adminToken = emulatorAdminToken();
 */
export function emulatorAdminToken(): string {
  const given = process.env[adminTokenVariable];
  if (given !== undefined && given.length > 0) {
    if (given.length < 16) throw new Error(`${adminTokenVariable} must be at least 16 characters`);
    return given;
  }
  const token = `tenantry-admin-${randomBytes(24).toString('base64url')}`;
  process.env[adminTokenVariable] = token;
  return token;
}

/** Whether `--emulator` or TENANTRY_EMULATOR=1 asked for emulator mode. */
export const emulatorRequested = (flag: boolean | undefined): boolean => Boolean(flag) || process.env.TENANTRY_EMULATOR === '1' || process.env.TENANTRY_EMULATOR === 'true';

/**
 * Creates (or finds) the default workspace and returns it with its tokens.
 *
 * @example
 * const ws = await ensureDefaultWorkspace(store, { demo: true, retentionMs });
 */
export async function ensureDefaultWorkspace(store: Store, options: { demo: boolean; retentionMs: number; fixture?: unknown; fixtureName?: string }): Promise<Workspace> {
  const tokens = new TokenService(store, process.env.TENANTRY_ISSUER ?? defaultConfig.issuer);
  await tokens.init();
  const data = new FixtureLoader(store);
  const workspaces = new WorkspaceService(store, tokens, data, { retentionMs: options.retentionMs, requestRetentionMs: idempotencyRetentionMs, cacheMs: 0 });
  if (options.demo) return workspaces.ensure(demoPartnerId, 'demo');
  const existing = (await store.listWorkspaces()).find((w) => w.name === 'default');
  if (options.fixture === undefined) return existing ? workspaces.view(existing) : workspaces.create({ name: 'default' });
  try {
    // Checked whole before the old default workspace goes: a wrong file changes nothing.
    await data.validate(options.fixture);
    if (existing) await workspaces.delete(existing.id);
    // A reset of the default workspace brings this fixture back.
    return await workspaces.create({ name: 'default', fixture: options.fixture });
  } catch (e) {
    if (e instanceof Fault) throw new Error(fixtureProblemsText(options.fixtureName ?? 'fixture', e));
    throw e;
  }
}

/**
 * Reads and parses a fixture file; a missing file or broken JSON is an error naming the file.
 *
 * @example
 * const fixture = readFixtureFile('./fixture.json');
 */
export function readFixtureFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--fixtures ${path}: cannot read it (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`--fixtures ${path}: not JSON (${(e as Error).message})`);
  }
}

/** A refused fixture as lines of "JSON path: problem". */
function fixtureProblemsText(name: string, fault: Fault): string {
  const problems = fault.data.filter((p): p is { path: string; message: string } => typeof p === 'object' && p !== null && 'path' in p);
  if (problems.length === 0) return `--fixtures ${name}: ${fault.description}`;
  return `--fixtures ${name}: nothing loaded, ${problems.length} problem(s):\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`;
}

/**
 * Entries the journal keeps per workspace, from `--journal on|off` and `--journal-size N`; 0 when off.
 *
 * @example
 * emulatorJournalSize('on', '10000'); // 10000
 */
export function emulatorJournalSize(journal: string, size: string): number {
  if (!/^(on|off)$/i.test(journal)) throw new Error(`--journal must be on or off, not ${JSON.stringify(journal)}`);
  if (!/^\d{1,9}$/.test(size) || Number(size) < 1) throw new Error(`--journal-size must be a whole number of entries, at least 1, not ${JSON.stringify(size)}`);
  return journal.toLowerCase() === 'off' ? 0 : Number(size);
}

/**
 * Replaces the workspace's fault rules with a profile's (already checked), once, before the server listens.
 *
 * @example
 * await applyFaultProfile(store, workspace.id, readFaultProfile('faults.json'));
 */
export async function applyFaultProfile(store: Store, workspaceId: string, rules: unknown[]): Promise<void> {
  const faults = new FaultService(store);
  await faults.clear(workspaceId);
  await faults.add(workspaceId, rules);
}
