/**
 * The request context of a call, as the .NET SDK's `RequestContextFactory` creates it: one
 * correlation id for every call of a context, a request id that is new per call unless pinned,
 * and a locale.
 */

export interface RequestContext {
  /** Sent as MS-CorrelationId on every call (default: a new GUID per `createPartnerOperations`). */
  correlationId?: string;
  /** Pins MS-RequestId for every call made with this context (default: a new GUID per call). */
  requestId?: string;
  /** Sent as X-Locale (default en-US). */
  locale?: string;
}

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call, its retries and its waits. */
  signal?: AbortSignal;
  /** MS-RequestId for this call (and its retries): an idempotency key for creations. */
  requestId?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/**
 * A new random (version 4) GUID, in browsers and Node alike. Browsers offer `randomUUID` only on
 * secure origins, so plain-HTTP pages fall back to `getRandomValues`.
 *
 * @example
 * newGuid(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function newGuid(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
