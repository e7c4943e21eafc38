/**
 * How both stores answer a `substring` (contains) search from a trigram index: SQLite's FTS5
 * `trigram` tokenizer and PostgreSQL's `pg_trgm`. Both index the lower-cased key columns, so a
 * match is exactly "the key contains the lower-cased text", the same as a scan with `instr`.
 */
import type { UserSearch, UserSortField } from '../../domain/user-list-query.js';

/**
 * A trigram index can only answer text of at least three characters (code points); shorter text
 * is matched by scanning the customer's users in the requested order, at most maxScannedUsers a page.
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
 * An FTS5 phrase of the text: inside double quotes every character is literal except `"`, which
 * is doubled. With the trigram tokenizer it matches where the text occurs.
 *
 * @example
 * ftsPhrase('o"b'); // '"o""b"'
 */
export const ftsPhrase = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * The FTS5 query for "column contains text": a phrase limited to one column.
 *
 * @example
 * ftsContainsQuery('displayName', 'o"b'); // 'display_name_text : "o""b"'
 */
export function ftsContainsQuery(field: UserSortField, text: string): string {
  return `${ftsColumn[field]} : ${ftsPhrase(text)}`;
}

/** The largest code point: `prefix || maxCodePoint` bounds a prefix range in binary (C collation) order. */
export const maxCodePoint = '\u{10FFFF}';

/**
 * A UPN key split at its first `@`: the part the trigram index holds (up to and including the
 * `@`; empty when there is none) and the rest, its domain (the whole key when there is no `@`).
 * The two always join to the key. Every user of a customer shares one or a few domains, whose
 * ~30 trigrams were over half of the index and found nobody; the domains are read from their own
 * index instead ({@link upnDomainsSql}).
 */
export const upnParts = {
  sqlite: { indexed: "substr(upn_key, 1, instr(upn_key, '@'))", domain: "substr(upn_key, instr(upn_key, '@') + 1)" },
  postgres: { indexed: "substr(upn_key, 1, strpos(upn_key, '@'))", domain: "substr(upn_key, strpos(upn_key, '@') + 1)" },
} as const;

/** At most this many distinct UPN domains of a customer are read; with more, a search walks. */
export const maxKnownDomains = 64;

/**
 * The distinct UPN domains of a customer's users, in order, one index seek each (a loose scan of
 * the `(customer_id, domain)` index), up to one past {@link maxKnownDomains}. Its parameter is the
 * customer id: PostgreSQL's one `$1`, SQLite's two `?` (both the same id).
 */
export function upnDomainsSql(dialect: 'sqlite' | 'postgres'): string {
  const domain = upnParts[dialect].domain;
  const customer = dialect === 'sqlite' ? '?' : '$1';
  return (
    `WITH RECURSIVE d(v) AS (SELECT (SELECT min(${domain}) FROM users WHERE customer_id = ${customer}) ` +
    `UNION ALL SELECT (SELECT min(${domain}) FROM users WHERE customer_id = ${customer} AND ${domain} > d.v) FROM d WHERE d.v IS NOT NULL) ` +
    `SELECT v FROM d WHERE v IS NOT NULL LIMIT ${maxKnownDomains + 1}`
  );
}

/**
 * How a contains search is answered:
 * - `index`: the candidates are the users whose indexed text (the display name; the UPN up to its
 *   `@`) contains `text`, when there is one, and the users of `domains` (UPN domains, read from
 *   their own index); each candidate is checked for the whole search value;
 * - `walk`: no index narrows the matches (the text lies in every domain of the customer, or the
 *   domains are not all known), so the sort order is walked and each user checked;
 * - `none`: no user can match.
 */
export type ContainsPlan = { kind: 'index'; text: string | undefined; domains: readonly string[] } | { kind: 'walk' } | { kind: 'none' };

/**
 * Plans a contains search on the UPN from the customer's UPN domains, as {@link upnDomainsSql}
 * reads them (more than {@link maxKnownDomains}, or undefined: not all known). A key is `local@`
 * + domain with one `@`, so an occurrence of the text lies in `local@`, or in the domain, or
 * across the `@`: then the text's first `@` is the key's, the text up to it ends `local@` and the
 * rest begins the domain. A text in some of the domains takes their users as candidates, which
 * the domain index lists; a text in all of them matches every user, and the sort order is walked.
 *
 * @example
 * planUpnContains('.12345@', ['contoso.com']); // { kind: 'index', text: '.12345@', domains: [] }
 * planUpnContains('contoso', ['contoso.com']); // { kind: 'walk' }
 * planUpnContains('fabrikam', ['contoso.com', 'fabrikam.com']); // { kind: 'index', text: 'fabrikam', domains: ['fabrikam.com'] }
 * planUpnContains('@fabrikam', ['contoso.com']); // { kind: 'none' }
 */
