/**
 * The one place that tells, from a database driver's error, whether the store itself is in
 * trouble (unreachable or out of space) rather than the request or the code. Both drivers'
 * vocabularies meet here so that no route has to know either of them.
 */

/** Why the store cannot serve a request right now; `undefined` means "not a store outage". */
export type StoreOutage = 'unavailable' | 'full';

// PostgreSQL SQLSTATEs that mean "the server is going away, starting up or cannot be reached":
// class 08 (connection exception), 57P01..57P05 (admin/crash shutdown, cannot connect now, idle
// session timeout) and 53300 (too many connections).
const pgUnavailableStates = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);
// PostgreSQL out of space: 53100 disk_full, 53200 out_of_memory.
const pgFullStates = new Set(['53100', '53200']);
// Socket errors node raises when the server's port is closed, reset or silent.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// node-postgres reports a socket that closed under a query by message only.
const pgClosedMessages = [/Connection terminated/i, /connection timeout/i, /Client has encountered a connection error/i, /Client was closed/i, /the database system is (starting up|shutting down|in recovery mode)/i];

/**
 * Classifies a thrown error as a store outage, or `undefined` for anything else (a bug, a
 * constraint the code did not expect…), which stays a 500.
 *
 * @example
 * classifyStoreError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })); // 'full'
 * classifyStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })); // 'unavailable'
 */
export function classifyStoreError(error: unknown): StoreOutage | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? ((e as { code: string }).code) : '';
    // better-sqlite3: SQLITE_FULL, or an I/O error writing the journal (how a full disk shows up too).
    if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'ENOSPC') return 'full';
    if (pgFullStates.has(code)) return 'full';
    if (code.startsWith('08') && code.length === 5) return 'unavailable';
    if (pgUnavailableStates.has(code) || socketCodes.has(code)) return 'unavailable';
    // AggregateError from a dual-stack connect carries the codes in `errors`.
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.some((x) => classifyStoreError(x) === 'unavailable')) return 'unavailable';
    const message = e instanceof Error ? e.message : '';
    if (pgClosedMessages.some((m) => m.test(message))) return 'unavailable';
  }
  return undefined;
}
