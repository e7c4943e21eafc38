/**
 * Keyset paging driven by the URL. The `at` parameter holds the continuation token of the page
 * on screen (absent on the first page); `history.state.back` holds the tokens of the pages before
 * it, so Previous works and survives reload. Each page is a history entry: browser Back works too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SeekBasedResourceCollection } from '@tenantry/sdk';
import { describeError } from '../api/partner';
import { navigate, useLocation } from './router';

export type PageState<T> =
  | { status: 'loading'; page?: SeekBasedResourceCollection<T> }
  | { status: 'ready'; page: SeekBasedResourceCollection<T> }
  | { status: 'error'; error: string; page?: SeekBasedResourceCollection<T> };

interface PagingState {
  back: string[];
}

const backStack = (state: unknown): string[] => {
  const back = (state as PagingState | null)?.back;
  return Array.isArray(back) ? back.filter((t) => typeof t === 'string') : [];
};

/**
 * Loads the page for the URL's query and position.
 *
 * @param queryKey identifies the query (search, sort, view); a new key is a new first page
 * @param load fetches the first page (no token) or the page at a token
 */
export function useSeekPage<T>(queryKey: string, load: (at: string | undefined, signal: AbortSignal) => Promise<SeekBasedResourceCollection<T>>) {
  const location = useLocation();
  const at = location.params.get('at') ?? undefined;
  const back = backStack(location.state);
  const [state, setState] = useState<PageState<T>>({ status: 'loading' });
  const [reloads, setReloads] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const shownKey = useRef(queryKey);

  useEffect(() => {
    const abort = new AbortController();
    // Another page of the same query stays on screen while loading; another query's rows do not.
    const sameQuery = shownKey.current === queryKey;
    shownKey.current = queryKey;
    setState((s) => ({ status: 'loading', page: sameQuery ? s.page : undefined }));
    loadRef.current(at, abort.signal).then(
      (page) => !abort.signal.aborted && setState({ status: 'ready', page }),
      (e) => !abort.signal.aborted && setState((s) => ({ status: 'error', error: describeError(e), page: s.page })),
    );
    return () => abort.abort();
  }, [queryKey, at, reloads]);

  const go = useCallback((token: string | undefined, stack: string[]) => {
    const params = new URLSearchParams(window.location.search);
    if (token) params.set('at', token);
    else params.delete('at');
    const q = params.toString();
    navigate(`${window.location.pathname}${q ? `?${q}` : ''}`, { state: { back: stack } satisfies PagingState });
  }, []);

  const next = state.status === 'ready' ? state.page.continuationToken : undefined;
  return {
    state,
    pageNumber: back.length + 1,
    hasNext: Boolean(next),
    hasPrevious: back.length > 0 || Boolean(at),
    next: () => next && go(next, [...back, at ?? '']),
    previous: () => {
      const stack = [...back];
      const previous = stack.pop();
      go(previous || undefined, stack);
    },
    first: () => go(undefined, []),
    reload: () => setReloads((n) => n + 1),
  };
}
