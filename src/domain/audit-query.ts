/**
 * The audit-records query: a date range (Partner Center's `startDate`/`endDate`) and an optional
 * filter on the customer, the company name or the resource type.
 */
import { faults } from './fault.js';
import { parseSingleFieldFilter } from './field-filter.js';
import { parseWireDate } from './wire-date.js';

export type AuditFilter =
  | { field: 'customerId'; value: string }
  | { field: 'resourceType'; value: string }
  | { field: 'companyName'; value: string };

export interface AuditQuery {
  /** Inclusive lower bound, UTC ISO-8601. */
  from: string;
  /** Exclusive upper bound, UTC ISO-8601; none means "up to now and on". */
  to?: string;
  filter?: AuditFilter;
}

const dayMs = 24 * 3600 * 1000;
/** Partner Center serves 30 days by default and refuses start dates older than 90 days. */
export const defaultAuditDays = 30;
export const auditRetentionDays = 90;

/** A bound in UTC milliseconds, in any form the official SDKs send (see wire-date.ts). */
function parseDate(name: string, value: string, endOfDay: boolean): number {
  const date = parseWireDate(value);
  if (!date) throw faults.invalidInput(`${name} is not a date; use e.g. 2026-11-24 or 2026-11-24T08:00:00Z (UTC)`, [name]);
  // A bare date means the whole day, so startDate=endDate=2026-11-24 is that day's records.
  return date.dateOnly && endOfDay ? date.ms + dayMs : date.ms;
}

/**
 * Parses the query of `GET /v1/auditrecords`.
 *
 * @example
 * parseAuditQuery({ startDate: '2026-11-01', filter: '{"Field":"CustomerId","Value":"…","Operator":"equals"}' }, new Date());
 */
export function parseAuditQuery(params: { startDate?: string; endDate?: string; filter?: string }, now: Date): AuditQuery {
  const from = params.startDate ? parseDate('startDate', params.startDate, false) : now.getTime() - defaultAuditDays * dayMs;
  if (from < now.getTime() - auditRetentionDays * dayMs) {
    throw faults.invalidInput(`startDate must be within the last ${auditRetentionDays} days`, ['startDate']);
  }
  const to = params.endDate ? parseDate('endDate', params.endDate, true) : undefined;
  if (to !== undefined && to <= from) throw faults.invalidInput('endDate must be after startDate', ['endDate']);
  return { from: new Date(from).toISOString(), to: to === undefined ? undefined : new Date(to).toISOString(), filter: parseAuditFilter(params.filter) };
}

/** Parses `{"Field":"CustomerId"|"ResourceType"|"CompanyName","Value":…,"Operator":"equals"|"substring"}`, keys in any case. */
export function parseAuditFilter(filter: string | undefined): AuditFilter | undefined {
  if (!filter) return undefined;
  const usage = 'Supported filters: CustomerId or ResourceType with equals, CompanyName with substring';
  const { field, operator, value } = parseSingleFieldFilter(filter, usage);
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) throw faults.invalidInput(usage, ['filter']);
  if (field === 'customerid' && operator === 'equals') return { field: 'customerId', value: value.toLowerCase() };
  // The SDK's enum spelling (CustomerUser) and the wire spelling (customer_user) both work.
  if (field === 'resourcetype' && operator === 'equals') return { field: 'resourceType', value: value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() };
  if (field === 'companyname' && operator === 'substring') return { field: 'companyName', value: value.toLowerCase() };
  throw faults.invalidInput(usage, ['filter']);
}
