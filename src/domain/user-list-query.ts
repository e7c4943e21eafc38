/**
 * The users list query: which state, which search, which order. Parsed from Partner Center's
 * `filter` JSON and `sortField`/`sortDirection` parameters.
 */
import { faults } from './fault.js';
import { parseFieldFilters } from './field-filter.js';
import { lookup } from './lookup.js';
import type { UserState } from './user.js';

export type UserSortField = 'displayName' | 'userPrincipalName';
export type SortDirection = 'asc' | 'desc';
export type SearchOperator = 'starts_with' | 'substring' | 'equals';

export interface UserSearch {
  field: UserSortField;
  operator: SearchOperator;
  /** Lower-cased: search is case-insensitive. */
  value: string;
}

export interface UserListQuery {
  state: UserState;
  sortField: UserSortField;
  direction: SortDirection;
  search?: UserSearch;
}

const fieldNames: Record<string, UserSortField> = {
  displayname: 'displayName',
  userprincipalname: 'userPrincipalName',
};

const supportedFilters =
  'Supported filters: UserState equals Active|Inactive; DisplayName or UserPrincipalName with starts_with, substring or equals';

/**
 * Parses the list parameters.
 *
 * @example
 * parseUserListQuery('{"Field":"UserState","Value":"Inactive","Operator":"equals"}', undefined, undefined);
 * // { state: 'inactive', sortField: 'displayName', direction: 'asc' }
 */
export function parseUserListQuery(filter: string | undefined, sortField: string | undefined, sortDirection: string | undefined): UserListQuery {
  const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc' };
  if (sortField !== undefined && sortField !== '') {
    const field = lookup(fieldNames, sortField.toLowerCase());
    if (!field) throw faults.invalidInput('sortField must be DisplayName or UserPrincipalName', ['sortField']);
    query.sortField = field;
  }
  if (sortDirection !== undefined && sortDirection !== '') {
    const d = sortDirection.toLowerCase();
    if (d === 'ascending' || d === 'asc') query.direction = 'asc';
    else if (d === 'descending' || d === 'desc') query.direction = 'desc';
    else throw faults.invalidInput('sortDirection must be Ascending or Descending', ['sortDirection']);
  }
  if (filter === undefined || filter === '') return query;
  for (const part of parseFieldFilters(filter)) {
    const field = part.field;
    const searchField = lookup(fieldNames, field);
    if (field === 'userstate' || field === 'userstatus') {
      const value = String(part.value ?? '').toLowerCase();
      if (part.operator !== 'equals' || (value !== 'active' && value !== 'inactive')) {
        throw faults.invalidInput(supportedFilters, ['filter']);
      }
      query.state = value;
    } else if (searchField) {
      const operator = part.operator;
      if (operator !== 'starts_with' && operator !== 'substring' && operator !== 'equals') throw faults.invalidInput(supportedFilters, ['filter']);
      if (typeof part.value !== 'string' || part.value.length === 0 || part.value.length > 256) {
        throw faults.invalidInput('A search value must be a string of 1 to 256 characters', ['filter']);
      }
      // U+0000 ends a string in SQLite's FTS5 query syntax and is not text to PostgreSQL, so no
      // stored name can contain it: answered as bad input rather than reaching either store.
      if (part.value.includes('\u0000')) throw faults.invalidInput('A search value may not contain the character U+0000', ['filter']);
      if (query.search) throw faults.invalidInput('Only one search filter may be given', ['filter']);
      query.search = { field: searchField, operator, value: part.value.toLowerCase() };
    } else {
      throw faults.invalidInput(supportedFilters, ['filter']);
    }
  }
  return query;
}
