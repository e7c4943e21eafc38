/**
 * Synthetic but realistic users for tests, benchmarks and `tenantry seed`: varied names (so
 * sorting is meaningful), unique user principal names, a few usage locations.
 */
import { randomUUID } from 'node:crypto';
import { toUserRow, type UserRow } from '../domain/user.js';

const firstNames = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Emma', 'Farah', 'Gustav', 'Hana', 'Ivan', 'Júlia', 'Kofi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Xavier', 'Yara', 'Zoë'];
const lastNames = ['Adams', 'Brown', 'Chen', 'Dubois', 'Eriksson', 'Fischer', 'García', 'Haddad', 'Ito', 'Jensen', 'Kowalski', 'López', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Singh', 'Tanaka', 'Ulrich', 'Varga', 'Wang', 'Xu', 'Yilmaz', 'Zhang'];
const locations = ['US', 'GB', 'DE', 'FR', 'JP', 'IN', 'BR', undefined];
// ASCII, lower-case forms for user principal names, computed once rather than per user.
const ascii = (name: string) => name.normalize('NFD').replace(/[^\x00-\x7f]/g, '').toLowerCase();
const firstAscii = firstNames.map(ascii);
const lastAscii = lastNames.map(ascii);

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
    // Multiplying by primes spreads names so consecutive users do not sort together.
    const f = (n * 7) % firstNames.length;
    const l = (n * 11 + Math.floor(n / firstNames.length)) % lastNames.length;
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
