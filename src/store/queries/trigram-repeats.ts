/**
 * PostgreSQL: the trigrams a search key holds more than once, counted, so that a contains search
 * whose text repeats a trigram can narrow what pg_trgm's GIN index lists. pg_trgm keeps no counts
 * or positions: "99999" has one distinct trigram, "999", and at 1 M users the index listed the
 * 3,700 users holding "999" to be rechecked in ~3,300 heap blocks, for 19 matches. A key that
 * contains the text holds each of the text's trigrams at least as often as the text does, so the
 * users whose key holds "999" three times are a sound and much narrower candidate set.
 *
 * `users.trigram_repeats` holds, for each trigram a key holds n ≥ 2 times, the tokens
 * `<field><k>:<trigram>` for k = 2…n (`d`: the display-name key; `u`: the UPN key up to its `@`,
 * what its trigram index holds), and NULL when no trigram repeats (most users), under a partial
 * GIN index. The store computes it here on every write (a BEFORE row trigger would have cost COPY
 * its multi-row inserts); the migration that adds it fills existing users and the users of saved
 * snapshots with the same tokens in SQL ({@link postgresTrigramRepeatsSql}), which the store's
 * tests compare with this function on awkward keys.
 */
import { trigramMinLength } from './substring-search.js';

/** The search field a token belongs to, as its first character. */
export type TrigramRepeatsField = 'd' | 'u';

/**
 * The tokens of every trigram that `key` holds more than once (see the module comment), in the
 * order the SQL function makes them, or undefined when none repeats. Trigrams are of code points,
 * as PostgreSQL's `substr` counts them.
 *
 * @example
 * trigramRepeats('d', 'ann 99999'); // ['d2:999', 'd3:999']
 * trigramRepeats('d', 'ann 9'); // undefined
 */
export function trigramRepeats(field: TrigramRepeatsField, key: string): string[] | undefined {
  return mayRepeatTrigram(key, key.length) ? listedRepeats(field, key) : undefined;
}

/** {@link trigramRepeats} without the quick check, for a key that passed it. */
function listedRepeats(field: TrigramRepeatsField, key: string): string[] | undefined {
  const chars = [...key];
  let tokens: string[] | undefined;
  const counts = new Map<string, number>();
  for (let i = 0; i + trigramMinLength <= chars.length; i++) {
    const trigram = chars[i] + chars[i + 1] + chars[i + 2];
    const n = (counts.get(trigram) ?? 0) + 1;
    counts.set(trigram, n);
    if (n > 1) (tokens ??= []).push(`${field}${n}:${trigram}`);
  }
  return tokens;
}

/** Slots of the quick check's table: with ~15 trigrams a key, two share a slot for under 1 % of keys. */
const slotBits = 14;
/** Which call last marked each slot: a fresh table per call without clearing one. */
const slotMarks = new Uint32Array(1 << slotBits);
let mark = 0;

/**
 * Whether `key.slice(0, end)` may repeat a trigram: false only when it surely does not. Most keys
 * do not, and a seed asks for two a user: each trigram of UTF-16 units marks a slot of a table by
 * its hash, and a slot marked twice (a repeat, or under 1 % of keys by chance) sends the key to the
 * exact count. ~0.2 µs a key, where listing the tokens (code points, strings, a Map) costs ~1.5 µs.
 */
function mayRepeatTrigram(key: string, end: number): boolean {
  if (end < trigramMinLength + 1) return false;
  if (++mark === 0xffffffff) {
    slotMarks.fill(0);
    mark = 1;
  }
  let a = 0;
  let b = 0;
  for (let i = 0; i < end; i++) {
    const c = key.charCodeAt(i);
    // A surrogate: trigrams are of code points, which this check does not pair up.
    if (c >= 0xd800 && c <= 0xdfff) return true;
    if (i >= 2) {
      const slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> (32 - slotBits);
      if (slotMarks[slot] === mark) return true;
      slotMarks[slot] = mark;
    }
    a = b;
    b = c;
  }
  return false;
}

