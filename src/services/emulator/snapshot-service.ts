/**
 * Workspace snapshots (issue 11), as moto's reset and LocalStack's pods, per workspace: take one,
 * list them, restore one (every write since is undone: data, audit records, seats, idempotency
 * answers, throttle counters, fault rules, pending lag, and the clock and id counter), delete one.
 * The copying is the store's, in one transaction; this service names the workspace and keeps the
 * process's caches in step.
 */
import { emulatorFaults } from '../../domain/emulator/faults.js';
import type { Snapshot } from '../../schemas/emulator/snapshot.js';
import type { Workspace } from '../../schemas/emulator/workspace.js';
import { snapshotNamePattern } from '../../store/queries/snapshot-sql.js';
import type { Store } from '../../store/store.js';
import type { WorkspaceService } from './workspace-service.js';

export class SnapshotService {
  /**
   * @param onRestore called with the workspace id after a restore, for other per-process caches
   *   (the fault rules') to forget what they hold
   */
  constructor(
    private readonly store: Store,
    private readonly workspaces: WorkspaceService,
    private readonly onRestore: (workspaceId: string) => void = () => {},
  ) {}

  /**
   * Takes a snapshot, replacing one of the same name.
   *
   * @example
   * await snapshots.create(workspaceId, 'clean');
   */
  async create(workspaceId: string, name: string): Promise<Snapshot> {
    const record = await this.workspaces.require(workspaceId);
    const saved = await this.store.saveSnapshot(record.id, requireName(name), {
      createdAt: this.workspaces.now(record).toISOString(),
      clock: record.clock,
      idCounter: record.idCounter,
      settings: record.settings,
    });
    return { name: saved.name, createdAt: saved.createdAt };
  }

  async list(workspaceId: string): Promise<{ totalCount: number; items: Snapshot[] }> {
    const record = await this.workspaces.require(workspaceId);
    const items = (await this.store.listSnapshots(record.id)).map(({ name, createdAt }) => ({ name, createdAt }));
    return { totalCount: items.length, items };
  }

  /** Puts the workspace back as the snapshot found it; 404 when there is no such snapshot. */
  async restore(workspaceId: string, name: string): Promise<Workspace> {
    const record = await this.workspaces.require(workspaceId);
    const restored = await this.store.restoreSnapshot(record.id, requireName(name));
    if (!restored) throw emulatorFaults.snapshotNotFound(name);
    this.workspaces.remember(restored.id, restored);
    this.onRestore(restored.id);
    return this.workspaces.view(restored);
  }

  async delete(workspaceId: string, name: string): Promise<void> {
    const record = await this.workspaces.require(workspaceId);
    if (!(await this.store.deleteSnapshot(record.id, requireName(name)))) throw emulatorFaults.snapshotNotFound(name);
  }
}

function requireName(name: string): string {
  if (!snapshotNamePattern.test(name)) throw emulatorFaults.invalidSnapshotName(name);
  return name;
}
