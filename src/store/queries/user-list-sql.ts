/**
 * Builds the keyset query for a page of users, for both dialects. The ORDER BY always matches an
 * index `(customer_id, state, <sort key>, id)`, so any page costs the same as the first one.
 */
import type { KeysetPosition } from '../../domain/continuation-token.js';
import { lookup } from '../../domain/lookup.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { maxScannedUsers } from '../../schemas/customer-user.js';
import { userPagePieceSize, type UserPageJson } from '../store.js';
import { limitClause } from './limit-clause.js';
import { nameWordsMatchSql } from './name-words.js';
import { trigramRepeatsWanted } from './trigram-repeats.js';
import { displayNameContainsPlan, likeContainsPattern, maxCodePoint, trigramIndexText, upnParts, usesTrigramIndex, type ContainsPlan } from './substring-search.js';

export interface SqlText {
  text: string;
  params: unknown[];
}


const keyColumn: Readonly<Record<string, string>> = { displayName: 'display_name_key', userPrincipalName: 'upn_key' };
const stateLiteral: Readonly<Record<string, string>> = { active: 'active', inactive: 'inactive' };

/** A name written into the SQL text: only a table's own entries, never a prototype member. */
function sqlName(table: Readonly<Record<string, string>>, key: string, what: string): string {
  const name = lookup(table, key);
  if (name === undefined) throw new Error(`unknown ${what} ${String(key)}`);
  return name;
}

interface UserRange {
  /** The FROM clause: `users`, or the candidate list joined to it. */
  from: string;
  where: string;
  params: unknown[];
  order: string;
  key: string;
  dir: 'ASC' | 'DESC';
}

/**
 * The WHERE clause and ORDER BY of a keyset range: it starts at `after` in index order.
 * `candidates` (SQLite): a JSON array of the only user ids that can match the search, taken from
 * the trigram index and the index of UPN domains, so the range looks these users up instead of
 * walking the sort order.
 */
