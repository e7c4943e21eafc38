/**
 * Deterministic GUIDs for seeded workspaces (as moto's seed makes its ids repeatable): the n-th id
 * drawn from a seed is always the same, and ids from different seeds or streams do not collide.
 *
 * @example
 * const ids = seededIds('my-suite', 'users');
 * ids.newId(); // the same GUID on every run
 * seededId('my-suite', 'users', 0) === seededIds('my-suite', 'users').newId(); // true
 */
import { createHash } from 'node:crypto';
import type { IdSource } from '../id-source.js';

/** The `index`-th id of the stream `stream` of `seed`, shaped as an RFC 4122 version-4 GUID. */
export function seededId(seed: string, stream: string, index: number): string {
  const bytes = createHash('sha256').update(`${seed}\u0000${stream}\u0000${index}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An id source drawing `seededId(seed, stream, start)`, then `start + 1`, and so on. */
export function seededIds(seed: string, stream: string, start = 0): IdSource & { readonly drawn: number } {
  let index = start;
  return {
    newId: () => seededId(seed, stream, index++),
    get drawn() {
      return index;
    },
  };
}