/**
 * What a search for `text` asks of `trigram_repeats`: for each trigram the text repeats, the token
 * of its count in the text (fewer would also be sound, but narrower is the point), or undefined
 * when the text repeats none, so the search is asked as before.
 *
 * @example
 * trigramRepeatsWanted('d', '99999'); // ['d3:999']
 * trigramRepeatsWanted('d', 'tanaka'); // undefined
 */
export function trigramRepeatsWanted(field: TrigramRepeatsField, text: string): string[] | undefined {
  const tokens = trigramRepeats(field, text);
  if (!tokens) return undefined;
  const highest = new Map<string, string>();
  for (const token of tokens) highest.set(token.slice(token.indexOf(':') + 1), token);
  return [...highest.values()];
}

/**
 * The value of `trigram_repeats` for a user's keys: both fields' tokens, or NULL (undefined).
 *
 * @example
 * userTrigramRepeats('ann 99999', 'ann.99999@contoso.com'); // ['d2:999', 'd3:999', 'u2:999', 'u3:999']
 */
export function userTrigramRepeats(displayNameKey: string, upnKey: string): string[] | undefined {
  const display = trigramRepeats('d', displayNameKey);
  const at = upnKey.indexOf('@') + 1;
  const upn = mayRepeatTrigram(upnKey, at) ? listedRepeats('u', upnKey.slice(0, at)) : undefined;
  return display && upn ? [...display, ...upn] : (display ?? upn);
}

/**
 * A PostgreSQL array literal of text elements, each quoted (`"` and `\` escaped), for COPY.
 *
 * @example
 * postgresTextArray(['d2:a"b']); // '{"d2:a\\"b"}'
 */
export function postgresTextArray(elements: readonly string[]): string {
  return `{${elements.map((e) => `"${e.replace(/["\\]/g, (ch) => `\\${ch}`)}"`).join(',')}}`;
}

/**
 * The SQL of the column, its functions (the same tokens as {@link userTrigramRepeats}), which
 * fill the users already there and those of saved snapshots, and its partial GIN index.
 */
export const postgresTrigramRepeatsSql = `
  ALTER TABLE users ADD COLUMN trigram_repeats TEXT[];
  CREATE FUNCTION tenantry_trigram_repeats(field text, key text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
  DECLARE
    seen text[] := '{}';
    counts int[] := '{}';
    trigram text;
    k int;
    tokens text[];
  BEGIN
    FOR i IN 1 .. char_length(key) - 2 LOOP
      trigram := substr(key, i, 3);
      k := array_position(seen, trigram);
      IF k IS NULL THEN
        seen := seen || trigram;
        counts := counts || 1;
      ELSE
        counts[k] := counts[k] + 1;
        tokens := tokens || (field || counts[k] || ':' || trigram);
      END IF;
    END LOOP;
    RETURN tokens;
  END
  $fn$;
  CREATE FUNCTION tenantry_user_trigram_repeats(display_name_key text, upn_key text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $fn$ SELECT tenantry_trigram_repeats('d', display_name_key) || tenantry_trigram_repeats('u', substr(upn_key, 1, strpos(upn_key, '@'))) $fn$;
  -- Only the few users whose keys repeat a trigram are rewritten.
  UPDATE users SET trigram_repeats = tenantry_user_trigram_repeats(display_name_key, upn_key)
    WHERE tenantry_user_trigram_repeats(display_name_key, upn_key) IS NOT NULL;
  -- Users saved in emulator snapshots get theirs too: a restore takes the saved value as it is.
  UPDATE emulator_snapshot_rows SET row_json = row_json || jsonb_build_object('trigram_repeats', tenantry_user_trigram_repeats(row_json->>'display_name_key', row_json->>'upn_key'))
    WHERE table_name = 'users';
  CREATE INDEX users_trigram_repeats ON users USING gin (trigram_repeats) WHERE trigram_repeats IS NOT NULL;
  ANALYZE users;
`;