function userRange(dialect: 'sqlite' | 'postgres', query: UserListQuery, customerId: string, after?: KeysetPosition, candidates?: string, plan?: ContainsPlan): UserRange {
  const key = sqlName(keyColumn, query.sortField, 'sort field');
  // The state is written into the SQL, not bound: SQLite marks a parameter compared with a column
  // that a partial index's WHERE mentions (users_active_upn: state = 'active') and re-prepares the
  // statement on every new binding of it, which cost a page more than reading it.
  const state = sqlName(stateLiteral, query.state, 'user state');
  // The search's own conditions, apart from the range's: a bounded scan checks them outside its window.
  const checks: string[] = [];
  const checkParams: unknown[] = [];
  const search = query.search;
  if (search) {
    const col = sqlName(keyColumn, search.field, 'search field');
    if (search.operator === 'equals') {
      checks.push(`${col} = ?`);
      checkParams.push(search.value);
    } else if (search.operator === 'starts_with') {
      checks.push(`${col} >= ?`, `${col} < ?`);
      checkParams.push(search.value, search.value + maxCodePoint);
    } else if (dialect === 'postgres' && usesTrigramIndex(search)) {
      // LIKE '%…%' is what pg_trgm's GIN index answers; the planner weighs it against walking
      // the sort index, and the match is rechecked on the row. The UPN's index holds its part up
      // to the `@` (see planUpnContains), and the index may be asked for less than the text (see
      // trigramIndexText): the whole value is then checked on the key.
      const contains = plan ?? (search.field === 'displayName' ? displayNameContainsPlan(search.value) : undefined);
      if (contains === undefined) throw new Error('a contains search on the UPN needs its plan');
      let indexAskedForLess = false;
      if (contains.kind === 'index') {
        // Either index may list a match: the planner reads both into one bitmap (BitmapOr).
        const either: string[] = [];
        if (contains.text !== undefined) {
          const indexText = trigramIndexText(contains.text);
          indexAskedForLess = indexText !== contains.text;
          const indexed = `${search.field === 'userPrincipalName' ? upnParts.postgres.indexed : col} LIKE ?`;
          checkParams.push(likeContainsPattern(indexText));
          // A text that repeats a trigram: only keys that repeat it as often (see trigram-repeats.ts).
          const repeats = trigramRepeatsWanted(search.field === 'userPrincipalName' ? 'u' : 'd', indexText);
          if (repeats) checkParams.push(repeats);
          either.push(repeats ? `(${indexed} AND trigram_repeats @> ?)` : indexed);
        }
        if (contains.domains.length > 0) {
          either.push(`${upnParts.postgres.domain} = ANY(?)`);
          checkParams.push(contains.domains);
        }
        checks.push(either.length === 1 ? either[0] : `(${either.join(' OR ')})`);
      }
      if (contains.kind === 'none') checks.push('false');
      else if (contains.kind === 'walk' || search.field === 'userPrincipalName' || indexAskedForLess) {
        checks.push(`strpos(${col}, ?) > 0`);
        checkParams.push(search.value);
      }
    } else {
      // Shorter than a trigram (or SQLite, where this rechecks the candidates): a plain scan.
      checks.push(dialect === 'sqlite' ? `instr(${col}, ?) > 0` : `strpos(${col}, ?) > 0`);
      checkParams.push(search.value);
    }
  }
  const where = ['customer_id = ?', `state = '${state}'`];
  const params: unknown[] = [customerId];
  const bounded = candidates === undefined && isBoundedScan(query);
  if (!bounded) {
    where.push(...checks);
    params.push(...checkParams);
  }
  if (candidates !== undefined) {
    // Joined from the candidate list (CROSS JOIN keeps that order), so each candidate is one
    // primary-key look-up; as `id IN (…)` SQLite walked the sort index and probed the list.
    where.push('id = candidate_id');
    params.unshift(candidates); // its placeholder is in the FROM clause, before the WHERE
  }
  const cmp = query.direction === 'asc' ? '>' : '<';
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  if (after) {
    where.push(`(${key}, id) ${cmp} (?, ?)`);
    params.push(after.key, after.id);
  }
  const order = `${key} ${dir}, id ${dir}`;
  if (bounded) {
    // The range is the next maxScannedUsers users in sort order, read lazily (a page that fills
    // early stops early), and the search is checked on those only. The window carries only the
    // columns the page reads, so that it stays on the covering sort index where it can.
    const searched = sqlName(keyColumn, query.search!.field, 'search field');
    const columns = [key, ...(searched === key ? [] : [searched]), 'id', 'item_json'].join(', ');
    const from = `(SELECT ${columns} FROM users WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${maxScannedUsers}) users`;
    return { from, where: checks.join(' AND '), params: [...params, ...checkParams], order, key, dir };
  }
  const from = candidates === undefined ? 'users' : '(SELECT value AS candidate_id FROM json_each(?)) CROSS JOIN users';
  return { from, where: where.join(' AND '), params, order, key, dir };
}

/** What each row of {@link userPageSql} carries, by its first column. */
export const userPagePart = { items: 0, boundary: 1, owned: 2 } as const;

/**
 * One statement (so one snapshot) that reads a whole page of users as a single value, for both
 * dialects. Rows, told apart by their first column `part`:
 * - `items`: the page's stored item JSON joined with commas (SQLite: as a BLOB, so the bytes go
 *   to the socket without a round trip through a JS string; PostgreSQL: in numbered pieces, see
 *   {@link userPagePieceSize}), and `n`, how many;
 * - `boundary`: the page's last user (`k`, `id`) and, when more users follow, the next one;
 * - `owned`: present only when the customer belongs to the partner, so no separate look-up is
 *   needed before the page.
 * Joining in the database spares creating 100 row objects per page in JavaScript.
 * `candidates` (SQLite only): see {@link userRange}. `plan` (PostgreSQL): how a contains search is
 * answered ({@link ContainsPlan}); needed for the UPN.
 *
 * @example
 * userPageSql('sqlite', { state: 'active', sortField: 'displayName', direction: 'asc' }, partnerId, customerId, 100);
 */
export function userPageSql(dialect: 'sqlite' | 'postgres', query: UserListQuery, partnerId: string, customerId: string, size: number, after?: KeysetPosition, candidates?: string, plan?: ContainsPlan): SqlText {
  if (!Number.isInteger(size) || size < 1 || size > 500) throw new Error(`page size ${size} is not 1 to 500`);
  const range = userRange(dialect, query, customerId, after, candidates, plan);
  if (candidates !== undefined) return candidatePageSql(range, partnerId, customerId, size);
  // Only when the text is searched in the sort key: then a walk of the sort index can check it
  // on the index entry. (Where matches are dense, reading the page's rows by id costs ~0.5 ms more
  // than reading them during the walk, which a walk that must read each row anyway keeps.)
  if (dialect === 'postgres' && usesTrigramIndex(query.search) && query.search?.field === query.sortField) return postgresContainsPageSql(range, partnerId, customerId, size);
  if (dialect === 'postgres' && searchesOtherField(query)) return postgresReadOncePageSql(range, partnerId, customerId, size, 'bound');
  return keysetPageSql(dialect, range, partnerId, customerId, size, dialect === 'sqlite');
}

