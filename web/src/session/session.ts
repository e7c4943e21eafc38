/**
 * The signed-in session: the bearer token from `POST /auth/signin`, kept in sessionStorage (gone
 * when the tab closes). Expiry, a 401 from the API, or sign-out end it; listeners re-render.
 */

export interface Session {
  accessToken: string;
  /** UTC ISO-8601. */
  expiresOn: string;
  userName: string;
  partnerId: string;
  roles: string[];
}

/** Why the session ended, shown on the sign-in page. */
export type EndReason = 'signedOut' | 'expired';

const storageKey = 'tenantry.session';
const listeners = new Set<() => void>();
let current: Session | undefined = load();
let endReason: EndReason | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function load(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(storageKey);
    const s = raw ? (JSON.parse(raw) as Session) : undefined;
    return s && Date.parse(s.expiresOn) > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
}

function changed() {
  if (expiryTimer) clearTimeout(expiryTimer);
  if (current) {
    // setTimeout overflows past ~24.8 days; sessions are far shorter, but clamp anyway.
    const ms = Math.min(Date.parse(current.expiresOn) - Date.now(), 2 ** 31 - 1);
    expiryTimer = setTimeout(() => endSession('expired'), Math.max(ms, 0));
  }
  for (const l of listeners) l();
}

/** The current session, if any. */
export const getSession = (): Session | undefined => current;

/** Why the last session ended (for the sign-in page's message). */
export const lastEndReason = (): EndReason | undefined => endReason;

/** Stores a new session after a successful sign-in. */
export function startSession(session: Session) {
  current = session;
  endReason = undefined;
  sessionStorage.setItem(storageKey, JSON.stringify(session));
  changed();
}

/** Ends the session: on sign-out, at expiry, or when the API answers 401. */
export function endSession(reason: EndReason) {
  if (!current) return;
  current = undefined;
  endReason = reason;
  sessionStorage.removeItem(storageKey);
  changed();
}

/** Subscribes to session changes (for useSyncExternalStore). */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

changed();
