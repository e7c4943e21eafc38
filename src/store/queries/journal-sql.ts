/**
 * SQL of the emulator's request journal (issue 12), shared by both stores: the WHERE clause of a
 * filter with numbered placeholders. Filter values are always parameters, never SQL text.
 */
import type { JournalFilter } from '../journal-store.js';

export const journalColumns = 'seq, partner_id, time, method, path, operation, request_id, correlation_id, status, checks, entry_json, response_body';

/**
 * The conditions of a filter and their values; `param(n)` writes the n-th placeholder (1-based).
 *
 * @example
 * journalWhere('p', { status: 429 }, (n) => `$${n}`); // { sql: 'partner_id = $1 AND status = $2', values: ['p', 429] }
 */
export function journalWhere(partnerId: string, filter: JournalFilter, param: (n: number) => string): { sql: string; values: (string | number)[] } {
  const values: (string | number)[] = [partnerId];
  const parts = [`partner_id = ${param(1)}`];
  const add = (column: string, op: string, value: string | number | undefined) => {
    if (value === undefined) return;
    values.push(value);
    parts.push(`${column} ${op} ${param(values.length)}`);
  };
  add('request_id', '=', filter.requestId);
  add('correlation_id', '=', filter.correlationId);
  add('status', '=', filter.status);
  add('operation', '=', filter.operation);
  add('time', '>=', filter.since);
  return { sql: parts.join(' AND '), values };
}

/** A row of either store as a StoredJournalRow. */
export const journalRowOf = (r: Record<string, unknown>) => ({
  seq: Number(r.seq),
  partnerId: String(r.partner_id),
  time: String(r.time),
  method: String(r.method),
  path: String(r.path),
  operation: r.operation === null ? null : String(r.operation),
  requestId: r.request_id === null ? null : String(r.request_id),
  correlationId: r.correlation_id === null ? null : String(r.correlation_id),
  status: Number(r.status),
  checks: String(r.checks),
  entryJson: String(r.entry_json),
  responseBody: Buffer.isBuffer(r.response_body) ? r.response_body : null,
});