/**
 * Whether a page is the same walk of its sort index whatever its parameters: no search; a prefix
 * or exact search on the sort key itself (a range of that index); or a contains search no index
 * answers (shorter than a trigram, or a UPN text in its domain part, `plan` of kind `walk`) on
 * the other field, checked with `strpos` on each row walked, whose selectivity the planner
 * cannot estimate from the text anyway. Other contains searches are planned for their text.
 *
 * @example
 * hasParameterFreePlan({ state: 'active', sortField: 'userPrincipalName', direction: 'asc', search: { field: 'userPrincipalName', operator: 'starts_with', value: 'zoe' } }); // true
 */
export function hasParameterFreePlan(query: UserListQuery, plan?: ContainsPlan): boolean {
  const search = query.search;
  if (!search) return true;
  if (search.operator !== 'substring') return search.field === query.sortField;
  return !usesTrigramIndex(search) || (plan?.kind === 'walk' && search.field !== query.sortField);
}

/**
 * PostgreSQL, a page whose plan does not depend on its parameters ({@link hasParameterFreePlan}),
 * with its size written into the SQL: for connections that keep one generic plan per prepared
 * statement (`plan_cache_mode = force_generic_plan`). PostgreSQL otherwise planned such a page
 * again on every execution: its generic estimate of a keyset range (a third of the table, and a
 * tenth of that for a LIMIT it cannot see) looks dearer than each custom plan. With the size in
 * the text a generic plan sees the LIMIT, so it stays the walk of the sort index; with a bound
 * LIMIT, where the planner thinks seeks dear and the table is ordered unlike the index, it became
 * a scan and sort of the whole customer.
 *
 * @example
 * postgresGenericUserPageSql({ state: 'active', sortField: 'displayName', direction: 'asc' }, partnerId, customerId, 100);
 */
export function postgresGenericUserPageSql(query: UserListQuery, partnerId: string, customerId: string, size: number, after?: KeysetPosition, plan?: ContainsPlan): SqlText {
  if (!hasParameterFreePlan(query, plan)) throw new Error('this page is planned for its search');
  if (!Number.isInteger(size) || size < 1 || size > 500) throw new Error(`page size ${size} is not 1 to 500`);
  const range = userRange('postgres', query, customerId, after, undefined, plan);
  if (searchesOtherField(query)) return postgresReadOncePageSql(range, partnerId, customerId, size, 'written');
  return keysetPageSql('postgres', range, partnerId, customerId, size, true);
}

/** Whether the search is on a field the sort index does not hold, so each candidate's row is read to check it. */
const searchesOtherField = (query: UserListQuery): boolean => query.search !== undefined && query.search.field !== query.sortField;

/**
 * PostgreSQL, a page of a search on the field the page is not sorted by: every candidate's row is
 * read to check the search anyway, so the page's users and the one after it are read once with
 * their items (a materialized CTE of size + 1 rows), and the page and its boundary both come
 * from those rows. The page and its boundary as two subqueries ran the search twice: a trigram
 * search its index scan (".12345@" in a UPN at 1 M users, sorted by display name: ~1.2 ms each),
 * a walk of the sort index its row reads. `sizeIn: 'bound'`, as in keysetPageSql: one named
 * statement per shape serves every size.
 */
function postgresReadOncePageSql(range: UserRange, partnerId: string, customerId: string, size: number, sizeIn: 'written' | 'bound'): SqlText {
  const bound = sizeIn === 'bound';
  const matched = {
    text: `SELECT ${range.key} AS k, id, item_json FROM ${range.from} WHERE ${range.where} ORDER BY ${range.order} ${bound ? 'LIMIT ?' : limitClause(size + 1)}`,
    params: [...range.params, ...(bound ? [size + 1] : [])],
  };
  return postgresMatchedPageSql(matched, range.dir, partnerId, customerId, size, sizeIn, 'carried');
}

