/**
 * Workspaces of the emulator (issue 11): create, list, get, delete, reset, move the clock and
 * issue tokens. A workspace is a partner: its id is the partner tenant id, so the product's
 * partner isolation keeps workspaces apart. Data goes through a `WorkspaceDataPort` (wipe, load a
 * fixture); clock and seed state lives in the store's `workspaces` table, so every process of a
 * cluster reads the same time, and is cached here for the hot path (`cached`).
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../auth/permissions.js';
import type { TokenService } from '../../auth/token-service.js';
import { auditRetentionDays } from '../../domain/audit-query.js';
import { consistencyOf, parseConsistency, withConsistency, type ConsistencySettings } from '../../domain/emulator/consistency.js';
import { emulatorFaults } from '../../domain/emulator/faults.js';
import { addIsoDuration, DurationError, parseIsoDuration } from '../../domain/emulator/iso-duration.js';
import { seededId } from '../../domain/emulator/seeded-ids.js';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { applyClockChange, realTime, workspaceNow, type ClockChange } from '../../domain/emulator/workspace-clock.js';
import { guidPattern } from '../../domain/guid.js';
import type { Workspace, WorkspaceClock } from '../../schemas/emulator/workspace.js';
import type { Fixture } from '../../schemas/emulator/fixture.js';
import type { Store } from '../../store/store.js';
import type { WorkspaceDataPort } from './workspace-data.js';

export const agentRoles = ['AdminAgent', 'HelpdeskAgent', 'SalesAgent'] as const satisfies readonly Role[];

export interface WorkspaceServiceOptions {
  /** How long deleted users stay restorable (the server's --retention). */
  retentionMs: number;
  /** How long idempotency answers are kept. */
  requestRetentionMs: number;
  /** How long a cached workspace row is trusted (see `EmulatorConfig.stateCacheMs`). */
  cacheMs: number;
  /** Real time in ms (tests may pass their own). */
  realNow?: () => number;
}

