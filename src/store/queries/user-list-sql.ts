/**
 * Builds the keyset query for a page of users, for both dialects. The ORDER BY always matches an
 * index `(customer_id, state, <sort key>, id)`, so any page costs the same as the first one.
 */
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';

export interface SqlText {
  text: string;
  params: unknown[];
}

// Largest code point: `prefix || MAX` bounds a prefix range in binary (C collation) order.
const maxChar = '\u{10FFFF}';

const keyColumn = { displayName: 'display_name_key', userPrincipalName: 'upn_key' } as const;

/**
 * SQL selecting `sort_key, id, item_json` for up to `limit` users after `after`.
 * Placeholders are `?`; the PostgreSQL store numbers them.
 *
 * @example
 * userListSql('sqlite', { state: 'active', sortField: 'displayName', direction: 'asc' }, 'c1', 101);
 */
export function userListSql(dialect: 'sqlite' | 'postgres', query: UserListQuery, customerId: string, limit: number, after?: KeysetPosition): SqlText {
  const key = keyColumn[query.sortField];
  const params: unknown[] = [customerId, query.state];
  const where = ['customer_id = ?', 'state = ?'];
  const search = query.search;
  if (search) {
    const col = keyColumn[search.field];
    if (search.operator === 'equals') {
      where.push(`${col} = ?`);
      params.push(search.value);
    } else if (search.operator === 'starts_with') {
      where.push(`${col} >= ?`, `${col} < ?`);
      params.push(search.value, search.value + maxChar);
    } else {
      where.push(dialect === 'sqlite' ? `instr(${col}, ?) > 0` : `strpos(${col}, ?) > 0`);
      params.push(search.value);
    }
  }
  const cmp = query.direction === 'asc' ? '>' : '<';
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  if (after) {
    where.push(`(${key}, id) ${cmp} (?, ?)`);
    params.push(after.key, after.id);
  }
  params.push(limit);
  return {
    text: `SELECT ${key} AS k, id, item_json FROM users WHERE ${where.join(' AND ')} ORDER BY ${key} ${dir}, id ${dir} LIMIT ?`,
    params,
  };
}

/** Numbers `?` placeholders as `$1, $2, …` for PostgreSQL. */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