/** The items, boundary and owned rows of a page over `range` (see {@link userPageSql}). */
function keysetPageSql(dialect: 'sqlite' | 'postgres', range: UserRange, partnerId: string, customerId: string, size: number, sizeInText: boolean): SqlText {
  // Both stores' aggregates follow the order of their ordered subquery (SQLite's is a co-routine;
  // see postgresItemPiecesSql; the store tests compare every page with a JavaScript oracle).
  // SQLite re-prepares a statement on every execution when a subquery's LIMIT is a bound
  // parameter (seen with perf: most of a page's time went to parsing), so there the size is
  // written into the SQL; PostgreSQL keeps one prepared statement per shape with the size bound,
  // unless its plan is generic (see postgresGenericUserPageSql).
  const limit = sizeInText ? limitClause(size) : 'LIMIT ?';
  const items =
    dialect === 'sqlite'
      ? `SELECT ${userPagePart.items} AS part, CAST(group_concat(item_json, ',') AS BLOB) AS items, count(*) AS n, NULL AS k, NULL AS id FROM (SELECT item_json FROM ${range.from} WHERE ${range.where} ORDER BY ${range.order} ${limit})`
      : postgresItemPiecesSql(`SELECT ${range.key} AS k, id, item_json FROM ${range.from} WHERE ${range.where} ORDER BY ${range.order} ${limit}`, range.dir);
  // OFFSET skips inside this page only (at most its size, ≤ 500 index entries), never into the
  // collection: the range itself starts at the keyset position.
  const offsetInText = sizeInText && dialect === 'postgres';
  const boundary = `SELECT ${userPagePart.boundary}, NULL, NULL, k, id FROM (SELECT ${range.key} AS k, id FROM ${range.from} WHERE ${range.where} ORDER BY ${range.order} LIMIT 2 OFFSET ${offsetInText ? size - 1 : '?'}) edge`;
  const owned = `SELECT ${userPagePart.owned}, NULL, NULL, NULL, NULL FROM customers WHERE id = ? AND partner_id = ?`;
  return {
    text: `${items} UNION ALL ${boundary} UNION ALL ${owned}`,
    params: [...range.params, ...(sizeInText ? [] : [size]), ...range.params, ...(offsetInText ? [] : [size - 1]), customerId, partnerId],
  };
}

/**
 * PostgreSQL: the items of a page's rows (`k`, `id`, `item_json`, from `source`, which ends in
 * ORDER BY … LIMIT, in direction `dir`) as rows of at most {@link userPagePieceSize} items each,
 * joined in page order; each row's `id` column numbers its piece from 0 ({@link userPageFromRows}
 * puts them in order). Each user's place is numbered by a window ordered as `source` is (it reads
 * the rows in the order they come, without a sort), and each piece joins its users in that order.
 * Gathering the page into one array and cutting it into slices cost the backend 1.57 ms per
 * 500-user page (0.40–0.57 per 100), as every slice walked the array; this costs 0.66 (0.35–0.51);
 * one row per user cost it 0.52 (0.13), but Node ~80 µs more per 100 users to take the rows in.
 */
function postgresItemPiecesSql(source: string, dir: 'ASC' | 'DESC'): string {
  return (
    `SELECT ${userPagePart.items} AS part, string_agg(item_json, ',' ORDER BY place) AS items, count(*) AS n, NULL AS k, (place / ${userPagePieceSize})::text AS id ` +
    `FROM (SELECT item_json, row_number() OVER (ORDER BY k ${dir}, id ${dir}) - 1 AS place FROM (${source}) page) page GROUP BY place / ${userPagePieceSize}`
  );
}

/**
 * SQLite, a page of a search answered from candidates: the matching users of the page and the
 * one after it are looked up once (a materialized CTE of at most size + 1 rows), and both the
 * items and the boundary are read from those rows, instead of joining every candidate twice.
 */
