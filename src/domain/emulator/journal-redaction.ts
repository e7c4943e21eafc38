/**
 * What the request journal (issue 12) keeps of a request and its answer: credentials dropped,
 * passwords and other secrets replaced with "***", bodies capped. Without I/O.
 *
 * Credentials (Authorization, cookies) are dropped whole: even their presence is not the journal's
 * business. Any other header, query parameter or JSON property whose name looks secret
 * (*password*, *secret*, *token*, *key* as in api-key) keeps its name and loses its value.
 */

/** Replacement for a secret value. */
export const redacted = '***';

/** Headers left out of the journal entirely. */
const dropped = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Names whose values are secrets. */
const secretName = /password|passwd|secret|token|api-?key|credential/i;

/**
 * Names that look secret but are not: a continuation token (the list envelope's
 * `continuationToken`, the `MS-ContinuationToken` header of the next request) is a signed page
 * position that only its own partner's credential can use, and it is what a journal of a paging
 * bug must show: which page answered with which token, and whether the client sent it back.
 */
const publicNames = new Set(['continuationtoken', 'ms-continuationtoken']);

/**
 * Whether a header, parameter or property name carries a secret.
 *
 * @example
 * isSecretName('passwordProfile'); // false (an object: its members are checked one by one)
 * isSecretName('password'); // true
 * isSecretName('MS-ContinuationToken'); // false
 */
export const isSecretName = (name: string): boolean => secretName.test(name) && !publicNames.has(name.toLowerCase());

/**
 * Headers as the journal keeps them: names lower-cased, credentials absent, secrets "***",
 * repeated headers joined with ", ".
 *
 * @example
 * journalHeaders({ authorization: 'Bearer x', 'ms-requestid': 'r1' }); // { 'ms-requestid': 'r1' }
 */
export function journalHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const kept: [string, string][] = [];
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (dropped.has(name)) continue;
    kept.push([name, isSecretName(name) ? redacted : Array.isArray(value) ? value.join(', ') : String(value)]);
  }
  // fromEntries defines own properties: a header named __proto__ stays data.
  return Object.fromEntries(kept);
}

/**
 * A JSON value with every string, number or boolean under a secret-looking name replaced by "***"
 * (a boolean such as `forceChangePasswordNextLogin` is not a secret and stays).
 *
 * @example
 * redactJson({ passwordProfile: { password: 'P@ss', forceChangePassword: true } });
 * // { passwordProfile: { password: '***', forceChangePassword: true } }
 */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  // fromEntries defines own properties: a member named __proto__ stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([name, member]) => [name, isSecretName(name) && (typeof member === 'string' || typeof member === 'number') ? redacted : redactJson(member, depth + 1)]),
  );
}

// A secret-looking word, and after it: the rest of its JSON string, a colon (so it was a member
// name), then the member's string value, complete or cut off at the end.
const secretWord = /password|passwd|secret|token|api-?key|credential/gi;
const memberValue = /([^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)/y;

/**
 * JSON text with the string values of secret-looking members replaced by "***", without parsing
 * (the text may be cut off part-way, and a page of users is not worth parsing on every request).
 * A value cut off by the end of the text is replaced too. Only where a word is found is the member
 * checked: one regex anchored at every quote took ~10x longer on a page of users.
 *
 * @example
 * redactJsonText('{"password":"Pa55w0rd!","id":"1"}'); // '{"password":"***","id":"1"}'
 */
export function redactJsonText(text: string): string {
  let out = '';
  let from = 0;
  secretWord.lastIndex = 0;
  for (let word = secretWord.exec(text); word; word = secretWord.exec(text)) {
    memberValue.lastIndex = secretWord.lastIndex;
    const m = memberValue.exec(text);
    if (!m) continue;
    const name = memberName(text, word.index, secretWord.lastIndex + m[1].indexOf('"'));
    if (name !== undefined && publicNames.has(name.toLowerCase())) continue;
    out += `${text.slice(from, secretWord.lastIndex + m[1].length)}"${redacted}"`;
    from = memberValue.lastIndex;
    secretWord.lastIndex = from;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The whole member name around a secret-looking word found at `from`, whose closing quote is at
 * `to`; undefined when the quote before it is escaped (then it is not the name's start).
 */
function memberName(text: string, from: number, to: number): string | undefined {
  const open = text.lastIndexOf('"', from - 1);
  return open > 0 && text[open - 1] === '\\' ? undefined : text.slice(open + 1, to);
}

/**
 * Query parameters as the journal keeps them (secret-looking names "***"; the last of repeats).
 *
 * @example
 * journalQuery('size=5&access_token=abc'); // { size: '5', access_token: '***' }
 */
export function journalQuery(search: string): Record<string, string> {
  const kept = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) kept.set(name, isSecretName(name) ? redacted : value);
  return Object.fromEntries(kept);
}

/** Largest response body text the journal keeps (then `responseTruncated`). */
export const journalBodyCap = 16 * 1024;

/**
 * An answer's text as kept: secrets replaced, cut to `cap` characters.
 *
 * @example
 * capBody('{"a":1}'); // { text: '{"a":1}', truncated: false }
 */
export function capBody(text: string, cap = journalBodyCap): { text: string; truncated: boolean } {
  // Redacted before the cut, with 1 KiB to spare: a value the cut splits was replaced whole (one
  // that runs past the spare KiB, by the end-of-text rule), so the cut exposes no part of a secret.
  const clean = redactJsonText(text.length > cap + 1024 ? text.slice(0, cap + 1024) : text);
  if (clean.length <= cap && text.length <= cap + 1024) return { text: clean, truncated: false };
  return { text: clean.slice(0, cap), truncated: true };
}
