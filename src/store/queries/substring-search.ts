/**
 * How both stores answer a `substring` (contains) search from a trigram index: SQLite's FTS5
 * `trigram` tokenizer and PostgreSQL's `pg_trgm`. Both index the lower-cased key columns, so a
 * match is exactly "the key contains the lower-cased text", the same as a scan with `instr`.
 */
import type { UserSearch, UserSortField } from '../../domain/user-list-query.js';

/**
 * A trigram index can only answer text of at least three characters (code points); shorter text
 * is matched by scanning the customer's users in the requested order.
 */
export const trigramMinLength = 3;

/**
 * SQLite: at most this many index matches are taken as candidates, sorted and paged; a search
 * with more walks the sort order instead, where matches are dense enough to fill a page soon.
 */
export const maxSearchCandidates = 2000;

/**
 * Whether a search is a substring search that a trigram index can answer.
 *
 * @example
 * usesTrigramIndex({ field: 'displayName', operator: 'substring', value: 'tanaka' }); // true
 * usesTrigramIndex({ field: 'displayName', operator: 'substring', value: 'ta' }); // false
 */
export function usesTrigramIndex(search: UserSearch | undefined): boolean {
  if (!search || search.operator !== 'substring') return false;
  let n = 0;
  for (const _ of search.value) if (++n >= trigramMinLength) return true;
  return false;
}

const ftsColumn: Record<UserSortField, string> = { displayName: 'display_name_text', userPrincipalName: 'upn_text' };

/**
 * The FTS5 query for "column contains text": a phrase limited to one column. Inside double quotes
 * every character is literal except `"`, which is doubled.
 *
 * @example
 * ftsContainsQuery({ field: 'displayName', operator: 'substring', value: 'o"b' }); // 'display_name_text : "o""b"'
 */
export function ftsContainsQuery(search: UserSearch): string {
  return `${ftsColumn[search.field]} : "${search.value.replaceAll('"', '""')}"`;
}

/**
 * SQLite: the index rows (of any customer) whose key contains the text, up to one past the cap.
 * Only rowids: asked here for the customer and user too, FTS5 read those stored columns for
 * every row holding a trigram of the text before checking the phrase ("99999" at 1 M users:
 * ~2.6 ms against ~0.75 ms for both steps), and past the cap they are not needed at all.
 */
export const searchMatchRowidsSql = `SELECT rowid FROM user_search WHERE user_search MATCH ? LIMIT ${maxSearchCandidates + 1}`;

/** SQLite: of the index rows listed (a JSON array of rowids), the ids of the customer's users. */
export const searchCandidatesSql = 'SELECT search_user FROM json_each(?) CROSS JOIN user_search ON user_search.rowid = json_each.value WHERE search_customer = ?';

/**
 * A LIKE pattern for "contains the text", with `\`, `%` and `_` escaped so that they match
 * themselves (PostgreSQL's default LIKE escape character is the backslash).
 *
 * @example
 * likeContainsPattern('100%_a\\b'); // '%100\\%\\_a\\\\b%'
 */
export function likeContainsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