function candidatePageSql(range: UserRange, partnerId: string, customerId: string, size: number): SqlText {
  const match = `SELECT ${range.key} AS k, id, item_json FROM ${range.from} WHERE ${range.where} ORDER BY ${range.order} ${limitClause(size + 1)}`;
  const order = `k ${range.dir}, id ${range.dir}`;
  return {
    text:
      `WITH matched AS MATERIALIZED (${match}) ` +
      `SELECT ${userPagePart.items} AS part, CAST(group_concat(item_json, ',') AS BLOB) AS items, count(*) AS n, NULL AS k, NULL AS id FROM (SELECT item_json FROM matched ORDER BY ${order} ${limitClause(size)}) ` +
      `UNION ALL SELECT ${userPagePart.boundary}, NULL, NULL, k, id FROM (SELECT k, id FROM matched ORDER BY ${order} LIMIT 2 OFFSET ${size - 1}) ` +
      `UNION ALL SELECT ${userPagePart.owned}, NULL, NULL, NULL, NULL FROM customers WHERE id = ? AND partner_id = ?`,
    params: [...range.params, customerId, partnerId],
  };
}

/**
 * PostgreSQL, a page of a contains search: the matching users' keys and ids are found once (a
 * materialized CTE of size + 1 rows) and only the page's users are then read from the table.
 * When the planner walks the sort index, the match is checked on the index entry (an index-only
 * scan) instead of on each row's heap tuple, and the page and its boundary no longer walk twice:
 * "tanaka" at 1 M users (~28,000 non-matching users before the first match) 40 → 18 ms.
 */
function postgresContainsPageSql(range: UserRange, partnerId: string, customerId: string, size: number): SqlText {
  const matched = { text: `SELECT ${range.key} AS k, id FROM users WHERE ${range.where} ORDER BY ${range.order} ${limitClause(size + 1)}`, params: range.params };
  return postgresMatchedPageSql(matched, range.dir, partnerId, customerId, size);
}

/**
 * PostgreSQL, a page of a contains search answered from the words of display names (see
 * name-words.ts and {@link sqliteNameWordsPageSql}). Its runs are index ranges whatever the words,
 * so its plan does not depend on its parameters: `sizeIn: 'written'` writes the page size into the
 * SQL for connections that keep one generic plan per statement (see
 * {@link postgresGenericUserPageSql}); planned for each execution it cost "tanaka" ~0.4 ms more.
 *
 * @example
 * postgresNameWordsPageSql(query, partnerId, customerId, 100, ['tanaka']);
 */
export function postgresNameWordsPageSql(query: UserListQuery, partnerId: string, customerId: string, size: number, words: readonly string[], after?: KeysetPosition, sizeIn: 'written' | 'bound' = 'bound'): SqlText {
  if (!Number.isInteger(size) || size < 1 || size > 500) throw new Error(`page size ${size} is not 1 to 500`);
  const matched = nameWordsMatchSql('postgres', query, customerId, words, size + 1, after, sizeIn === 'written');
  return postgresMatchedPageSql(matched, query.direction === 'asc' ? 'ASC' : 'DESC', partnerId, customerId, size, sizeIn);
}

/**
 * PostgreSQL: a page from `matched` (keys `k` and ids of the page's users and the one after it, in
 * page order, and with `items: 'carried'` their `item_json` too); see {@link sqliteMatchedPageSql}.
 */
function postgresMatchedPageSql(matched: SqlText, dir: 'ASC' | 'DESC', partnerId: string, customerId: string, size: number, sizeIn: 'written' | 'bound' = 'written', items: 'carried' | 'looked up' = 'looked up'): SqlText {
  const order = `k ${dir}, id ${dir}`;
  // Bound, the text is the same for every page size: one named statement per shape.
  const bound = sizeIn === 'bound';
  const pageRows = `SELECT k, id${items === 'carried' ? ', item_json' : ''} FROM matched ORDER BY ${order} ${bound ? 'LIMIT ?' : limitClause(size)}`;
  // Each item looked up is a look-up by primary key (a scalar subquery): as a join, where seeks
  // look dear (a small effective_cache_size, a high random_page_cost) the planner would rather
  // hash the whole customer to find 100 users.
  const page = items === 'carried' ? pageRows : `SELECT m.k, m.id, (SELECT u.item_json FROM users u WHERE u.customer_id = ? AND u.id = m.id) AS item_json FROM (${pageRows}) m`;
  return {
    text:
      `WITH matched AS MATERIALIZED (${matched.text}) ` +
      postgresItemPiecesSql(page, dir) +
      ` UNION ALL SELECT ${userPagePart.boundary}, NULL, NULL, k, id FROM (SELECT k, id FROM matched ORDER BY ${order} LIMIT 2 OFFSET ${bound ? '?' : size - 1}) edge ` +
      `UNION ALL SELECT ${userPagePart.owned}, NULL, NULL, NULL, NULL FROM customers WHERE id = ? AND partner_id = ?`,
    params: [...matched.params, ...(items === 'carried' ? [] : [customerId]), ...(bound ? [size, size - 1] : []), customerId, partnerId],
  };
}

