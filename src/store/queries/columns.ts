/**
 * Column lists and row mapping shared by both stores, so the two schemas cannot drift.
 */
import type { CustomerRecord } from '../../domain/customer.js';
import { limitClause } from './limit-clause.js';
import type { UserRecord, UserRow } from '../../domain/user.js';

export const userColumns = [
  'customer_id', 'id', 'upn', 'upn_key', 'display_name', 'display_name_key', 'first_name', 'last_name',
  'usage_location', 'immutable_id', 'phone_number', 'user_domain_type', 'state', 'soft_deletion_time',
  'last_directory_sync_time', 'force_change_password', 'created_at', 'updated_at', 'item_json', 'password_hash',
] as const;

/** Values for `userColumns`, in order. */
export function userValues(row: UserRow, passwordHash: string | null, booleanAsInt: boolean): unknown[] {
  return [
    row.customerId, row.id, row.userPrincipalName, row.userPrincipalNameKey, row.displayName, row.displayNameKey,
    row.firstName ?? null, row.lastName ?? null, row.usageLocation ?? null, row.immutableId ?? null,
    row.phoneNumber ?? null, row.userDomainType, row.state, row.softDeletionTime ?? null,
    row.lastDirectorySyncTime ?? null, booleanAsInt ? (row.forceChangePassword ? 1 : 0) : row.forceChangePassword,
    row.createdAt, row.updatedAt, row.itemJson, passwordHash,
  ];
}

const opt = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

/** Maps a selected `users` row back to a record (the hash is never read back here). */
export function userFromRow(r: Record<string, unknown>): UserRecord {
  return {
    customerId: String(r.customer_id),
    id: String(r.id),
    userPrincipalName: String(r.upn),
    displayName: String(r.display_name),
    firstName: opt(r.first_name),
    lastName: opt(r.last_name),
    usageLocation: opt(r.usage_location),
    immutableId: opt(r.immutable_id),
    phoneNumber: opt(r.phone_number),
    userDomainType: r.user_domain_type as UserRecord['userDomainType'],
    state: r.state as UserRecord['state'],
    softDeletionTime: opt(r.soft_deletion_time),
    lastDirectorySyncTime: opt(r.last_directory_sync_time),
    forceChangePassword: r.force_change_password === true || r.force_change_password === 1,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export const userRecordColumns = userColumns.filter((c) => c !== 'item_json' && c !== 'password_hash').join(', ');

export const customerColumns = [
  'partner_id', 'id', 'commerce_id', 'domain', 'company_name', 'company_name_key', 'custom_domains', 'billing_profile', 'created_at',
] as const;

export function customerValues(c: CustomerRecord): unknown[] {
  return [c.partnerId, c.id, c.commerceId, c.domain, c.companyName, c.companyName.toLowerCase(), JSON.stringify(c.customDomains), JSON.stringify(c.billingProfile), c.createdAt];
}

export function customerFromRow(r: Record<string, unknown>): CustomerRecord {
  return {
    partnerId: String(r.partner_id),
    id: String(r.id),
    commerceId: String(r.commerce_id),
    domain: String(r.domain),
    companyName: String(r.company_name),
    customDomains: JSON.parse(String(r.custom_domains)),
    billingProfile: JSON.parse(String(r.billing_profile)),
    createdAt: String(r.created_at),
  };
}

/** Keyset SQL over a partner's customers, ordered by company name or domain. */
export function customerListSql(partnerId: string, search: { field: 'companyName' | 'domain'; prefix: string } | undefined, limit: number, after?: { key: string; id: string }) {
  const key = search?.field === 'domain' ? 'domain' : 'company_name_key';
  const where = ['partner_id = ?'];
  const params: unknown[] = [partnerId];
  if (search) {
    where.push(`${key} >= ?`, `${key} < ?`);
    params.push(search.prefix.toLowerCase(), search.prefix.toLowerCase() + '\u{10FFFF}');
  }
  if (after) {
    where.push(`(${key}, id) > (?, ?)`);
    params.push(after.key, after.id);
  }
  return { text: `SELECT ${key} AS k, ${customerColumns.join(', ')} FROM customers WHERE ${where.join(' AND ')} ORDER BY ${key}, id ${limitClause(limit)}`, params };
}
