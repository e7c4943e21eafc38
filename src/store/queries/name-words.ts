/**
 * SQLite: an index of the words of each user's display name, ordered by the display-name sort
 * key, so that a contains search for a common word ("tanaka") reads its matches in page order
 * instead of walking every user before the first one.
 *
 * A word is a longest run of the lower-cased key that holds no separator: the space and the
 * ASCII digits ({@link nameWordSeparators}). A text with no separator in it lies inside one word
 * wherever it occurs, so "the key contains the text" is exactly "one of the key's words contains
 * it": the users of a customer that match are those filed under the words containing the text.
 * Those words come from `name_words`, every word ever indexed (of any customer), through its own
 * trigram index; a word whose users are all gone stays there and lists nobody.
 *
 * Tables (see the migration): `user_name_words (customer_id, word, state, display_name_key, id)`,
 * a row per distinct word of a user, kept by triggers on `users`; `name_words (word)` and its
 * FTS5 trigram index `name_word_search`, filled by a trigger on `user_name_words`.
 */
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { limitClause } from './limit-clause.js';
import { trigramMinLength } from './substring-search.js';

/** The characters that end a word of a display-name key. */
export const nameWordSeparators = ' 0123456789';
const separatorRuns = /[ 0-9]+/;

/**
 * At most this many words containing a text are read as sorted runs and merged (each run at most
 * a page and one long); a text found in more words is answered as before (a walk or the trigram
 * index of users).
 */
export const maxNameWords = 32;

/**
 * Whether a search can be answered from the words of display names: a contains search on the
 * display name, in display-name order, whose text is a trigram or longer and holds no separator.
 *
 * @example
 * answeredByNameWords({ state: 'active', sortField: 'displayName', direction: 'asc', search: { field: 'displayName', operator: 'substring', value: 'tanaka' } }); // true
 * answeredByNameWords({ ..., search: { ..., value: 'ada t' } }); // false: spans two words
 */
export function answeredByNameWords(query: UserListQuery): boolean {
  const search = query.search;
  if (!search || search.operator !== 'substring' || search.field !== 'displayName' || query.sortField !== 'displayName') return false;
  let length = 0;
  for (const ch of search.value) {
    if (nameWordSeparators.includes(ch)) return false;
    length++;
  }
  return length >= trigramMinLength;
}

/**
 * The words of a key, as JavaScript computes them: what the SQL below files a user under. Used by
 * tests as the oracle of the triggers and the bulk fill.
 *
 * @example
 * nameWordsOf('ada  tanaka2b 12'); // ['ada', 'tanaka', 'b']
 */
export function nameWordsOf(key: string): string[] {
  const words = key.split(separatorRuns);
  const kept: string[] = [];
  for (const word of words) if (word !== '' && !kept.includes(word)) kept.push(word);
  return kept;
}


/** A key expression with every separator turned into a space. */
function spaced(key: string): string {
  let sql = key;
  for (const digit of nameWordSeparators.slice(1)) sql = `replace(${sql}, '${digit}', ' ')`;
  return sql;
}

/**
 * A subquery of the words (column `word`, each once, none empty) of one key expression, such as
 * `new.display_name_key` in a trigger: a recursive split at each space.
 */
export function nameWordsSql(key: string): string {
  return (
    `SELECT DISTINCT word FROM (WITH RECURSIVE split(rest, word) AS (SELECT ${spaced(key)} || ' ', '' ` +
    `UNION ALL SELECT substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> '') ` +
    `SELECT word FROM split) WHERE word <> ''`
  );
}

/**
 * Fills `user_name_words` from the users `WHERE condition` selects (its `?` bound by the caller),
 * in one statement: a bulk load's users after the load (the row trigger is dropped for it), and
 * the migration's existing users.
 */
export function fillNameWordsSql(condition: string): string {
  return (
    'INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id) ' +
    `SELECT customer_id, word, state, k, id FROM (WITH RECURSIVE split(customer_id, state, k, id, rest, word) AS (` +
    `SELECT customer_id, state, display_name_key, id, ${spaced('display_name_key')} || ' ', '' FROM users WHERE ${condition} ` +
    `UNION ALL SELECT customer_id, state, k, id, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> '') ` +
    `SELECT * FROM split) WHERE word <> ''`
  );
}

/** The name of the trigger that files each inserted user; a bulk load drops it and files its users itself. */
export const nameWordsInsertTrigger = 'users_name_words_insert';

