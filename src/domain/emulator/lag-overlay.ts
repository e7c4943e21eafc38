/**
 * Consistency lag (issue 12), the pure part: a keyset page as reads of a lagged workspace see it.
 * Entities with a hidden change are taken out of the real page and their previous state (when
 * they had one, and it belongs in the list) is put back at its sort position.
 */
import type { KeysetPosition } from '../continuation-token.js';
import type { SortDirection, UserListQuery } from '../user-list-query.js';
import { sortKey, type UserRecord } from '../user.js';

/** One item of a keyset-ordered list: its sort key, its id (the tie-break) and the item. */
export interface KeyedItem<T> {
  key: string;
  id: string;
  value: T;
}

/** Binary order of UTF-8 bytes (= code point order), as SQLite and PostgreSQL's "C" collation sort keys. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Keyset order of two positions: negative when `a` comes first in the list.
 *
 * @example
 * comparePositions({ key: 'a', id: '2' }, { key: 'b', id: '1' }, 'asc'); // < 0
 */
export function comparePositions(a: KeysetPosition, b: KeysetPosition, direction: SortDirection): number {
  const c = compareText(a.key, b.key) || compareText(a.id, b.id);
  return direction === 'asc' ? c : -c;
}

export interface OverlaidPage<T> {
  items: KeyedItem<T>[];
  next?: KeysetPosition;
  /** Ids of the replaced entities this page showed, or would have shown without the lag. */
  touched: Set<string>;
}

/**
 * The page reads see. `real` is the real list from `after` on, at least `size + replacements.size`
 * items long unless the list ends there (`realHasMore` false), so that removed items never leave
 * the page short. `replacements`: entity id → what reads see instead (null: nothing).
 *
 * @example
 * overlayKeysetPage(realItems, false, new Map([[createdId, null]]), 'asc', 100);
 */
export function overlayKeysetPage<T>(
  real: KeyedItem<T>[],
  realHasMore: boolean,
  replacements: ReadonlyMap<string, KeyedItem<T> | null>,
  direction: SortDirection,
  size: number,
  after?: KeysetPosition,
): OverlaidPage<T> {
  const cmp = (a: KeysetPosition, b: KeysetPosition) => comparePositions(a, b, direction);
  const kept = real.filter((item) => !replacements.has(item.id));
  const added: KeyedItem<T>[] = [];
  for (const replacement of replacements.values()) {
    if (replacement && (after === undefined || cmp(replacement, after) > 0)) added.push(replacement);
  }
  // Past the end of the fetched window an added item could come after real items not fetched:
  // only those before the last fetched item are certain to belong here.
  const lastReal = real[real.length - 1];
  const merged = [...kept, ...added.filter((a) => !realHasMore || lastReal === undefined || cmp(a, lastReal) < 0)].sort(cmp);
  const items = merged.slice(0, size);
  const more = merged.length > size || realHasMore;
  const last = items[items.length - 1];
  const next = more && last ? { key: last.key, id: last.id } : undefined;
  const touched = new Set<string>();
  for (const item of items) if (replacements.has(item.id)) touched.add(item.id);
  // The real page, without the lag, is the window's first `size` items.
  for (const item of real.slice(0, size)) if (replacements.has(item.id)) touched.add(item.id);
  return { items, next, touched };
}

/**
 * True when a user belongs in the list the query asks for (state and search), as the stores decide.
 *
 * @example
 * userMatchesQuery(user, { state: 'active', sortField: 'displayName', direction: 'asc' });
 */
export function userMatchesQuery(user: UserRecord, query: UserListQuery): boolean {
  if (user.state !== query.state) return false;
  const search = query.search;
  if (!search) return true;
  const value = sortKey(user[search.field]);
  if (search.operator === 'equals') return value === search.value;
  if (search.operator === 'starts_with') return value.startsWith(search.value);
  return value.includes(search.value);
}

/** A user as an item of a users list in the query's order. */
export const userListItem = <T>(user: UserRecord, query: UserListQuery, value: T): KeyedItem<T> => ({ key: sortKey(user[query.sortField]), id: user.id, value });
