/**
 * Both stores: an index of the words of each user's display name, ordered by the display-name sort
 * key, so that a contains search for a common word ("tanaka") reads its matches in page order
 * instead of walking every user before the first one.
 *
 * A word is a longest run of the lower-cased key that holds no separator: the space and the
 * ASCII digits ({@link nameWordSeparators}). A text with no separator in it lies inside one word
 * wherever it occurs, so "the key contains the text" is exactly "one of the key's words contains
 * it". The words that contain the text come from `name_words`, every word of every user ever
 * indexed (of any customer), through its own trigram index; a word whose users are all gone stays
 * there and lists nobody. For each such word, its users are read in page order from two places:
 * - the users whose key begins with it (the leading word, or longer: all of them contain the
 *   text), a range of the sort index itself;
 * - the users that have it after their leading word, from `user_name_words (customer_id, word,
 *   state, display_name_key, id)`, which files each user under its other distinct words only, so
 *   a "First Last" name costs one row.
 * Triggers on `users` keep both tables. The vocabulary's trigram index: SQLite's FTS5 table
 * `name_word_search`, PostgreSQL's pg_trgm GIN index `name_words_trgm`.
 */
import type { KeysetPosition } from '../../domain/continuation-token.js';
import type { UserListQuery } from '../../domain/user-list-query.js';
import { limitClause } from './limit-clause.js';
import { maxCodePoint, trigramMinLength } from './substring-search.js';
import { ofPartner } from './of-partner.js';

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
 * The words of a key, each once, as JavaScript computes them (the SQL below must agree; tests
 * compare the two).
 *
 * @example
 * nameWordsOf('ada  tanaka2b 12'); // ['ada', 'tanaka', 'b']
 */
export function nameWordsOf(key: string): string[] {
  const kept: string[] = [];
  for (const word of key.split(separatorRuns)) if (word !== '' && !kept.includes(word)) kept.push(word);
  return kept;
}

/**
 * The words a user is filed under in `user_name_words`: its words but the leading one (the key's
 * beginning up to the first separator), whose users the sort index finds by prefix.
 *
 * @example
 * filedNameWordsOf('ada tanaka ada 7'); // ['tanaka']
 * filedNameWordsOf(' 7 ada tanaka'); // ['ada', 'tanaka']: no leading word
 */
export function filedNameWordsOf(key: string): string[] {
  return splitNameWords(key).filed;
}

/**
 * A key's words from one split: its leading word ('' when the key begins with a separator) and
 * the words it is filed under ({@link filedNameWordsOf}); together, {@link nameWordsOf}. Bulk loads
 * take both from here: three splits per user were ~1.5 s of a 1 M-user load.
 *
 * @example
 * splitNameWords('ada tanaka ada 7'); // { leading: 'ada', filed: ['tanaka'] }
 */
export function splitNameWords(key: string): { leading: string; filed: string[] } {
  const pieces = key.split(separatorRuns);
  const leading = pieces[0];
  const filed: string[] = [];
  for (let i = 1; i < pieces.length; i++) {
    const word = pieces[i];
    if (word !== '' && word !== leading && !filed.includes(word)) filed.push(word);
  }
  return { leading, filed };
}

/** A key expression with every separator turned into a space. */
function spaced(key: string): string {
  let sql = key;
  for (const digit of nameWordSeparators.slice(1)) sql = `replace(${sql}, '${digit}', ' ')`;
  return sql;
}

/** The leading word of a key expression ('' when the key begins with a separator). */
const leadingSql = (key: string) => `substr(${spaced(key)}, 1, instr(${spaced(key)} || ' ', ' ') - 1)`;

/**
 * A subquery of the words (column `word`, each once, none empty) of one key expression, such as
 * `new.display_name_key` in a trigger: a recursive split at each space. `filed`: all but the
 * leading word ({@link filedNameWordsOf}).
 */
export function nameWordsSql(key: string, which: 'all' | 'filed'): string {
  return (
    `SELECT DISTINCT word FROM (WITH RECURSIVE split(rest, word) AS (SELECT ${spaced(key)} || ' ', '' ` +
    `UNION ALL SELECT substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> '') ` +
    `SELECT word FROM split) WHERE word <> ''${which === 'filed' ? ` AND word <> ${leadingSql(key)}` : ''}`
  );
}

/**
 * The migration's fill, in one pass over the existing users: files each under its words but the
 * leading one, then adds every word to the vocabulary.
 */
