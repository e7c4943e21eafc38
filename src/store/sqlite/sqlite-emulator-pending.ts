/**
 * The emulator's pending changes (issue 12, consistency lag) on SQLite. Taking a read off a change
 * is one UPDATE, so processes sharing the file count each read once.
 */
import type Database from 'better-sqlite3';
import type { PendingChange, PendingKind } from '../../domain/emulator/pending-change.js';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { workspaceFromRow } from '../queries/emulator-sql.js';
import { pendingChangeFromRow, pendingChangeSql as sql, pendingChangeValues } from '../queries/pending-change-sql.js';
import { StatementCache } from './statement-cache.js';

export class SqliteEmulatorPending {
  private readonly statements: StatementCache;

  constructor(db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  setSettings(id: string, settings: string): WorkspaceRecord | undefined {
    const r = this.statements.get(sql.setSettings).get(settings, id) as Record<string, unknown> | undefined;
    return r ? workspaceFromRow(r) : undefined;
  }

  put(change: PendingChange): void {
    this.statements.get(sql.put).run(...pendingChangeValues(change));
  }

  list(partnerId: string, customerId: string): PendingChange[] {
    return (this.statements.get(sql.list).all(partnerId, customerId) as Record<string, unknown>[]).map(pendingChangeFromRow);
  }

  consume(partnerId: string, customerId: string, kind: PendingKind, entityId: string): boolean {
    return this.statements.get(sql.consume).run(partnerId, customerId, kind, entityId).changes === 1;
  }

  clear(partnerId: string, visibleBy?: string): number {
    if (visibleBy === undefined) return this.statements.get(sql.clear).run(partnerId).changes;
    return this.statements.get(sql.clearVisible).run(partnerId, visibleBy).changes;
  }
}
