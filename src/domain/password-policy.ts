/**
 * Entra ID's password rules, which Partner Center applies to customer users: 8–256 characters
 * drawn from at least three of lower case, upper case, digits and symbols.
 */
import { randomInt } from 'node:crypto';

const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/] as const;

/**
 * Returns why a password breaks the policy, or undefined when it is acceptable.
 *
 * @example
 * passwordPolicyViolation('Password!1'); // undefined
 * passwordPolicyViolation('short');      // 'must be 8 to 256 characters long'
 */
export function passwordPolicyViolation(password: string): string | undefined {
  if (password.length < 8 || password.length > 256) return 'must be 8 to 256 characters long';
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'must not contain control characters';
  const kinds = classes.filter((re) => re.test(password)).length;
  if (kinds < 3) return 'must contain three of: lower case, upper case, digits, symbols';
  return undefined;
}

// Ambiguous characters (0/O, 1/l/I) are left out: people copy these from a screen.
const lower = 'abcdefghjkmnpqrstuvwxyz';
const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = '23456789';
const symbols = '!@#$%*?';

/**
 * A random temporary password that satisfies the policy (16 characters, all four classes).
 *
 * @example
 * const temporary = generateTemporaryPassword(); // e.g. 'k7Hq!p2Rz9@mWx4T'
 */
export function generateTemporaryPassword(length = 16): string {
  const all = lower + upper + digits + symbols;
  const chars = [lower, upper, digits, symbols].map((set) => set[randomInt(set.length)]);
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  // A letter or digit first: results files are opened in spreadsheets, where a leading `@` would
  // be taken for a formula and the CSV writers would prefix it with `'` (not part of the password).
  const first = chars.findIndex((c) => !symbols.includes(c));
  [chars[0], chars[first]] = [chars[first], chars[0]];
  return chars.join('');
}
