/**
 * Loads data once per key, with loading and error states and cancellation on change.
 */
import { useEffect, useState } from 'react';
import { describeError } from '../api/partner';

export type AsyncState<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: string };

/**
 * @example
 * const skus = useAsync(customerId, (signal) => subscribedSkus(customerId, signal));
 */
export function useAsync<T>(key: string, load: (signal: AbortSignal) => Promise<T>): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    load(abort.signal).then(
      (value) => !abort.signal.aborted && setState({ status: 'ready', value }),
      (e) => !abort.signal.aborted && setState({ status: 'error', error: describeError(e) }),
    );
    return () => abort.abort();
    // Deliberately keyed on `key` alone: `load` is a new closure on every render.
  }, [key]);
  return state;
}
