/**
 * What a workspace snapshot (issue 11) copies: every table that holds a workspace's rows, with the
 * condition that picks them. Each store builds its copying statements from the live schema
 * (SQLite: shadow tables; PostgreSQL: JSONB rows), so a column added by a later migration is
 * carried without touching this file. Listed parents first (the order of a restore's inserts); a restore
 * deletes in the reverse order, so foreign keys from users to customers hold at every step.
 */
import { ofPartner } from './of-partner.js';

export interface SnapshotTable {
  table: string;
  /** Picks the partner's rows; its one parameter is the partner id. */
  where: string;
}

export const snapshotTables: readonly SnapshotTable[] = [
  { table: 'customers', where: 'partner_id = ?' },
  { table: 'users', where: ofPartner },
  { table: 'subscribed_skus', where: ofPartner },
  { table: 'user_licenses', where: ofPartner },
  { table: 'directory_role_members', where: ofPartner },
  { table: 'audit_records', where: 'partner_id = ?' },
  { table: 'idempotency', where: 'partner_id = ?' },
  { table: 'rate_limit_counters', where: 'partner_id = ?' },
  { table: 'partner_accounts', where: 'partner_id = ?' },
  { table: 'emulator_fault_rules', where: 'partner_id = ?' },
  { table: 'emulator_pending_changes', where: 'partner_id = ?' },
];

/** Snapshot names: what a URL path segment can carry without escaping, and is not a dot step ('.', '..'). */
export const snapshotNamePattern = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

export const snapshotSql = {
  deleteMeta: 'DELETE FROM emulator_snapshots WHERE partner_id = ? AND name = ?',
  deleteRows: 'DELETE FROM emulator_snapshot_rows WHERE partner_id = ? AND name = ?',
  insertMeta:
    'INSERT INTO emulator_snapshots (partner_id, name, created_at, clock_offset_ms, frozen_at, id_counter, settings, row_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  findMeta: 'SELECT name, created_at, clock_offset_ms, frozen_at, id_counter, settings, row_count FROM emulator_snapshots WHERE partner_id = ? AND name = ?',
  list: 'SELECT name, created_at, row_count FROM emulator_snapshots WHERE partner_id = ? ORDER BY created_at, name',
  deleteAllMeta: 'DELETE FROM emulator_snapshots WHERE partner_id = ?',
  deleteAllRows: 'DELETE FROM emulator_snapshot_rows WHERE partner_id = ?',
  restoreState:
    'UPDATE workspaces SET clock_offset_ms = ?, frozen_at = ?, id_counter = ?, settings = ?, generation = generation + 1 WHERE id = ?',
};

/** A snapshot as the store lists it. */
export interface SnapshotRow {
  name: string;
  createdAt: string;
  rows: number;
}

export function snapshotFromRow(r: Record<string, unknown>): SnapshotRow {
  return { name: String(r.name), createdAt: String(r.created_at), rows: Number(r.row_count) };
}
