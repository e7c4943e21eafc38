import { lookup } from '../../domain/lookup.js';
import type { UserListQuery } from '../../domain/user-list-query.js';

const shapeLetters: Readonly<Record<string, string>> = { active: 'a', inactive: 'i', displayName: 'd', userPrincipalName: 'u', asc: 'a', desc: 'd', starts_with: 'p', equals: 'e', substring: 'c' };

/**
 * The name of a page's prepared statement, one per shape (and size, when given). PostgreSQL keeps
 * only the first 63 bytes of a name, and spelled out in words the shapes ran past that, so two
 * of them shared one truncated name; hence one letter a part.
 *
 * @example
 * pageStatementName('gp', { state: 'active', sortField: 'userPrincipalName', direction: 'desc', search: { field: 'userPrincipalName', operator: 'starts_with', value: 'zoe' } }, true, 100); // 'gp_aud_up_100_a'
 */
export function pageStatementName(prefix: string, query: UserListQuery, after: boolean, size?: number): string {
  const letter = (part: string) => lookup(shapeLetters, part) ?? '';
  const search = query.search ? `${letter(query.search.field)}${letter(query.search.operator)}` : 'all';
  return `${prefix}_${letter(query.state)}${letter(query.sortField)}${letter(query.direction)}_${search}${size === undefined ? '' : `_${size}`}_${after ? 'a' : 'f'}`;
}