export const sqliteFillNameWordsSql =
  'INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id) ' +
  `SELECT customer_id, word, state, k, id FROM (WITH RECURSIVE split(customer_id, state, k, id, lead, rest, word) AS (` +
  `SELECT customer_id, state, display_name_key, id, ${leadingSql('display_name_key')}, ${spaced('display_name_key')} || ' ', '' FROM users ` +
  `UNION ALL SELECT customer_id, state, k, id, lead, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> '') ` +
  `SELECT * FROM split) WHERE word <> '' AND word <> lead;
  INSERT OR IGNORE INTO name_words (word) SELECT DISTINCT word FROM user_name_words;
  INSERT OR IGNORE INTO name_words (word) SELECT DISTINCT ${leadingSql('display_name_key')} AS word FROM users WHERE word <> ''`;

/** The name of the trigger that files each inserted user; a bulk load drops it and files its users itself. */
export const nameWordsInsertTrigger = 'users_name_words_insert';

/** SQLite: the schema: tables, the vocabulary's trigram index and the triggers that keep them. */
export const sqliteNameWordsSchemaSql = `
  CREATE TABLE user_name_words (
    customer_id TEXT NOT NULL, word TEXT NOT NULL, state TEXT NOT NULL, display_name_key TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (customer_id, word, state, display_name_key, id)
  ) WITHOUT ROWID;
  CREATE TABLE name_words (word TEXT NOT NULL UNIQUE);
  CREATE VIRTUAL TABLE name_word_search USING fts5(word, content='name_words', content_rowid='rowid', tokenize='trigram case_sensitive 1');
  CREATE TRIGGER name_words_insert AFTER INSERT ON name_words BEGIN
    INSERT INTO name_word_search (rowid, word) VALUES (new.rowid, new.word);
  END;
  CREATE TRIGGER ${nameWordsInsertTrigger} AFTER INSERT ON users BEGIN
    INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT new.customer_id, word, new.state, new.display_name_key, new.id FROM (${nameWordsSql('new.display_name_key', 'filed')});
    INSERT OR IGNORE INTO name_words (word) SELECT word FROM (${nameWordsSql('new.display_name_key', 'all')});
  END;
  CREATE TRIGGER users_name_words_change AFTER UPDATE OF display_name_key, state ON users
    WHEN old.display_name_key IS NOT new.display_name_key OR old.state IS NOT new.state BEGIN
    DELETE FROM user_name_words WHERE customer_id = old.customer_id AND word IN (${nameWordsSql('old.display_name_key', 'filed')})
      AND state = old.state AND display_name_key = old.display_name_key AND id = old.id;
    INSERT OR IGNORE INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT new.customer_id, word, new.state, new.display_name_key, new.id FROM (${nameWordsSql('new.display_name_key', 'filed')});
    INSERT OR IGNORE INTO name_words (word) SELECT word FROM (${nameWordsSql('new.display_name_key', 'all')});
  END;
  CREATE TRIGGER users_name_words_delete AFTER DELETE ON users BEGIN
    DELETE FROM user_name_words WHERE customer_id = old.customer_id AND word IN (${nameWordsSql('old.display_name_key', 'filed')})
      AND state = old.state AND display_name_key = old.display_name_key AND id = old.id;
  END;
`;

/** PostgreSQL: the migration's fill of the existing users, set-based with the SQL split. */
export const postgresFillNameWordsSql = `INSERT INTO user_name_words (customer_id, word, state, display_name_key, id)
    SELECT u.customer_id, w, u.state, u.display_name_key, u.id FROM users u, tenantry_filed_name_words(u.display_name_key) AS w;
  INSERT INTO name_words (word) SELECT DISTINCT w FROM users u, tenantry_name_words(u.display_name_key) AS w ON CONFLICT DO NOTHING`;

const ofPartnerNumbered = ofPartner.replace('?', '$1');
/** A key expression with every separator turned into a space, without a regular expression. */
const spacedPostgres = (key: string) => `translate(${key}, '${nameWordSeparators.slice(1)}', '${' '.repeat(nameWordSeparators.length - 1)}')`;

