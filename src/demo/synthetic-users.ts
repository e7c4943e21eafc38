/**
 * Synthetic but realistic users for tests, benchmarks and `tenantry seed`: varied names (so
 * sorting is meaningful), unique user principal names, a few usage locations.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { sortKey, toUserRow, userSelfUri, type UserRow } from '../domain/user.js';

const firstNames = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Emma', 'Farah', 'Gustav', 'Hana', 'Ivan', 'Júlia', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Xavier', 'Yara', 'Zoë'];
const lastNames = ['Adams', 'Brown', 'Chen', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Haddad', 'Ito', 'Jensen', 'Kowalski', 'López', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Singh', 'Tanaka', 'Ulrich', 'Varga', 'Wang', 'Xu', 'Yilmaz', 'Zhang'];
const locations = ['US', 'GB', 'DE', 'FR', 'JP', 'IN', 'BR', undefined];
// ASCII, lower-case forms for user principal names, computed once rather than per user.
const ascii = (name: string) => name.normalize('NFD').replace(/[^\x00-\x7f]/g, '').toLowerCase();
const firstAscii = firstNames.map(ascii);
const lastAscii = lastNames.map(ascii);
// User n's first and last name; multiplying by primes spreads names so consecutive users do not
// sort together.
const firstOf = (n: number) => (n * 7) % firstNames.length;
const lastOf = (n: number) => (n * 11 + Math.floor(n / firstNames.length)) % lastNames.length;

/**
 * Rows for users `start … start+count-1` of a customer; deterministic names, random ids.
 *
 * @example
 * await store.insertUsers(syntheticUsers(customerId, domain, 0, 1000).map((row) => ({ row, passwordHash })));
 */
export function syntheticUsers(customerId: string, domain: string, start: number, count: number, createdAt = '2026-01-01T00:00:00Z'): UserRow[] {
  const rows: UserRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = start + i;
    const f = firstOf(n);
    const l = lastOf(n);
    const first = firstNames[f];
    const last = lastNames[l];
    rows[i] = toUserRow({
      customerId,
      id: randomUUID(),
      userPrincipalName: `${firstAscii[f]}.${lastAscii[l]}.${n}@${domain}`,
      displayName: `${first} ${last} ${n}`,
      firstName: first,
      lastName: last,
      usageLocation: locations[n % locations.length],
      userDomainType: 'none',
      state: 'active',
      forceChangePassword: true,
      createdAt,
      updatedAt: createdAt,
    });
  }
  return rows;
}

/** A placeholder hash for synthetic users: it matches no password (seeding skips scrypt). */
export const unusablePasswordHash = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$disabled';

// --- Bulk generation for `tenantry seed` -------------------------------------------------------

const json = (s: string) => JSON.stringify(s);
/** A string's JSON escaping without the quotes; escaping is per character, so pieces concatenate. */
const escaped = (s: string) => json(s).slice(1, -1);
const hexByte = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Name pairs (first × last) by pair index `f * lastNames.length + l`, with their sort rank. */
const pairs = firstNames.flatMap((first, f) =>
  lastNames.map((last, l) => ({ first, last, f, l, displayPrefix: `${first} ${last} `, keyPrefix: `${first} ${last} `.toLowerCase() })),
);
const pairRank = (() => {
  const order = pairs.map((_, i) => i).sort((a, b) => (pairs[a].keyPrefix < pairs[b].keyPrefix ? -1 : pairs[a].keyPrefix > pairs[b].keyPrefix ? 1 : 0));
  const rank = new Array<number>(pairs.length);
  order.forEach((p, r) => (rank[p] = r));
  return rank;
})();

/** Numbers of users `start … start+count-1` ordered by their display-name key (binary order). */
function numbersInKeyOrder(start: number, count: number): Float64Array {
  const digits = String(start + count - 1).length;
  // A key `rank, n's digits right-padded with zeros, digit count` sorts like the key string
  // "first last n": the name prefixes never prefix one another, and among numbers a prefix sorts
  // first. It stays an exact double below 2^53 for up to 11 digits.
  if (digits > 11) throw new Error('too many synthetic users');
  const scale = 10 ** digits;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const n = start + i;
    const len = n < 10 ? 1 : String(n).length;
    keys[i] = (pairRank[firstOf(n) * lastNames.length + lastOf(n)] * scale + n * 10 ** (digits - len)) * 16 + len;
  }
  keys.sort();
  for (let i = 0; i < count; i++) {
    const len = keys[i] % 16;
    keys[i] = (((keys[i] - len) / 16) % scale) / 10 ** (digits - len);
  }
  return keys;
}

