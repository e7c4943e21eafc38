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

/**
 * A workspace's users past their restore window, found in `users_deleted` (the few inactive users
 * of every partner), their customers checked after. Left to choose, SQLite walked the partner's
 * customers by primary key, every user of them: ~340 ms at 1 M users, inside the sweep that runs
 * when the server starts and every minute, with the event loop held. `INDEXED BY` makes a schema
 * that loses the index fail here instead of scanning. Parameters: the cut-off, then the partner.
 */
export const purgeDeletedUsersSql =
  "DELETE FROM users INDEXED BY users_deleted WHERE state = 'inactive' AND soft_deletion_time < ? AND customer_id IN (SELECT id FROM customers WHERE partner_id = ?)";

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
      users: this.stmt(purgeDeletedUsersSql).run(before.deletedUsers, partnerId).changes,
      requests: this.stmt(sql.purgeRequests).run(partnerId, before.requests).changes,
      auditRecords: this.stmt(sql.purgeAudit).run(partnerId, before.auditRecords).changes,
    })).immediate();
  }
}
