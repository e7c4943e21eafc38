/**
 * The users view's URL parameters: which view (active or deleted users), search, sort, position.
 */
import { filters, type CollectionQuery, type FieldFilter } from '@tenantry/sdk';

export type UserView = 'active' | 'deleted';
export type UserSort = 'displayName' | 'userPrincipalName';
/** How the search text matches: anywhere in the name (the default), or at its start. */
export type UserSearchMode = 'contains' | 'startsWith';

export interface UserListParams {
  view: UserView;
  q: string;
  match: UserSearchMode;
  sort: UserSort;
  dir: 'asc' | 'desc';
}

/** Users per page: enough to scan, small enough to render at once. */
export const usersPageSize = 50;

/**
 * Reads the view from URL parameters, with defaults for anything missing or unknown.
 *
 * @example
 * readUserListParams(new URLSearchParams('view=deleted&sort=userPrincipalName'));
 */
export function readUserListParams(params: URLSearchParams): UserListParams {
  return {
    view: params.get('view') === 'deleted' ? 'deleted' : 'active',
    q: params.get('q') ?? '',
    match: params.get('match') === 'prefix' ? 'startsWith' : 'contains',
    sort: params.get('sort') === 'userPrincipalName' ? 'userPrincipalName' : 'displayName',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
  };
}

/** URL parameters for a view; defaults are left out so URLs stay short. */
export function userListQueryString(p: UserListParams): Record<string, string | undefined> {
  return {
    view: p.view === 'deleted' ? 'deleted' : undefined,
    q: p.q || undefined,
    match: p.match === 'startsWith' ? 'prefix' : undefined,
    sort: p.sort === 'displayName' ? undefined : p.sort,
    dir: p.dir === 'asc' ? undefined : p.dir,
  };
}

/**
 * The API query: search looks in the sorted column, by default for the text anywhere in it (the
 * server answers that from a trigram index), or for a prefix, which runs on the sort's own index.
 *
 * @example
 * toCollectionQuery({ view: 'active', q: 'tanaka', match: 'contains', sort: 'displayName', dir: 'asc' });
 */
export function toCollectionQuery(p: UserListParams, size = usersPageSize): CollectionQuery {
  const field = p.sort === 'userPrincipalName' ? 'UserPrincipalName' : 'DisplayName';
  let filter: FieldFilter | undefined = p.q ? (p.match === 'startsWith' ? filters.startsWith(field, p.q) : filters.substring(field, p.q)) : undefined;
  if (p.view === 'deleted') filter = filter ? filters.and(filters.deletedUsers(), filter) : filters.deletedUsers();
  return { size, filter, sort: { field, direction: p.dir === 'desc' ? 'Descending' : 'Ascending' } };
}
