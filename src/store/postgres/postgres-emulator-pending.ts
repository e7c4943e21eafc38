/**
 * The emulator's pending changes (issue 12, consistency lag) on PostgreSQL. Taking a read off a
 * change is one UPDATE (the row lock serializes workers), so each read counts once.
 */
import type pg from 'pg';
import type { PendingChange, PendingKind } from '../../domain/emulator/pending-change.js';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { workspaceFromRow } from '../queries/emulator-sql.js';
import { pendingChangeFromRow, pendingChangeSql, pendingChangeValues } from '../queries/pending-change-sql.js';
import { numberPlaceholders } from '../queries/user-list-sql.js';

const sql = {
  setSettings: numberPlaceholders(pendingChangeSql.setSettings),
  put: numberPlaceholders(pendingChangeSql.put),
  list: numberPlaceholders(pendingChangeSql.list),
  consume: numberPlaceholders(pendingChangeSql.consume),
  clear: numberPlaceholders(pendingChangeSql.clear),
  clearVisible: numberPlaceholders(pendingChangeSql.clearVisible),
};

export class PostgresEmulatorPending {
  constructor(private readonly pool: pg.Pool) {}

  async setSettings(id: string, settings: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query(sql.setSettings, [settings, id]);
    return rows[0] ? workspaceFromRow(rows[0]) : undefined;
  }

  async put(change: PendingChange): Promise<void> {
    await this.pool.query(sql.put, pendingChangeValues(change));
  }

  async list(partnerId: string, customerId: string): Promise<PendingChange[]> {
    const { rows } = await this.pool.query({ name: 'list_pending_changes', text: sql.list, values: [partnerId, customerId] });
    return rows.map(pendingChangeFromRow);
  }

  async consume(partnerId: string, customerId: string, kind: PendingKind, entityId: string): Promise<boolean> {
    return ((await this.pool.query(sql.consume, [partnerId, customerId, kind, entityId])).rowCount ?? 0) === 1;
  }

  async clear(partnerId: string, visibleBy?: string): Promise<number> {
    const { rowCount } = visibleBy === undefined ? await this.pool.query(sql.clear, [partnerId]) : await this.pool.query(sql.clearVisible, [partnerId, visibleBy]);
    return rowCount ?? 0;
  }
}
