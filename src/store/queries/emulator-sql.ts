/**
 * SQL of the emulator's workspaces, shared by SQLite and PostgreSQL (`?` placeholders; the
 * PostgreSQL store numbers them). Deleting a partner's data goes child tables first, so the
 * foreign keys from users to customers hold at every step.
 */
import type { WorkspaceRecord } from '../../domain/emulator/workspace.js';
import { ofPartner } from './of-partner.js';

export const workspaceColumns = ['id', 'name', 'seed', 'fixture', 'clock_offset_ms', 'frozen_at', 'id_counter', 'generation', 'settings', 'created_at'] as const;

export const emulatorSql = {
  insert: `INSERT INTO workspaces (${workspaceColumns.join(', ')}) VALUES (${workspaceColumns.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
  find: `SELECT ${workspaceColumns.join(', ')} FROM workspaces WHERE id = ?`,
  list: `SELECT ${workspaceColumns.join(', ')} FROM workspaces ORDER BY created_at, id`,
  setState: `UPDATE workspaces SET clock_offset_ms = ?, frozen_at = ?, id_counter = ?, generation = generation + 1 WHERE id = ? RETURNING ${workspaceColumns.join(', ')}`,
  draw: "UPDATE workspaces SET id_counter = id_counter + 1 WHERE id = ? RETURNING id_counter - 1 AS n",
  delete: 'DELETE FROM workspaces WHERE id = ?',
  /** In this order, each with the partner id as its one parameter. */
  deletePartner: [
    `DELETE FROM directory_role_members WHERE ${ofPartner}`,
    `DELETE FROM user_licenses WHERE ${ofPartner}`,
    `DELETE FROM subscribed_skus WHERE ${ofPartner}`,
    `DELETE FROM users WHERE ${ofPartner}`,
    'DELETE FROM customers WHERE partner_id = ?',
    'DELETE FROM audit_records WHERE partner_id = ?',
    'DELETE FROM idempotency WHERE partner_id = ?',
    'DELETE FROM rate_limit_counters WHERE partner_id = ?',
    'DELETE FROM partner_accounts WHERE partner_id = ?',
    'DELETE FROM emulator_pending_changes WHERE partner_id = ?',
  ],
  /** PostgreSQL's; SQLite has its own (`purgeDeletedUsersSql`), which names the index to use. */
  purgeUsers: `DELETE FROM users WHERE ${ofPartner} AND state = 'inactive' AND soft_deletion_time < ?`,
  purgeRequests: 'DELETE FROM idempotency WHERE partner_id = ? AND created_at < ?',
  purgeAudit: 'DELETE FROM audit_records WHERE partner_id = ? AND operation_date < ?',
};

/** A row's values in `workspaceColumns` order. */
export function workspaceValues(w: WorkspaceRecord): unknown[] {
  return [w.id, w.name, w.seed ?? null, w.fixture ?? null, w.clock.offsetMs, w.clock.frozenAt ?? null, w.idCounter, w.generation, w.settings, w.createdAt];
}

/** A row back to a record (PostgreSQL hands BIGINT over as text, hence `Number`). */
export function workspaceFromRow(r: Record<string, unknown>): WorkspaceRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    seed: r.seed == null ? undefined : String(r.seed),
    fixture: r.fixture == null ? undefined : String(r.fixture),
    clock: r.frozen_at == null ? { offsetMs: Number(r.clock_offset_ms) } : { offsetMs: Number(r.clock_offset_ms), frozenAt: String(r.frozen_at) },
    idCounter: Number(r.id_counter),
    generation: Number(r.generation),
    settings: String(r.settings),
    createdAt: String(r.created_at),
  };
}
