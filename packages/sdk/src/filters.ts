/**
 * Partner Center field filters, serialized exactly as the .NET SDK does:
 * `{"Field":"UserState","Value":"Inactive","Operator":"equals"}` and
 * `{"LeftFilter":{…},"RightFilter":{…},"Operator":"and"}`.
 */

export type FieldFilterOperator =
  | 'equals'
  | 'not_equals'
  | 'greater_than'
  | 'greater_than_or_equals'
  | 'less_than'
  | 'less_than_or_equals'
  | 'substring'
  | 'starts_with'
  | 'not_starts_with';

export interface SimpleFieldFilter {
  Field: string;
  Value: string;
  Operator: FieldFilterOperator;
}

export interface CompoundFieldFilter {
  LeftFilter: FieldFilter;
  RightFilter: FieldFilter;
  Operator: 'and' | 'or';
}

export type FieldFilter = SimpleFieldFilter | CompoundFieldFilter;

/** Fields a user search may look at. */
export type UserSearchField = 'DisplayName' | 'UserPrincipalName';

/**
 * Builders for the filters the users and customers lists understand.
 *
 * @example
 * const q = { size: 500, filter: filters.and(filters.deletedUsers(), filters.startsWith('DisplayName', 'ad')) };
 */
export const filters = {
  /** Deleted (inactive) users, as Partner Center documents it. */
  deletedUsers: (): SimpleFieldFilter => ({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }),
  /** Active users (the default of an unfiltered list). */
  activeUsers: (): SimpleFieldFilter => ({ Field: 'UserState', Value: 'Active', Operator: 'equals' }),
  /** Field starts with a value, case-insensitively (users: DisplayName, UserPrincipalName; customers: CompanyName, Domain). */
  startsWith: (field: string, value: string): SimpleFieldFilter => ({ Field: field, Value: value, Operator: 'starts_with' }),
  /** Field contains a value, case-insensitively. */
  substring: (field: string, value: string): SimpleFieldFilter => ({ Field: field, Value: value, Operator: 'substring' }),
  /** Field equals a value. */
  equals: (field: string, value: string): SimpleFieldFilter => ({ Field: field, Value: value, Operator: 'equals' }),
  /** Both filters. */
  and: (left: FieldFilter, right: FieldFilter): CompoundFieldFilter => ({ LeftFilter: left, RightFilter: right, Operator: 'and' }),
} as const;

/** Sort order of a users list. */
export interface SortOption {
  field: UserSearchField;
  direction?: 'Ascending' | 'Descending';
}

/** An indexed query: the first page of a list. */
export interface CollectionQuery {
  /** Page size, 1–500 (server default 100). */
  size?: number;
  filter?: FieldFilter;
  sort?: SortOption;
}

/** A seek query: the page after a continuation token (what `BuildSeekQuery(SeekOperation.Next, token)` sends). */
export interface SeekQuery {
  continuationToken: string;
}

/**
 * The wire form of a query: query parameters and headers.
 *
 * @example
 * toWire({ size: 500, filter: filters.deletedUsers() });
 * // { query: { size: 500, filter: '{"Field":"UserState","Value":"Inactive","Operator":"equals"}' }, headers: {} }
 */
export function toWire(query: CollectionQuery | SeekQuery | undefined): { query: Record<string, string | number | undefined>; headers: Record<string, string> } {
  if (!query) return { query: {}, headers: {} };
  if ('continuationToken' in query) {
    return { query: { seekOperation: 'Next' }, headers: { 'MS-ContinuationToken': query.continuationToken } };
  }
  return {
    query: {
      size: query.size,
      filter: query.filter ? JSON.stringify(query.filter) : undefined,
      sortField: query.sort?.field,
      sortDirection: query.sort ? (query.sort.direction ?? 'Ascending') : undefined,
    },
    headers: {},
  };
}