export interface CreateWorkspaceInput {
  name?: string;
  seed?: string;
  fixture?: unknown;
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class WorkspaceService {
  /** id → the row (null: not a workspace) and when it was read. */
  private readonly cache = new Map<string, { record: WorkspaceRecord | null; readAt: number }>();
  private readonly tokenCache = new Map<string, Workspace['tokens']>();
  private readonly realNow: () => number;

  constructor(
    private readonly store: Store,
    private readonly tokens: TokenService,
    readonly data: WorkspaceDataPort,
    private readonly options: WorkspaceServiceOptions,
  ) {
    this.realNow = options.realNow ?? Date.now;
  }

  /**
   * The cached row of a workspace while it is fresh: a record, null for "not a workspace", or
   * undefined when the store must be asked (`state`). Synchronous, for the per-request hot path.
   */
  cached(id: string): WorkspaceRecord | null | undefined {
    const hit = this.cache.get(id);
    if (hit && this.realNow() - hit.readAt <= this.options.cacheMs) return hit.record;
    return undefined;
  }

  /** The workspace row (from the cache when fresh), or undefined when the id is not a workspace. */
  async state(id: string): Promise<WorkspaceRecord | undefined> {
    const cached = this.cached(id);
    if (cached !== undefined) return cached ?? undefined;
    const record = await this.store.findWorkspace(id);
    this.remember(id, record ?? null);
    return record;
  }

  /** Keeps a freshly read (or freshly written) row, e.g. after a snapshot's restore. */
  remember(id: string, record: WorkspaceRecord | null) {
    // Bounded: ids of random tokens must not grow the map without end.
    if (this.cache.size >= 10_000 && !this.cache.has(id)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { record, readAt: this.realNow() });
  }

  /** The workspace's time now. */
  now(record: WorkspaceRecord): Date {
    return workspaceNow(record.clock, this.realNow());
  }

  clockOf(record: WorkspaceRecord): WorkspaceClock {
    return { now: this.now(record).toISOString(), frozen: record.clock.frozenAt !== undefined };
  }

  /**
   * Creates a workspace (a new partner), loading its fixture when given. With a seed the id is
   * derived from it, so the same seed gives the same workspace id on every server.
   *
   * @example
   * const ws = await workspaces.create({ name: 'suite-a', seed: 'suite-a' });
   */
  async create(input: CreateWorkspaceInput, id?: string): Promise<Workspace> {
    await this.data.validate(input.fixture);
    const workspaceId = (id ?? (input.seed !== undefined ? seededId(input.seed, 'workspace', 0) : randomUUID())).toLowerCase();
    const record: WorkspaceRecord = {
      id: workspaceId,
      name: input.name ?? `workspace ${workspaceId.slice(0, 8)}`,
      seed: input.seed,
      fixture: input.fixture === undefined ? undefined : JSON.stringify(input.fixture),
      clock: realTime,
      idCounter: 0,
      generation: 0,
      settings: '{}',
      createdAt: new Date(this.realNow()).toISOString(),
    };
    if (!(await this.store.insertWorkspace(record))) throw emulatorFaults.workspaceExists(workspaceId);
    this.remember(workspaceId, record);
    if (input.fixture !== undefined) {
      try {
        await this.data.load(workspaceId, input.fixture, input.seed);
      } catch (e) {
        // Nothing half-made: a load that fails takes the workspace with it.
        await this.data.deleteAll(workspaceId).catch(() => {});
        await this.store.deleteWorkspace(workspaceId).catch(() => {});
        this.cache.delete(workspaceId);
        throw e;
      }
    }
    return this.view(record);
  }

  /** The workspace with this id, or the existing one: for the server's default workspace at start. */
  async ensure(id: string, name: string): Promise<Workspace> {
    const existing = await this.store.findWorkspace(id.toLowerCase());
    return existing ? this.view(existing) : this.create({ name }, id);
  }

  async list(): Promise<{ totalCount: number; items: Workspace[] }> {
    const items = await Promise.all((await this.store.listWorkspaces()).map((r) => this.view(r)));
    return { totalCount: items.length, items };
  }

  /** The workspace, or a 404 ApiFault. */
  async require(id: string): Promise<WorkspaceRecord> {
    const key = id.toLowerCase();
    const record = guidPattern.test(key) ? await this.store.findWorkspace(key) : undefined;
    if (!record) throw emulatorFaults.workspaceNotFound(id);
    this.remember(key, record);
    return record;
  }

  async get(id: string): Promise<Workspace> {
    return this.view(await this.require(id));
  }

  /** Removes every row the workspace owns, then the workspace. */
  async delete(id: string): Promise<void> {
    const record = await this.require(id);
    await this.data.deleteAll(record.id);
    await this.store.clearPendingChanges(record.id);
    // Issue 12: its request journal too (a reset keeps it: what the last run did stays readable).
    await this.store.journal().clear(record.id);
    await this.store.deleteWorkspace(record.id);
    this.cache.delete(record.id);
    this.tokenCache.delete(record.id);
  }

  /** The workspace's current data as a fixture (issue 11): loaded into a new workspace, it answers the same. */
  async export(id: string): Promise<Fixture> {
    const record = await this.require(id);
    if (!this.data.export) throw emulatorFaults.fixturesUnsupported();
    return this.data.export(record.id);
  }

  /** Back to the workspace's fixture (or empty), its clock to real time and its id counter to 0. */
  async reset(id: string): Promise<Workspace> {
    const record = await this.require(id);
    await this.data.deleteAll(record.id);
    // Lagged writes of the data just wiped must not show through the fresh state.
    await this.store.clearPendingChanges(record.id);
    const next = await this.store.setWorkspaceState(record.id, realTime, 0);
    if (!next) throw emulatorFaults.workspaceNotFound(id);
    this.remember(record.id, next);
    if (next.fixture !== undefined) await this.data.load(next.id, JSON.parse(next.fixture), next.seed);
    return this.view(next);
  }

  /**
   * Moves the clock (advance, set or freeze), then runs the workspace's share of the sweep on its
   * new time: deleted users past the restore window are purged (their seats were freed when they
   * were deleted), old idempotency answers and audit records dropped.
   *
   * @example
   * await workspaces.moveClock(id, { advance: 'P31D' });
   */
  async moveClock(id: string, change: ClockChange): Promise<WorkspaceClock> {
    const record = await this.require(id);
    let clock;
    try {
      clock = applyClockChange(record.clock, change, this.realNow());
    } catch (e) {
      if (e instanceof DurationError) throw emulatorFaults.invalidClockValue(clockProperty(change), e.message);
      throw e;
    }
    const next = await this.store.setWorkspaceState(record.id, clock, record.idCounter);
    if (!next) throw emulatorFaults.workspaceNotFound(id);
    this.remember(next.id, next);
    await this.sweep(next);
    return this.clockOf(next);
  }

  /** The workspace's consistency lag (`{}`: immediate). */
  async consistency(id: string): Promise<ConsistencySettings> {
    return consistencyOf((await this.require(id)).settings);
  }

  /**
   * Sets the consistency lag. Changes still pending turn visible at once: the new setting applies
   * to writes from now on.
   *
   * @example
   * await workspaces.setConsistency(id, { after: 'PT30S' });
   */
  async setConsistency(id: string, input: ConsistencySettings): Promise<ConsistencySettings> {
    const consistency = parseConsistency(input);
    const record = await this.require(id);
    const next = await this.store.setWorkspaceSettings(record.id, withConsistency(record.settings, consistency));
    if (!next) throw emulatorFaults.workspaceNotFound(id);
    await this.store.clearPendingChanges(record.id);
    this.remember(next.id, next);
    return consistencyOf(next.settings);
  }

  /** The workspace's share of the periodic sweep, on its own clock. */
  async sweep(record: WorkspaceRecord) {
    const now = this.now(record).getTime();
    await this.store.clearPendingChanges(record.id, new Date(now).toISOString());
    return this.store.purgePartner(record.id, {
      deletedUsers: isoSeconds(new Date(now - this.options.retentionMs)),
      requests: new Date(now - this.options.requestRetentionMs).toISOString(),
      auditRecords: new Date(now - auditRetentionDays * 24 * 3600 * 1000).toISOString(),
    });
  }

  /**
   * The lifetime a token asks for, on the workspace clock: seconds and the workspace time it ends.
   * Throws a 400 naming `expiresIn` when it is not a positive ISO-8601 duration.
   */
  tokenLifetime(record: WorkspaceRecord, expiresIn: string): { seconds: number; expiresOn: string } {
    const now = this.now(record);
    let end: Date;
    try {
      end = addIsoDuration(now, parseIsoDuration(expiresIn));
    } catch (e) {
      if (e instanceof DurationError) throw emulatorFaults.invalidClockValue('expiresIn', e.message);
      throw e;
    }
    const seconds = Math.floor((end.getTime() - now.getTime()) / 1000);
    if (!(seconds >= 1)) throw emulatorFaults.invalidClockValue('expiresIn', 'a token must live at least one second.');
    return { seconds, expiresOn: new Date(now.getTime() + seconds * 1000).toISOString() };
  }

  /** The workspace as the control plane shows it, with one timeless token per agent role. */
  async view(record: WorkspaceRecord): Promise<Workspace> {
    let tokens = this.tokenCache.get(record.id);
    if (!tokens) {
      const issue = (role: Role) => this.tokens.issue({ partnerId: record.id, roles: [role], timeless: true, subject: `${role}@${record.id}` });
      const [AdminAgent, HelpdeskAgent, SalesAgent] = await Promise.all(agentRoles.map(issue));
      tokens = { AdminAgent, HelpdeskAgent, SalesAgent };
      this.tokenCache.set(record.id, tokens);
    }
    return {
      id: record.id,
      partnerId: record.id,
      name: record.name,
      ...(record.seed !== undefined ? { seed: record.seed } : {}),
      createdAt: record.createdAt,
      clock: this.clockOf(record),
      tokens,
    };
  }
}

/** Which property of a clock change a fault names. */
function clockProperty(change: ClockChange): string {
  const given = (['advance', 'set', 'freeze'] as const).filter((k) => change[k] !== undefined);
  return given.length === 1 ? given[0] : 'advance|set|freeze';
}