/**
 * PostgreSQL: a snapshot's restore and a workspace's wipe, with {@link postgresBulkLoadSetting}
 * on, unfile the users of a partner's customers before they are removed (`unfile`); a restore
 * files the restored ones after (`file`, two statements, under `planner`). Set-based: the row
 * triggers cost ~50-70 µs a user. The split is written into the statement (`translate`,
 * `string_to_array`): a call of the split functions per user cost ~14 µs. `planner`: each user's
 * words are estimated at 1,000 rows (a set-returning function's default), so 10,000 users looked
 * costly enough for JIT compilation and parallel workers, ~60-100 ms of setup for ~20 ms of
 * work. `$1`: the partner.
 */
export const postgresPartnerNameWordsSql = {
  unfile: `DELETE FROM user_name_words WHERE ${ofPartnerNumbered}`,
  planner: 'SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0',
  file: [
    `INSERT INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT DISTINCT u.customer_id, w, u.state, u.display_name_key, u.id FROM users u, ${spacedPostgres('u.display_name_key')} AS t, unnest(string_to_array(t, ' ')) AS w
      WHERE u.${ofPartnerNumbered} AND w <> '' AND w <> split_part(t, ' ', 1)`,
    `INSERT INTO name_words (word) SELECT DISTINCT w FROM users u, unnest(string_to_array(${spacedPostgres('u.display_name_key')}, ' ')) AS w WHERE u.${ofPartnerNumbered} AND w <> '' ON CONFLICT DO NOTHING`,
  ],
};

/**
 * PostgreSQL: the setting a transaction turns on (transaction-local) when it keeps
 * `user_name_words` itself: the insert and delete triggers then skip its rows. A bulk load files
 * its users from JavaScript; a snapshot's restore and a workspace's wipe use
 * {@link postgresPartnerNameWordsSql}.
 */
export const postgresBulkLoadSetting = 'tenantry.bulk_load';

/**
 * PostgreSQL: the delete trigger with the insert trigger's guard (a later migration; the schema
 * above made it unguarded).
 */
export const postgresGuardedUnfileTriggerSql = `
  DROP TRIGGER users_name_words_delete ON users;
  CREATE TRIGGER users_name_words_delete AFTER DELETE ON users FOR EACH ROW
    WHEN (current_setting('${postgresBulkLoadSetting}', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION tenantry_unfile_name_words();
`;

/**
 * PostgreSQL: the schema but the vocabulary's trigram index (its operator class is named with the
 * pg_trgm schema, see the migration). The split is SQL functions, used by the triggers and the
 * migration's fill; a bulk load files its users from {@link filedNameWordsOf} (tested to agree).
 * Every write files and unfiles row by row (~50–70 µs per user: a 10,000-user snapshot restore
 * pays ~0.7 s).
 */
export const postgresNameWordsSchemaSql = `
  CREATE FUNCTION tenantry_name_words(key text) RETURNS SETOF text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(key, '[ 0-9]+') AS w WHERE w <> ''
  $$;
  CREATE FUNCTION tenantry_filed_name_words(key text) RETURNS SETOF text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT w FROM tenantry_name_words(key) AS w WHERE w <> (regexp_split_to_array(key, '[ 0-9]+'))[1]
  $$;
  CREATE TABLE user_name_words (
    customer_id TEXT COLLATE "C" NOT NULL, word TEXT COLLATE "C" NOT NULL, state TEXT COLLATE "C" NOT NULL,
    display_name_key TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL
  );
  -- Not a primary key: a bulk load into a small table drops it and builds it after (as the
  -- trigram indexes), and each user's rows are unique by construction.
  CREATE INDEX user_name_words_by_word ON user_name_words (customer_id, word, state, display_name_key, id);
  CREATE TABLE name_words (word TEXT COLLATE "C" PRIMARY KEY);
  -- The words as an array (= ANY), so that they bound the index scan; as IN (subquery) they were
  -- a filter over the customer's whole range of the index (a 10,000-user restore: 11 s).
  CREATE FUNCTION tenantry_file_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM user_name_words WHERE customer_id = OLD.customer_id AND word = ANY (ARRAY(SELECT tenantry_filed_name_words(OLD.display_name_key)))
        AND state = OLD.state AND display_name_key = OLD.display_name_key AND id = OLD.id;
    END IF;
    INSERT INTO user_name_words (customer_id, word, state, display_name_key, id)
      SELECT NEW.customer_id, w, NEW.state, NEW.display_name_key, NEW.id FROM tenantry_filed_name_words(NEW.display_name_key) AS w;
    INSERT INTO name_words (word) SELECT w FROM tenantry_name_words(NEW.display_name_key) AS w ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$;
  CREATE FUNCTION tenantry_unfile_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM user_name_words WHERE customer_id = OLD.customer_id AND word = ANY (ARRAY(SELECT tenantry_filed_name_words(OLD.display_name_key)))
      AND state = OLD.state AND display_name_key = OLD.display_name_key AND id = OLD.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER ${nameWordsInsertTrigger} AFTER INSERT ON users FOR EACH ROW
    WHEN (current_setting('${postgresBulkLoadSetting}', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION tenantry_file_name_words();
  CREATE TRIGGER users_name_words_change AFTER UPDATE OF display_name_key, state ON users FOR EACH ROW
    WHEN (OLD.display_name_key IS DISTINCT FROM NEW.display_name_key OR OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION tenantry_file_name_words();
  -- Per row: a statement trigger joined its transition table (of unknown size to the planner) to
  -- the whole words table by hash, ~0.75 s per delete statement at 1 M users however few it deleted.
  CREATE TRIGGER users_name_words_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION tenantry_unfile_name_words();
  ${postgresFillNameWordsSql};
`;

