/**
 * The emulator's workspaces on PostgreSQL (issue 11). A counter draw is one UPDATE … RETURNING
 * (the row lock serializes concurrent draws from any process).
 */
import type pg from 'pg';
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import type { WorkspaceClockState } from '../../domain/emulator/workspace-clock.js';
import { emulatorSql, workspaceFromRow, workspaceValues } from '../queries/emulator-sql.js';
import { numberPlaceholders } from '../queries/user-list-sql.js';
import type { PartnerPurge } from '../store.js';
import { inTransaction } from './transaction.js';
import { unfilePartnerNameWords } from './partner-name-words.js';

const sql = {
  insert: numberPlaceholders(emulatorSql.insert),
  find: numberPlaceholders(emulatorSql.find),
  list: emulatorSql.list,
  setState: numberPlaceholders(emulatorSql.setState),
  draw: numberPlaceholders(emulatorSql.draw),
  delete: numberPlaceholders(emulatorSql.delete),
  deletePartner: emulatorSql.deletePartner.map(numberPlaceholders),
  purgeUsers: numberPlaceholders(emulatorSql.purgeUsers),
  purgeRequests: numberPlaceholders(emulatorSql.purgeRequests),
  purgeAudit: numberPlaceholders(emulatorSql.purgeAudit),
};

export class PostgresEmulatorWorkspaces {
  constructor(private readonly pool: pg.Pool) {}

  async insertWorkspace(w: WorkspaceRecord): Promise<boolean> {
    return (await this.pool.query(sql.insert, workspaceValues(w))).rowCount === 1;
  }

  async findWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query({ name: 'find_workspace', text: sql.find, values: [id] });
    return rows[0] ? workspaceFromRow(rows[0]) : undefined;
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    return (await this.pool.query(sql.list)).rows.map(workspaceFromRow);
  }

  async setWorkspaceState(id: string, clock: WorkspaceClockState, idCounter: number): Promise<WorkspaceRecord | undefined> {
    const { rows } = await this.pool.query(sql.setState, [clock.offsetMs, clock.frozenAt ?? null, idCounter, id]);
    return rows[0] ? workspaceFromRow(rows[0]) : undefined;
  }

  async drawWorkspaceRequestNumber(id: string): Promise<number | undefined> {
    const { rows } = await this.pool.query({ name: 'draw_workspace_request', text: sql.draw, values: [id] });
    return rows[0] ? Number(rows[0].n) : undefined;
  }

  async deletePartnerData(partnerId: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await unfilePartnerNameWords(client, partnerId);
      for (const text of sql.deletePartner) await client.query(text, [partnerId]);
    });
  }

  async deleteWorkspace(id: string): Promise<boolean> {
    return (await this.pool.query(sql.delete, [id])).rowCount === 1;
  }

  async purgePartner(partnerId: string, before: PartnerPurge): Promise<{ users: number; requests: number; auditRecords: number }> {
    return inTransaction(this.pool, async (client) => ({
      users: (await client.query(sql.purgeUsers, [partnerId, before.deletedUsers])).rowCount ?? 0,
      requests: (await client.query(sql.purgeRequests, [partnerId, before.requests])).rowCount ?? 0,
      auditRecords: (await client.query(sql.purgeAudit, [partnerId, before.auditRecords])).rowCount ?? 0,
    }));
  }
}
