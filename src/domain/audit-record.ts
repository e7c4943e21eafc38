/**
 * Audit records: one per write the API performs, in Partner Center's AuditRecord shape
 * (`GET /v1/auditrecords`). Plain data and its wire JSON; the audit plugin fills them in.
 */
import { lookup } from './lookup.js';

/** Partner Center's outcome names. */
export type OperationStatus = 'succeeded' | 'failed';

export interface AuditRecord {
  id: string;
  partnerId: string;
  /** UTC ISO-8601 with milliseconds; with `id`, the keyset order of the log. */
  operationDate: string;
  customerId?: string;
  customerName?: string;
  /** Who: the token's subject (a user, or the application of an app-only token). */
  subject: string;
  appOnly: boolean;
  /** Partner Center's resource type, e.g. `customer_user`, `customer`, `license`. */
  resourceType: string;
  /** The resource acted on (user id, customer id…) when known. */
  resourceId?: string;
  /** Partner Center's operation type, e.g. `create_customer_user`. */
  operationType: string;
  operationStatus: OperationStatus;
  httpStatus: number;
  /** The ApiFault code of a failed operation. */
  faultCode?: number;
  correlationId?: string;
  requestId?: string;
  /** Extra key/value pairs, as Partner Center's `customizedData`. */
  customizedData: { key: string; value: string | null }[];
}

/** The key `customizedData` names the acted-on resource with, per resource type. */
const resourceIdKeys: Record<string, string> = {
  customer_user: 'CustomerUserId',
  license: 'CustomerUserId',
  customer_directory_role: 'CustomerUserId',
  customer: 'CustomerId',
};

/**
 * The wire JSON of a record, as Partner Center's audit API returns it (unset fields omitted).
 *
 * @example
 * serializeAuditRecord(record); // '{"id":"…","partnerId":"…","resourceType":"customer_user",…}'
 */
export function serializeAuditRecord(r: AuditRecord): string {
  const customizedData = [
    ...(r.resourceId ? [{ key: lookup(resourceIdKeys, r.resourceType) ?? 'ResourceId', value: r.resourceId }] : []),
    ...r.customizedData,
    ...(r.requestId ? [{ key: 'RequestId', value: r.requestId }] : []),
    ...(r.operationStatus === 'failed' ? [{ key: 'HttpStatus', value: String(r.httpStatus) }] : []),
    ...(r.faultCode !== undefined ? [{ key: 'FaultCode', value: String(r.faultCode) }] : []),
  ];
  return JSON.stringify({
    id: r.id,
    partnerId: r.partnerId,
    customerId: r.customerId,
    customerName: r.customerName,
    userPrincipalName: r.appOnly ? undefined : r.subject,
    applicationId: r.appOnly ? r.subject : undefined,
    resourceType: r.resourceType,
    operationType: r.operationType,
    originalCorrelationId: r.correlationId,
    operationDate: r.operationDate,
    operationStatus: r.operationStatus,
    customizedData,
    attributes: { objectType: 'AuditRecord' },
  });
}
