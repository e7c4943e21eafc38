/**
 * The UI's one connection to the API: the SDK, with the session's token on every call. A 401
 * answer ends the session (the sign-in page then says it expired) instead of showing an error.
 */
import { createPartnerOperations, PartnerError } from '@tenantry/sdk';
import { endSession, getSession } from '../session/session';

const fetchWatchingSession: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.status === 401 && getSession()) endSession('expired');
  return res;
};

/** Partner operations as the signed-in user. */
export const partner = createPartnerOperations({
  baseUrl: window.location.origin,
  credentials: () => getSession()?.accessToken ?? '',
  fetch: fetchWatchingSession,
  clientName: 'tenantry-web',
  // A person is waiting: retry once, quickly, then show the error.
  retry: { maxRetries: 1, backoffMs: () => 300 },
});

/**
 * For optional background reads (the Licenses column): no retries and no waiting out a 429, so
 * they give way at once when the partner's request budget runs low.
 */
export const backgroundPartner = createPartnerOperations({
  baseUrl: window.location.origin,
  credentials: () => getSession()?.accessToken ?? '',
  fetch: fetchWatchingSession,
  clientName: 'tenantry-web',
  retry: { maxRetries: 0, maxThrottleRetries: 0 },
});

/**
 * The text to show for a failed call: the ApiFault description, with its details.
 *
 * @example
 * setError(describeError(e)); // 'A user with the user principal name … already exists in this customer.'
 */
export function describeError(e: unknown): string {
  if (e instanceof PartnerError) {
    if (e.status === 0) return 'The server cannot be reached. Check your connection and try again.';
    const details = e.data.filter((d) => typeof d === 'string' && d !== e.description).join('; ');
    return details ? `${e.description} (${details})` : e.description;
  }
  return e instanceof Error ? e.message : String(e);
}
