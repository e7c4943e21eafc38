/**
 * SQL of the emulator's pending changes (issue 12, consistency lag), shared by SQLite and
 * PostgreSQL (`?` placeholders; the PostgreSQL store numbers them).
 */
import type { PendingChange, PendingKind } from '../../domain/emulator/pending-change.js';
import { workspaceColumns } from './emulator-sql.js';

const columns = 'partner_id, customer_id, kind, entity_id, previous_json, visible_at, reads_left';
const key = 'partner_id = ? AND customer_id = ? AND kind = ? AND entity_id = ?';

export const pendingChangeSql = {
  put:
    `INSERT INTO emulator_pending_changes (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?) ` +
    'ON CONFLICT (partner_id, customer_id, kind, entity_id) DO UPDATE SET previous_json = excluded.previous_json, visible_at = excluded.visible_at, reads_left = excluded.reads_left',
  list: `SELECT ${columns} FROM emulator_pending_changes WHERE partner_id = ? AND customer_id = ?`,
  consume: `UPDATE emulator_pending_changes SET reads_left = reads_left - 1 WHERE ${key} AND reads_left > 0`,
  clear: 'DELETE FROM emulator_pending_changes WHERE partner_id = ?',
  clearVisible:
    'DELETE FROM emulator_pending_changes WHERE partner_id = ? AND ((reads_left IS NOT NULL AND reads_left <= 0) OR (reads_left IS NULL AND (visible_at IS NULL OR visible_at <= ?)))',
  setSettings: `UPDATE workspaces SET settings = ?, generation = generation + 1 WHERE id = ? RETURNING ${workspaceColumns.join(', ')}`,
};

/** A change's values in `put` order. */
export const pendingChangeValues = (c: PendingChange): unknown[] => [
  c.partnerId, c.customerId, c.kind, c.entityId, c.previousJson ?? null, c.visibleAt ?? null, c.readsLeft ?? null,
];

/** A row back to a change (PostgreSQL may hand integers over as text, hence `Number`). */
export function pendingChangeFromRow(r: Record<string, unknown>): PendingChange {
  return {
    partnerId: String(r.partner_id),
    customerId: String(r.customer_id),
    kind: String(r.kind) as PendingKind,
    entityId: String(r.entity_id),
    previousJson: r.previous_json == null ? undefined : String(r.previous_json),
    visibleAt: r.visible_at == null ? undefined : String(r.visible_at),
    readsLeft: r.reads_left == null ? undefined : Number(r.reads_left),
  };
}