export function planUpnContains(value: string, domains: readonly string[] | undefined): ContainsPlan {
  if (domains === undefined || domains.length > maxKnownDomains) return { kind: 'walk' };
  const at = value.indexOf('@');
  if (at < 0) {
    const holding = domains.filter((d) => d.includes(value));
    return holding.length > 0 && holding.length === domains.length ? { kind: 'walk' } : { kind: 'index', text: value, domains: holding };
  }
  const rest = value.slice(at + 1);
  const beginning = domains.filter((d) => d.startsWith(rest));
  if (beginning.length === 0) return { kind: 'none' };
  const byLocalPart = upnContainsPlanWithoutDomains(value);
  if (byLocalPart) return byLocalPart;
  return beginning.length === domains.length ? { kind: 'walk' } : { kind: 'index', text: undefined, domains: beginning };
}

/**
 * The plan of a contains search on the UPN that {@link planUpnContains} reaches without the
 * customer's domains: a text with an `@` and enough before it for the trigram index. Its
 * candidates are the users whose `local@` holds that part, whatever the domains, and each is
 * checked for the whole text; the domains would only tell at once that none can match. Saves
 * reading them (a round trip on PostgreSQL) for searches such as "ada.b@" or "ada.b@fabri".
 *
 * @example
 * upnContainsPlanWithoutDomains('.12345@'); // { kind: 'index', text: '.12345@', domains: [] }
 * upnContainsPlanWithoutDomains('tanaka'); // undefined: the text may lie in a domain
 */
export function upnContainsPlanWithoutDomains(value: string): ContainsPlan | undefined {
  const at = value.indexOf('@');
  if (at < 0) return undefined;
  const before = value.slice(0, at + 1);
  return usesTrigramIndex({ field: 'userPrincipalName', operator: 'substring', value: before }) ? { kind: 'index', text: before, domains: [] } : undefined;
}

/** The plan of a contains search on the display name: its index holds the whole key. */
export const displayNameContainsPlan = (value: string): ContainsPlan => ({ kind: 'index', text: value, domains: [] });

/**
 * SQLite: the index rows (of any customer) whose key contains the text, up to a limit (one past
 * the cap of {@link maxSearchCandidates}, or one past a page). Only rowids: asked here for the
 * customer and user too, FTS5 read those stored columns for every row holding a trigram of the
 * text before checking the phrase ("99999" at 1 M users: ~2.6 ms against ~0.75 ms for both
 * steps), and past the cap they are not needed at all.
 */
export const searchMatchRowidsSql = 'SELECT rowid FROM user_search WHERE user_search MATCH ? LIMIT ?';

/** SQLite: of the index rows listed (a JSON array of rowids), the ids of the customer's users. */
export const searchCandidatesSql = 'SELECT search_user FROM json_each(?) CROSS JOIN user_search ON user_search.rowid = json_each.value WHERE search_customer = ?';

/**
 * SQLite: the ids of the customer's users (any state) whose UPN domain is one of a JSON array of
 * domains, up to one past the cap; a range of the `(customer_id, domain)` index per domain.
 */
export const domainUsersSql = `SELECT id FROM users WHERE customer_id = ? AND ${upnParts.sqlite.domain} IN (SELECT value FROM json_each(?)) LIMIT ${maxSearchCandidates + 1}`;

/** Characters pg_trgm does not make trigrams of (it splits words at them), at either end of a text. */
const nonWordEnds = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/**
 * PostgreSQL: the text whose trigrams a contains search asks the GIN index for. pg_trgm pads a word
 * that the pattern shows starting or ending (next to a character such as `.` or `@`, not a
 * wildcard) with blanks, and those padded trigrams (`"  1"`, `" 12"`) are among the commonest in
 * the index: for ".12345@" at 1 M users the index read 90 pages in 1.8 ms, for "12345" 40 pages in
 * 0.6 ms, and found the one match among 20 candidates. So the text goes to the index without the
 * non-word characters at its ends, as long as a trigram's worth is left; the whole text is always
 * checked on the row as well.
 *
 * @example
 * trigramIndexText('.12345@'); // '12345'
 * trigramIndexText('ada.b'); // 'ada.b'
 * trigramIndexText('.ab@'); // '.ab@' (two characters would give the index nothing to look up)
 */
export function trigramIndexText(text: string): string {
  const core = text.replace(nonWordEnds, '');
  return [...core].length >= trigramMinLength ? core : text;
}

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
