/**
 * The users view's URL parameters: which view (active or deleted users), search, sort, position.
 */
import { filters, type CollectionQuery, type FieldFilter } from '@tenantry/sdk';

export type UserView = 'active' | 'deleted';
export type UserSort = 'displayName' | 'userPrincipalName';

export interface UserListParams {
  view: UserView;
  q: string;
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
    sort: params.get('sort') === 'userPrincipalName' ? 'userPrincipalName' : 'displayName',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
  };
}

/** URL parameters for a view; defaults are left out so URLs stay short. */
export function userListQueryString(p: UserListParams): Record<string, string | undefined> {
  return {
    view: p.view === 'deleted' ? 'deleted' : undefined,
    q: p.q || undefined,
    sort: p.sort === 'displayName' ? undefined : p.sort,
    dir: p.dir === 'asc' ? undefined : p.dir,
  };
}

/**
 * The API query: search is a prefix match on the sorted column, so it runs on the same index as
 * the sort and stays fast at a million users.
 *
 * @example
 * toCollectionQuery({ view: 'active', q: 'ad', sort: 'displayName', dir: 'asc' });
 */
export function toCollectionQuery(p: UserListParams, size = usersPageSize): CollectionQuery {
  const field = p.sort === 'userPrincipalName' ? 'UserPrincipalName' : 'DisplayName';
  let filter: FieldFilter | undefined = p.q ? filters.startsWith(field, p.q) : undefined;
  if (p.view === 'deleted') filter = filter ? filters.and(filters.deletedUsers(), filter) : filters.deletedUsers();
  return { size, filter, sort: { field, direction: p.dir === 'desc' ? 'Descending' : 'Ascending' } };
}