/** `count` random 48-bit numbers in ascending order: the leading 12 hex digits of sorted UUIDs. */
function sortedIdPrefixes(count: number): Float64Array {
  const prefixes = new Float64Array(count);
  const bytes = randomFillSync(new Uint8Array(count * 6));
  for (let i = 0, o = 0; i < count; i++, o += 6) {
    prefixes[i] = (bytes[o] * 0x1000000 + bytes[o + 1] * 0x10000 + bytes[o + 2] * 0x100 + bytes[o + 3]) * 0x10000 + bytes[o + 4] * 0x100 + bytes[o + 5];
  }
  return prefixes.sort();
}

/**
 * The same users as `syntheticUsers(customerId, domain, start, count)` (same fields, same wire
 * JSON byte for byte), made for bulk loads: ordered by display-name key, with random version-4
 * ids that ascend in that order, so the table's primary key and its indexes (whose keys sort
 * nearly alike) are all filled in ascending order instead of at random places. Yields batches of
 * `batchSize` rows, so memory holds one batch; the JSON is assembled from pieces escaped once.
 *
 * @example
 * for (const rows of syntheticUsersInKeyOrder(customerId, domain, 0, 1_000_000, 2000)) insert(rows);
 */
export function* syntheticUsersInKeyOrder(customerId: string, domain: string, start: number, count: number, batchSize: number, createdAt = '2026-01-01T00:00:00Z'): Generator<UserRow[]> {
  const numbers = numbersInKeyOrder(start, count);
  const prefixes = sortedIdPrefixes(count);
  const upnSuffix = `@${domain}`;
  // Lower-casing is per character for ASCII; other domains are lower-cased whole, like toUserRow.
  const asciiDomain = /^[\x00-\x7f]*$/.test(domain);
  const upnKeySuffix = upnSuffix.toLowerCase();
  const heads = locations.map((loc) => (loc === undefined ? '{"id":"' : `{"usageLocation":${json(loc)},"id":"`));
  const afterId = pairs.map((p) => `","userPrincipalName":"${escaped(`${firstAscii[p.f]}.${lastAscii[p.l]}.`)}`);
  const afterUpn = pairs.map((p) => `${escaped(upnSuffix)}","firstName":${json(p.first)},"lastName":${json(p.last)},"displayName":"${escaped(p.displayPrefix)}`);
  const afterName = `","userDomainType":"none","state":"active","links":{"self":{"uri":"${escaped(userSelfUri(customerId, ''))}`;
  const tail = '","method":"GET","headers":[]}},"attributes":{"objectType":"CustomerUser"}}';
  for (let done = 0; done < count; done += batchSize) {
    const size = Math.min(batchSize, count - done);
    const rows: UserRow[] = new Array(size);
    for (let i = 0; i < size; i++) {
      const n = numbers[done + i];
      const p = firstOf(n) * lastNames.length + lastOf(n);
      const pair = pairs[p];
      const prefix = prefixes[done + i];
      const hi = Math.floor(prefix / 0x10000);
      const lo = prefix % 0x10000;
      // The rest of a fresh version-4 UUID ("-4xxx-yxxx-xxxxxxxxxxxx") after the sorted prefix.
      const id = `${hexByte[hi >>> 24]}${hexByte[(hi >>> 16) & 255]}${hexByte[(hi >>> 8) & 255]}${hexByte[hi & 255]}-${hexByte[lo >>> 8]}${hexByte[lo & 255]}${randomUUID().slice(13)}`;
      const usageLocation = locations[n % locations.length];
      const upnHead = `${firstAscii[pair.f]}.${lastAscii[pair.l]}.${n}`;
      const userPrincipalName = upnHead + upnSuffix;
      rows[i] = {
        customerId,
        id,
        userPrincipalName,
        displayName: pair.displayPrefix + n,
        firstName: pair.first,
        lastName: pair.last,
        usageLocation,
        userDomainType: 'none',
        state: 'active',
        forceChangePassword: true,
        createdAt,
        updatedAt: createdAt,
        displayNameKey: pair.keyPrefix + n,
        userPrincipalNameKey: asciiDomain ? upnHead + upnKeySuffix : sortKey(userPrincipalName),
        itemJson: heads[n % locations.length] + id + afterId[p] + n + afterUpn[p] + n + afterName + id + tail,
      };
    }
    yield rows;
  }
}
