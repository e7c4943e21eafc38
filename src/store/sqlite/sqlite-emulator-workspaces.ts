/**
 * The emulator's workspaces on SQLite (issue 11). Counter draws are one UPDATE … RETURNING, so two
 * processes on one file never hand out the same request number.
 */
import type Database from 'better-sqlite3';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import type { WorkspaceClockState } from '../../domain/emulator/workspace-clock.js';
import { emulatorSql as sql, workspaceFromRow, workspaceValues } from '../queries/emulator-sql.js';
import type { PartnerPurge } from '../store.js';
import { StatementCache } from './statement-cache.js';

export class SqliteEmulatorWorkspaces {
  private readonly statements: StatementCache;

  constructor(private readonly db: Database.Database) {
    this.statements = new StatementCache(db);
  }

  private stmt(text: string): Database.Statement {
    return this.statements.get(text);
  }

  insertWorkspace(w: WorkspaceRecord): boolean {
    return this.stmt(sql.insert).run(...workspaceValues(w)).changes === 1;
  }

  findWorkspace(id: string): WorkspaceRecord | undefined {
    const r = this.stmt(sql.find).get(id) as Record<string, unknown> | undefined;
    return r ? workspaceFromRow(r) : undefined;
  }

  listWorkspaces(): WorkspaceRecord[] {
    return (this.stmt(sql.list).all() as Record<string, unknown>[]).map(workspaceFromRow);
  }

  setWorkspaceState(id: string, clock: WorkspaceClockState, idCounter: number): WorkspaceRecord | undefined {
    const r = this.stmt(sql.setState).get(clock.offsetMs, clock.frozenAt ?? null, idCounter, id) as Record<string, unknown> | undefined;
    return r ? workspaceFromRow(r) : undefined;
  }

  drawWorkspaceRequestNumber(id: string): number | undefined {
    const r = this.stmt(sql.draw).get(id) as { n: number } | undefined;
    return r?.n;
  }

  deletePartnerData(partnerId: string): void {
    this.db.transaction(() => {
      for (const text of sql.deletePartner) this.stmt(text).run(partnerId);
    }).immediate();
  }

  deleteWorkspace(id: string): boolean {
    return this.stmt(sql.delete).run(id).changes === 1;
  }

  purgePartner(partnerId: string, before: PartnerPurge): { users: number; requests: number; auditRecords: number } {
    return this.db.transaction(() => ({
      users: this.stmt(sql.purgeUsers).run(partnerId, before.deletedUsers).changes,
      requests: this.stmt(sql.purgeRequests).run(partnerId, before.requests).changes,
      auditRecords: this.stmt(sql.purgeAudit).run(partnerId, before.auditRecords).changes,
    })).immediate();
  }
}
