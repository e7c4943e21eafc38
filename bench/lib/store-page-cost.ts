/**
 * The store's share of a page, measured alone: a process's CPU per `Store.readUserPage` of 100
 * users at the walk's positions, one read at a time. Beside the server's CPU per page it shows
 * how much of a page no web framework or hook could save. For PostgreSQL it is the Node side only
 * (driver, decoding, framing): the backend's CPU is not counted, as the server's CPU column does
 * not count it either.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { demoPartnerId } from '../../src/demo/demo-data.js';
import type { UserListQuery } from '../../src/domain/user-list-query.js';
import { openStore } from '../../src/store/open-store.js';
import { median, positionOf } from './offset-peer.js';

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
    return { cpuMicrosPerPage: median(measured), rounds: measured, readsPerRound };
  } finally {
    await store.close();
  }
}

/**
 * {@link storePageCost} in a Node process of its own, as the server is: in the bench's own
 * process (its heap holding every result and token so far) the PostgreSQL figure read 2-3x what
 * a fresh process measured minutes later.
 *
 * @example
 * const cost = await storePageCostInChild('sqlite:.bench/users-1m.db', customerId, walked.tokensFile);
 */
export function storePageCostInChild(database: string, customerId: string, tokensFile: string): Promise<StorePageCost> {
  const main = fileURLToPath(new URL('../store-page-only.ts', import.meta.url));
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', main, database, customerId, tokensFile], { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`store-page-only failed: ${stderr || error.message}`)) : resolve(JSON.parse(stdout) as StorePageCost),
    ),
  );
}
