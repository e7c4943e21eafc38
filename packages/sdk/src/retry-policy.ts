/**
 * When and how long to wait before retrying, after the official .NET SDK's
 * `ExponentialBackOffRetryPolicy` and `RetryableHttpCall`.
 */

export interface RetryOptions {
  /** Retries after the first attempt for 5xx, 408 and network errors (default 3, so 4 requests in all). */
  maxRetries?: number;
  /** Wait before retry n (n from 1), in ms (default `(2^n − 1) / 2` s: 500, 1500, 3500). */
  backoffMs?: (retry: number) => number;
  /** Retries after a 429 (default 3). */
  maxThrottleRetries?: number;
  /** A 429 or 503 asking to wait longer than this is thrown at once (default 60 000 ms). */
  maxRetryAfterMs?: number;
}

/** The .NET SDK's back-off: 0.5 s, 1.5 s, 3.5 s, … */
export const defaultBackoffMs = (retry: number) => ((2 ** retry - 1) / 2) * 1000;

// Statuses the .NET SDK does not retry: the answer would be the same.
const final = new Set([400, 401, 403, 404, 409, 417, 429]);

/**
 * Whether a status is worth retrying (the request is resent with the same MS-RequestId).
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(409); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 400 && !final.has(status);
}

/**
 * Reads `Retry-After` (seconds or an HTTP date) as milliseconds; 1 s when absent or unreadable.
 *
 * @example
 * retryAfterMs('57'); // 57000
 */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header) {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return 1000;
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example
 * await sleep(500, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
