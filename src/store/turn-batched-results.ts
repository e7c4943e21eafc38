/**
 * A store decorator for a store that waits on a database server (PostgreSQL): every answer that
 * arrives during a turn of the event loop is handed over at the end of that turn, together with
 * the others ({@link TurnBatch}). The replies to many requests' queries arrive on several
 * connections in one turn; handed over one by one, each request ran on to its response (the page's
 * envelope, its write to the socket) before the next reply was even read. Handed over together,
 * the requests go on stage by stage, as the first hook lets them in (server/plugins/turn-batching.ts).
 *
 * Measured on a 1 M-user PostgreSQL database at 50 connections (bench/NOTES.md, twenty-sixth
 * session): a 100-user page 206–276 → 177–180 µs of server CPU. SQLite answers within the
 * request's own turn, so it is not decorated.
 *
 * @example
 * const store = withTurnBatchedResults(new PostgresStore(url));
 */
import { TurnBatch } from '../domain/turn-batch.js';
import type { Store } from './store.js';

export function withTurnBatchedResults<S extends Store>(inner: S): S {
  const turn = new TurnBatch();
  const atTurnEnd = <T>(answer: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) =>
      answer.then(
        (value) => turn.defer(() => resolve(value)),
        (error: unknown) => turn.defer(() => reject(error)),
      ),
    );
  // One wrapper per method, made on first use and found first on every later call: the inner
  // decorator (page-read-ahead.ts) makes a new function on each lookup.
  const wrappers = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(inner, {
    get(target, property) {
      const cached = wrappers.get(property);
      if (cached) return cached;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = (...args: unknown[]) => {
        const result = method.apply(target, args);
        return result instanceof Promise ? atTurnEnd(result) : result;
      };
      wrappers.set(property, wrapper);
      return wrapper;
    },
  });
}
