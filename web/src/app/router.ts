/**
 * A minimal history router: the URL is the state (path and query), so reload, back and forward
 * restore exactly what was on screen. `history.state` carries what the URL need not show.
 */
import { useSyncExternalStore } from 'react';

const navigateEvent = 'tenantry:navigate';

export interface Location {
  pathname: string;
  params: URLSearchParams;
  /** history.state of this entry. */
  state: unknown;
}

let snapshot: Location = read();

function read(): Location {
  return { pathname: window.location.pathname, params: new URLSearchParams(window.location.search), state: window.history.state };
}

function subscribe(onChange: () => void) {
  const handler = () => {
    snapshot = read();
    onChange();
  };
  window.addEventListener('popstate', handler);
  window.addEventListener(navigateEvent, handler);
  return () => {
    window.removeEventListener('popstate', handler);
    window.removeEventListener(navigateEvent, handler);
  };
}

/**
 * Goes to a path in the app.
 *
 * @example
 * navigate(`/customers/${id}/users?q=ada`);
 */
export function navigate(to: string, options: { replace?: boolean; state?: unknown } = {}) {
  if (options.replace) window.history.replaceState(options.state ?? null, '', to);
  else window.history.pushState(options.state ?? null, '', to);
  window.dispatchEvent(new Event(navigateEvent));
}

/** The current location; re-renders on navigation. */
export function useLocation(): Location {
  return useSyncExternalStore(subscribe, () => snapshot);
}

/**
 * Builds `path?query` from parameters, leaving out empty ones.
 *
 * @example
 * withQuery('/customers', { q: 'con', at: undefined }); // '/customers?q=con'
 */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