/** The name of the trigger that adds each filed word to the vocabulary; a bulk load adds its words once each. */
export const nameWordsVocabularyTrigger = 'user_name_words_insert';

/** The schema: tables, the vocabulary's trigram index and the triggers that keep them. */
export const nameWordsSchemaSql = `
  CREATE TABLE user_name_words (
    customer_id TEXT NOT NULL, word TEXT NOT NULL, state TEXT NOT NULL, display_name_key TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (customer_id, word, state, display_name_key, id)
  ) WITHOUT ROWID;
  CREATE TABLE name_words (word TEXT NOT NULL UNIQUE);
  CREATE VIRTUAL TABLE name_word_search USING fts5(word, content='name_words', content_rowid='rowid', tokenize='trigram case_sensitive 1');
  CREATE TRIGGER name_words_insert AFTER INSERT ON name_words BEGIN
    INSERT INTO name_word_search (rowid, word) VALUES (new.rowid, new.word);
  END;
  CREATE TRIGGER ${nameWordsVocabularyTrigger} AFTER INSERT ON user_name_words BEGIN
    INSERT OR IGNORE INTO name_words (word) VALUES (new.word);
  END;
  CREATE TRIGGER ${nameWordsInsertTrigger} AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT new.customer_id, word, new.state, new.display_name_key, new.id FROM (${nameWordsSql('new.display_name_key')});
  END;
  CREATE TRIGGER users_name_words_change AFTER UPDATE OF display_name_key, state ON users
    WHEN old.display_name_key IS NOT new.display_name_key OR old.state IS NOT new.state BEGIN
    DELETE FROM user_name_words WHERE customer_id = old.customer_id AND word IN (${nameWordsSql('old.display_name_key')})
      AND state = old.state AND display_name_key = old.display_name_key AND id = old.id;
    INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT new.customer_id, word, new.state, new.display_name_key, new.id FROM (${nameWordsSql('new.display_name_key')});
  END;
  CREATE TRIGGER users_name_words_delete AFTER DELETE ON users BEGIN
    DELETE FROM user_name_words WHERE customer_id = old.customer_id AND word IN (${nameWordsSql('old.display_name_key')})
      AND state = old.state AND display_name_key = old.display_name_key AND id = old.id;
  END;
`;

/**
 * The words (of any customer) that contain a text, up to one past {@link maxNameWords}: the
 * vocabulary's trigram index lists candidates, `instr` keeps those that hold the text. Its
 * parameters: the FTS5 query ({@link nameWordsMatchQuery}) and the text.
 */
export const nameWordsContainingSql = `SELECT word FROM name_words WHERE rowid IN (SELECT rowid FROM name_word_search WHERE name_word_search MATCH ?) AND instr(word, ?) > 0 LIMIT ${maxNameWords + 1}`;

/**
 * The FTS5 query for "word contains text": a phrase, in which every character is literal except
 * `"`, which is doubled.
 *
 * @example
 * nameWordsMatchQuery('o"b'); // '"o""b"'
 */
export const nameWordsMatchQuery = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * The keys and ids of the first `limit` users in page order, after `after`, filed under any of
 * `words` (each user once): one sorted run of the words index per word, merged. No words: no rows.
 */
export function nameWordsMatchSql(query: UserListQuery, customerId: string, words: readonly string[], limit: number, after?: KeysetPosition): { text: string; params: unknown[] } {
  if (query.state !== 'active' && query.state !== 'inactive') throw new Error(`unknown user state ${String(query.state)}`);
  if (words.length > maxNameWords) throw new Error(`more than ${maxNameWords} words`);
  if (words.length === 0) return { text: 'SELECT NULL AS k, NULL AS id WHERE 0', params: [] };
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  const cmp = query.direction === 'asc' ? '>' : '<';
  const params: unknown[] = [];
  const runs = words.map((word) => {
    params.push(customerId, word);
    if (after) params.push(after.key, after.id);
    // The state is written in, as in every users page statement (see userRange).
    return (
      `SELECT * FROM (SELECT display_name_key AS k, id FROM user_name_words WHERE customer_id = ? AND word = ? AND state = '${query.state}'` +
      `${after ? ` AND (display_name_key, id) ${cmp} (?, ?)` : ''} ORDER BY display_name_key ${dir}, id ${dir} ${limitClause(limit)})`
    );
  });
  const text = runs.length === 1 ? runs[0] : `SELECT k, id FROM (${runs.join(' UNION ')}) ORDER BY k ${dir}, id ${dir} ${limitClause(limit)}`;
  return { text, params };
}
