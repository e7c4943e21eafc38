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

/** A new random GUID, in browsers and Node alike. */
export function newGuid(): string {
  return globalThis.crypto.randomUUID();
}
