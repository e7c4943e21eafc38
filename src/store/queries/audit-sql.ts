/**
 * Audit-record SQL shared by both stores: columns, row mapping and the keyset list query
 * (written with `?` placeholders; PostgreSQL numbers them).
 */
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { AuditQuery } from '../../domain/audit-query.js';
import type { AuditRecord } from '../../domain/audit-record.js';
import { limitClause } from './limit-clause.js';

export const auditColumns = [
  'partner_id', 'operation_date', 'id', 'customer_id', 'customer_name', 'subject', 'app_only', 'resource_type', 'resource_id',
  'operation_type', 'operation_status', 'http_status', 'fault_code', 'correlation_id', 'request_id', 'customized_data',
] as const;

/** Column values in `auditColumns` order; SQLite stores booleans as 0/1. */
export function auditValues(r: AuditRecord, numericBooleans: boolean): unknown[] {
  return [
    r.partnerId, r.operationDate, r.id, r.customerId ?? null, r.customerName ?? null, r.subject, numericBooleans ? Number(r.appOnly) : r.appOnly,
    r.resourceType, r.resourceId ?? null, r.operationType, r.operationStatus, r.httpStatus, r.faultCode ?? null,
    r.correlationId ?? null, r.requestId ?? null, JSON.stringify(r.customizedData),
  ];
}

const optional = <T>(v: T | null | undefined) => (v === null || v === undefined ? undefined : v);

export function auditFromRow(row: Record<string, unknown>): AuditRecord {
  return {
    partnerId: String(row.partner_id),
    operationDate: String(row.operation_date),
    id: String(row.id),
    customerId: optional(row.customer_id as string | null),
    customerName: optional(row.customer_name as string | null),
    subject: String(row.subject),
    appOnly: Boolean(row.app_only),
    resourceType: String(row.resource_type),
    resourceId: optional(row.resource_id as string | null),
    operationType: String(row.operation_type),
    operationStatus: row.operation_status as AuditRecord['operationStatus'],
    httpStatus: Number(row.http_status),
    faultCode: row.fault_code === null || row.fault_code === undefined ? undefined : Number(row.fault_code),
    correlationId: optional(row.correlation_id as string | null),
    requestId: optional(row.request_id as string | null),
    customizedData: JSON.parse(String(row.customized_data)),
  };
}

export const insertAuditSql = `INSERT INTO audit_records (${auditColumns.join(', ')}) VALUES (${auditColumns.map(() => '?').join(', ')})`;

/**
 * One page of a partner's records in time order, after `after` when continuing.
 *
 * @example
 * const { text, params } = auditListSql(partnerId, query, 101);
 */
export function auditListSql(partnerId: string, query: AuditQuery, limit: number, after?: KeysetPosition) {
  const where = ['partner_id = ?', 'operation_date >= ?'];
  const params: unknown[] = [partnerId, query.from];
  if (query.to) {
    where.push('operation_date < ?');
    params.push(query.to);
  }
  if (query.filter?.field === 'customerId') {
    where.push('customer_id = ?');
    params.push(query.filter.value);
  } else if (query.filter?.field === 'resourceType') {
    where.push('resource_type = ?');
    params.push(query.filter.value);
  } else if (query.filter?.field === 'companyName') {
    where.push("lower(customer_name) LIKE ? ESCAPE '\\'");
    params.push(`%${query.filter.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (after) {
    where.push('(operation_date, id) > (?, ?)');
    params.push(after.key, after.id);
  }
  return { text: `SELECT ${auditColumns.join(', ')} FROM audit_records WHERE ${where.join(' AND ')} ORDER BY operation_date, id ${limitClause(limit)}`, params };
}
