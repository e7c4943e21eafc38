/**
 * The store's share of a page, measured alone: this process's CPU per `Store.readUserPage` of
 * 100 users at the walk's positions, one read at a time, in-process. Beside the server's CPU per
 * page it shows how much of a page no web framework or hook could save. For PostgreSQL it is the
 * Node side only (driver, decoding, framing): the backend's CPU is not counted, as the server's
 * CPU column does not count it either.
 */
import { demoPartnerId } from '../../src/demo/demo-data.js';
import type { UserListQuery } from '../../src/domain/user-list-query.js';
import { openStore } from '../../src/store/open-store.js';
import { positionOf } from './offset-peer.js';

export interface StorePageCost {
  /** Median over the rounds, in µs of user + system CPU per page. */
  cpuMicrosPerPage: number;
  rounds: number[];
  readsPerRound: number;
}

const query: UserListQuery = { state: 'active', sortField: 'displayName', direction: 'asc' };

/**
 * Reads the page at every position of `tokens` (continuation tokens of a walk) once to warm up
 * (a fresh SQLite connection maps its pages on first touch, as the server's did during its walk),
 * then `rounds` times `readsPerRound` pages at random positions, measured.
 *
 * @example
 * const cost = await storePageCost('sqlite:.bench/users-1m.db', customerId, walked.tokens);
 */
export async function storePageCost(database: string, customerId: string, tokens: string[], rounds = 3, readsPerRound = 2000): Promise<StorePageCost> {
  const store = openStore(database, { poolSize: 1 });
  const positions = tokens.map(positionOf);
  const read = async (i: number) => {
    const page = await store.readUserPage(demoPartnerId, customerId, query, 100, positions[i]);
    if (!page || page.count === 0) throw new Error('a bench page was empty: not the bench customer?');
  };
  const readRound = async () => {
    const before = process.cpuUsage();
    for (let i = 0; i < readsPerRound; i++) await read(Math.floor(Math.random() * positions.length));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / readsPerRound;
  };
  try {
    for (let i = 0; i < positions.length; i++) await read(i);
    const measured: number[] = [];
    for (let r = 0; r < rounds; r++) measured.push(await readRound());
    const sorted = [...measured].sort((a, b) => a - b);
    return { cpuMicrosPerPage: sorted[sorted.length >> 1], rounds: measured, readsPerRound };
  } finally {
    await store.close();
  }
}
