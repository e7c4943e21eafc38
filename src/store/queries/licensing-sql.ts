/**
 * SQL and row mapping of licences and directory-role members, shared by both stores so their
 * seat accounting cannot drift. Placeholders are `?`; the PostgreSQL side numbers them.
 */
import type { RoleMember } from '../../domain/directory-roles.js';
import { limitClause } from './limit-clause.js';
import type { LicenseUpdateOutcome, ProductDefinition, SubscribedSkuRecord, UserLicenseRecord } from '../../domain/licensing.js';

export const subscribedSkuColumns = [
  'customer_id', 'sku_id', 'name', 'sku_part_number', 'target_type', 'license_group_id', 'service_plans',
  'total_units', 'consumed_units', 'warning_units', 'suspended_units', 'updated_at',
] as const;

/** Values for `subscribedSkuColumns`, in order. */
export function subscribedSkuValues(s: SubscribedSkuRecord): unknown[] {
  const p = s.product;
  return [s.customerId, p.id, p.name, p.skuPartNumber, p.targetType, p.licenseGroupId, JSON.stringify(p.servicePlans), s.totalUnits, s.consumedUnits, s.warningUnits, s.suspendedUnits, s.updatedAt];
}

export function subscribedSkuFromRow(r: Record<string, unknown>): SubscribedSkuRecord {
  const product: ProductDefinition = {
    id: String(r.sku_id),
    name: String(r.name),
    skuPartNumber: String(r.sku_part_number),
    targetType: r.target_type as ProductDefinition['targetType'],
    licenseGroupId: r.license_group_id as ProductDefinition['licenseGroupId'],
    servicePlans: JSON.parse(String(r.service_plans)),
  };
  return {
    customerId: String(r.customer_id),
    product,
    totalUnits: Number(r.total_units),
    consumedUnits: Number(r.consumed_units),
    warningUnits: Number(r.warning_units),
    suspendedUnits: Number(r.suspended_units),
    updatedAt: String(r.updated_at),
  };
}

export const userLicenseFromRow = (r: Record<string, unknown>): UserLicenseRecord => ({ skuId: String(r.sku_id), excludedPlans: JSON.parse(String(r.excluded_plans)) });

export const roleMemberFromRow = (r: Record<string, unknown>): RoleMember => ({ userId: String(r.user_id), displayName: String(r.display_name), userPrincipalName: String(r.upn) });

/** Thrown inside a licence transaction to roll it back and report why. */
export class LicenseUpdateAborted extends Error {
  constructor(readonly outcome: Exclude<LicenseUpdateOutcome, { kind: 'ok' }>) {
    super(outcome.kind);
  }
}

export const licensingSql = {
  insertSku: `INSERT INTO subscribed_skus (${subscribedSkuColumns.join(', ')}) VALUES (${subscribedSkuColumns.map(() => '?').join(', ')})`,
  selectSkus: `SELECT ${subscribedSkuColumns.join(', ')} FROM subscribed_skus WHERE customer_id = ?`,
  skuConsumed: 'SELECT consumed_units FROM subscribed_skus WHERE customer_id = ? AND sku_id = ?',
  setSkuUnits: 'UPDATE subscribed_skus SET total_units = ?, warning_units = ?, suspended_units = ?, updated_at = ? WHERE customer_id = ? AND sku_id = ? AND consumed_units <= ?',
  userState: 'SELECT state FROM users WHERE customer_id = ? AND id = ?',
  activeLicenses: 'SELECT sku_id, excluded_plans FROM user_licenses WHERE customer_id = ? AND user_id = ? AND active = 1 ORDER BY sku_id',
  suspendedLicenses: 'SELECT sku_id FROM user_licenses WHERE customer_id = ? AND user_id = ? AND active = 0 ORDER BY sku_id',
  /** Takes a seat only while one is free: the check and the increment are one statement. */
  takeSeat: 'UPDATE subscribed_skus SET consumed_units = consumed_units + 1, updated_at = ? WHERE customer_id = ? AND sku_id = ? AND consumed_units < total_units',
  releaseSeat: 'UPDATE subscribed_skus SET consumed_units = consumed_units - 1, updated_at = ? WHERE customer_id = ? AND sku_id = ? AND consumed_units > 0',
  skuExists: 'SELECT 1 AS found FROM subscribed_skus WHERE customer_id = ? AND sku_id = ?',
  deleteActiveLicense: 'DELETE FROM user_licenses WHERE customer_id = ? AND user_id = ? AND sku_id = ? AND active = 1',
  updateExcludedPlans: 'UPDATE user_licenses SET excluded_plans = ? WHERE customer_id = ? AND user_id = ? AND sku_id = ? AND active = 1',
  insertLicense:
    'INSERT INTO user_licenses (customer_id, user_id, sku_id, excluded_plans, active, assigned_at) VALUES (?, ?, ?, ?, 1, ?) ' +
    'ON CONFLICT (customer_id, user_id, sku_id) DO UPDATE SET excluded_plans = excluded.excluded_plans, active = 1, assigned_at = excluded.assigned_at',
  setLicenseActive: 'UPDATE user_licenses SET active = ? WHERE customer_id = ? AND user_id = ? AND sku_id = ?',
  deleteLicense: 'DELETE FROM user_licenses WHERE customer_id = ? AND user_id = ? AND sku_id = ?',
  insertRoleMember: 'INSERT INTO directory_role_members (customer_id, role_id, user_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  deleteRoleMember: 'DELETE FROM directory_role_members WHERE customer_id = ? AND role_id = ? AND user_id = ?',
  userRoleIds: 'SELECT role_id FROM directory_role_members WHERE customer_id = ? AND user_id = ? ORDER BY role_id',
} as const;

/**
 * Keyset page of a role's active members in user-id order (the primary key's order, so any page
 * costs the same as the first).
 */
export function roleMembersSql(customerId: string, roleId: string, limit: number, afterUserId?: string) {
  const params: unknown[] = [customerId, roleId];
  let after = '';
  if (afterUserId !== undefined) {
    after = ' AND m.user_id > ?';
    params.push(afterUserId);
  }
  return {
    text:
      'SELECT m.user_id, u.display_name, u.upn FROM directory_role_members m JOIN users u ON u.customer_id = m.customer_id AND u.id = m.user_id ' +
      `WHERE m.customer_id = ? AND m.role_id = ? AND u.state = 'active'${after} ORDER BY m.user_id ${limitClause(limit)}`,
    params,
  };
}