/**
 * SQLite, a page of a contains search whose text is too common for the trigram index's candidate
 * list and sparse where the page starts: one walk of the sort order finds the page's users and the
 * one after it (keys and ids only: on the covering sort index when the text is in the sort key),
 * then only the page's users are read by primary key. Reading the items during the walk read every
 * row passed, and the boundary walked the same users again: "tanaka" at 1 M users (~28,000
 * non-matching users before the first match) ~6 → ~3 ms in-process.
 *
 * @example
 * sqliteSparseContainsPageSql({ state: 'active', sortField: 'displayName', direction: 'asc', search }, partnerId, customerId, 100);
 */
export function sqliteSparseContainsPageSql(query: UserListQuery, partnerId: string, customerId: string, size: number, after?: KeysetPosition): SqlText {
  if (!Number.isInteger(size) || size < 1 || size > 500) throw new Error(`page size ${size} is not 1 to 500`);
  const range = userRange('sqlite', query, customerId, after);
  const matched = { text: `SELECT ${range.key} AS k, id FROM users WHERE ${range.where} ORDER BY ${range.order} ${limitClause(size + 1)}`, params: range.params };
  return sqliteMatchedPageSql(matched, range.dir, partnerId, customerId, size);
}

/**
 * SQLite, a page of a contains search answered from the words of display names (see
 * name-words.ts): the users filed under any of `words` (the words that contain the text), each
 * word's run read in page order and merged, then only the page's users read by primary key.
 * "tanaka" at 1 M users, whose first match sorts after ~28,000 users: one run of 101 entries.
 *
 * @example
 * sqliteNameWordsPageSql(query, partnerId, customerId, 100, ['tanaka']);
 */
export function sqliteNameWordsPageSql(query: UserListQuery, partnerId: string, customerId: string, size: number, words: readonly string[], after?: KeysetPosition): SqlText {
  if (!Number.isInteger(size) || size < 1 || size > 500) throw new Error(`page size ${size} is not 1 to 500`);
  return sqliteMatchedPageSql(nameWordsMatchSql('sqlite', query, customerId, words, size + 1, after), query.direction === 'asc' ? 'ASC' : 'DESC', partnerId, customerId, size);
}

/**
 * SQLite: a page from `matched`, a statement of the keys (`k`) and ids of the page's users and
 * the one after it, in page order: they are found once (a materialized CTE), the items read by
 * primary key, and the boundary taken from the same rows.
 */
function sqliteMatchedPageSql(matched: SqlText, dir: 'ASC' | 'DESC', partnerId: string, customerId: string, size: number): SqlText {
  const order = `k ${dir}, id ${dir}`;
  return {
    text:
      `WITH matched AS MATERIALIZED (${matched.text}) ` +
      `SELECT ${userPagePart.items} AS part, CAST(group_concat(item_json, ',') AS BLOB) AS items, count(*) AS n, NULL AS k, NULL AS id FROM ` +
      `(SELECT u.item_json FROM (SELECT k, id FROM matched ORDER BY ${order} ${limitClause(size)}) m CROSS JOIN users u ON u.customer_id = ? AND u.id = m.id ORDER BY m.k ${dir}, m.id ${dir}) ` +
      `UNION ALL SELECT ${userPagePart.boundary}, NULL, NULL, k, id FROM (SELECT k, id FROM matched ORDER BY ${order} LIMIT 2 OFFSET ${size - 1}) ` +
      `UNION ALL SELECT ${userPagePart.owned}, NULL, NULL, NULL, NULL FROM customers WHERE id = ? AND partner_id = ?`,
    params: [...matched.params, customerId, customerId, partnerId],
  };
}

/** How many users in sort order {@link denseSearchProbeSql} looks at, per user of the page. */
export const denseProbeFactor = 4;

