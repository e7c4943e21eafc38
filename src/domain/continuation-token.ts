/**
 * Opaque, tamper-proof continuation tokens for keyset paging. A token carries the whole query
 * (because a seek request sends only `seekOperation=Next` and the token) and the sort key of the
 * last item served; an HMAC makes any edit detectable, so a forged token is a 400, not a scan.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { faults } from './fault.js';

/** The position after which the next page starts: the last item's sort key and id. */
export interface KeysetPosition {
  key: string;
  id: string;
}

/** What a token remembers: which collection, which query, and where the next page begins. */
export interface TokenState<Q> {
  /** Collection kind and owner, e.g. `users:<customerId>`; a token is refused anywhere else. */
  scope: string;
  query: Q;
  size: number;
  after: KeysetPosition;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

/**
 * Signs and encodes a token.
 *
 * @example
 * const token = encodeContinuationToken(secret, { scope: 'users:…', query, size: 100, after: { key: 'daniel tsai', id } });
 */
export function encodeContinuationToken<Q>(secret: Buffer, state: TokenState<Q>): string {
  const payload = b64(Buffer.from(JSON.stringify({ v: 1, ...state })));
  const mac = createHmac('sha256', secret).update(payload).digest().subarray(0, 18);
  return `${payload}.${b64(mac)}`;
}

/**
 * Verifies and decodes a token for `scope`; throws a 400 fault when it was edited, is malformed,
 * or belongs to another collection.
 */
export function decodeContinuationToken<Q>(secret: Buffer, token: string, scope: string): TokenState<Q> {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4096) throw faults.invalidContinuationToken();
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', secret).update(payload).digest().subarray(0, 18);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw faults.invalidContinuationToken();
  let state: TokenState<Q> & { v: number };
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw faults.invalidContinuationToken();
  }
  if (state.v !== 1 || state.scope !== scope || typeof state.after?.key !== 'string' || typeof state.after?.id !== 'string') {
    throw faults.invalidContinuationToken();
  }
  return state;
}

/** Default and largest page sizes, as Partner Center serves them. */
export const defaultPageSize = 100;
export const maxPageSize = 500;

/**
 * Parses the `size` query value: absent or 0 means the default, 1–500 is taken as is.
 *
 * @example
 * parsePageSize(undefined); // 100
 * parsePageSize('500');     // 500
 */
export function parsePageSize(value: string | undefined): number {
  if (value === undefined || value === '') return defaultPageSize;
  if (!/^\d{1,6}$/.test(value)) throw faults.invalidInput('size must be a whole number from 0 to 500', ['size']);
  const size = Number(value);
  if (size === 0) return defaultPageSize;
  if (size > maxPageSize) throw faults.invalidInput('size must be a whole number from 0 to 500', ['size']);
  return size;
}