/**
 * PostgreSQL: the words (of any customer) that contain a text, up to one past
 * {@link maxNameWords}. Parameters: the text as a LIKE pattern (which the trigram index answers)
 * and the text.
 */
export const postgresNameWordsContainingSql = `SELECT word FROM name_words WHERE word LIKE $1 AND strpos(word, $2) > 0 LIMIT ${maxNameWords + 1}`;

/**
 * SQLite: the words (of any customer) that contain a text, up to one past {@link maxNameWords}: the
 * vocabulary's trigram index lists candidates, `instr` keeps those that hold the text. Its
 * parameters: the text as an FTS5 phrase ({@link ftsPhrase}) and the text.
 */
export const sqliteNameWordsContainingSql = `SELECT word FROM name_words WHERE rowid IN (SELECT rowid FROM name_word_search WHERE name_word_search MATCH ?) AND instr(word, ?) > 0 LIMIT ${maxNameWords + 1}`;

/**
 * The keys and ids of the first `limit` users in page order, after `after`, whose key begins with
 * or files any of `words` (each user once): two sorted runs per word, merged. No words: no rows.
 */
export function nameWordsMatchSql(dialect: 'sqlite' | 'postgres', query: UserListQuery, customerId: string, words: readonly string[], limit: number, after?: KeysetPosition, limitInText = dialect === 'sqlite'): { text: string; params: unknown[] } {
  if (query.state !== 'active' && query.state !== 'inactive') throw new Error(`unknown user state ${String(query.state)}`);
  if (words.length > maxNameWords) throw new Error(`more than ${maxNameWords} words`);
  if (words.length === 0) return { text: 'SELECT NULL AS k, NULL AS id WHERE false', params: [] };
  const dir = query.direction === 'asc' ? 'ASC' : 'DESC';
  const cmp = query.direction === 'asc' ? '>' : '<';
  const params: unknown[] = [];
  // SQLite re-prepares a statement whose LIMIT is bound, so there it is written in (see
  // limitClause); PostgreSQL keeps one prepared statement per shape, with the limit bound, or
  // written in for a generic plan (see postgresNameWordsPageSql).
  const limited = () => {
    if (limitInText) return limitClause(limit);
    params.push(limit);
    return 'LIMIT ?';
  };
  // The state is written in, as in every users page statement (see userRange).
  const run = (from: string, where: string, ...values: unknown[]) => {
    params.push(customerId, ...values);
    if (after) params.push(after.key, after.id);
    return (
      `SELECT * FROM (SELECT display_name_key AS k, id FROM ${from} WHERE customer_id = ? AND state = '${query.state}' AND ${where}` +
      `${after ? ` AND (display_name_key, id) ${cmp} (?, ?)` : ''} ORDER BY display_name_key ${dir}, id ${dir} ${limited()}) run`
    );
  };
  const runs: string[] = [];
  for (const word of words) runs.push(run('users', 'display_name_key >= ? AND display_name_key < ?', word, word + maxCodePoint), run('user_name_words', 'word = ?', word));
  return { text: `SELECT k, id FROM (${runs.join(' UNION ')}) runs ORDER BY k ${dir}, id ${dir} ${limited()}`, params };
}