/**
 * SQLite, before a contains search asks the trigram index: how many of the next
 * `denseProbeFactor × size` users in sort order match. When more than a page do, matches are so
 * dense here that walking the sort order fills the page sooner than the index could list them
 * (a text in every user's UPN, such as the domain, would have it hand over every user).
 * When the search is on the other field, the sort index does not hold it, and probing there read
 * a table row per user (~170 µs at 1 M users); the probe then samples the searched field's own
 * index from its start instead: a density that is not local to the page, so a text found sparse
 * there and common in the index walks after one look at the index (which then remembers it).
 *
 * @example
 * const sql = denseSearchProbeSql(query, customerId, 100, after); // count ≥ 101: walk
 */
export function denseSearchProbeSql(query: UserListQuery, customerId: string, size: number, after?: KeysetPosition): SqlText {
  const search = query.search;
  if (!search) throw new Error('a probe needs a search');
  const inSortKey = search.field === query.sortField;
  const range = userRange('sqlite', { ...query, search: undefined, sortField: search.field }, customerId, inSortKey ? after : undefined);
  return {
    // It stops at the (size + 1)th match: where every user matches, that is after size + 1 users.
    text: `SELECT count(*) FROM (SELECT 1 FROM (SELECT ${sqlName(keyColumn, search.field, 'search field')} AS s FROM users WHERE ${range.where} ORDER BY ${range.order} ${limitClause(denseProbeFactor * size)}) WHERE instr(s, ?) > 0 ${limitClause(size + 1)})`,
    params: [...range.params, search.value],
  };
}

/**
 * Whether a page of this query is a bounded scan ({@link maxScannedUsers}): a contains search
 * shorter than a trigram.
 *
 * @example
 * isBoundedScan({ state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: 'qx' } }); // true
 */
export function isBoundedScan(query: UserListQuery): boolean {
  return query.search?.operator === 'substring' && !usesTrigramIndex(query.search);
}

/**
 * The last user a bounded scan may read from `after` on: the {@link maxScannedUsers}th in sort
 * order, whatever the search (none when fewer follow). Asked only when a page did not fill, so
 * that it reached its bound or the end; a walk of the sort index that checks nothing.
 *
 * @example
 * const end = db.prepare(scanWindowEndSql('sqlite', query, customerId, after).text).raw().get(...params); // [key, id] or undefined
 */
export function scanWindowEndSql(dialect: 'sqlite' | 'postgres', query: UserListQuery, customerId: string, after?: KeysetPosition): SqlText {
  const range = userRange(dialect, { ...query, search: undefined }, customerId, after);
  return { text: `SELECT ${range.key} AS k, id FROM users WHERE ${range.where} ORDER BY ${range.order} LIMIT 1 OFFSET ${maxScannedUsers - 1}`, params: range.params };
}

/**
 * A bounded scan's page that did not fill, continued after its window's last user (`last`, the
 * row of {@link scanWindowEndSql}; none when the customer's users ended inside the window), since
 * users past the bound were not read.
 *
 * @example
 * return page && !page.next ? endOfScanWindow(page, statement.raw(true).get(...params)) : page;
 */
export function endOfScanWindow(page: UserPageJson, last: [string, string] | undefined): UserPageJson {
  return last ? { ...page, next: { key: last[0], id: last[1] } } : page;
}

/** A row of {@link userPageSql}: part, items, n, k, id. */
export type UserPageRow = [number, Buffer | string | null, number | string | null, string | null, string | null];

/**
 * Turns the rows of {@link userPageSql} into a page; undefined when the customer is not the
 * partner's.
 *
 * @example
 * const page = userPageFromRows(statement.raw(true).all(...sql.params), 100);
 */
export function userPageFromRows(rows: UserPageRow[], size: number): UserPageJson | undefined {
  let owned = false;
  let bytes: Buffer | undefined;
  const pieces: string[] = [];
  let count = 0;
  const edge: KeysetPosition[] = [];
  for (const [part, items, n, k, id] of rows) {
    if (part === userPagePart.owned) owned = true;
    else if (part === userPagePart.items) {
      count += Number(n);
      if (Buffer.isBuffer(items)) bytes = items;
      else if (items !== null) pieces[Number(id)] = items;
    } else edge.push({ key: String(k), id: String(id) });
  }
  if (!owned) return undefined;
  // The boundary rows are the page's last user and the one after it; a second one means more.
  return { itemsJson: bytes ?? pieces, count, next: count === size && edge.length === 2 ? edge[0] : undefined };
}

/** Numbers `?` placeholders as `$1, $2, …` for PostgreSQL. */
export function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
