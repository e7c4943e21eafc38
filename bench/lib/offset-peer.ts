/**
 * The peer method, for the depth comparison only (never in the product): OFFSET paging with a
 * `count(*)` total per page, as Logto and Keycloak serve user lists. Timed in-process beside the
 * product's keyset query on the same data, so only the query strategy differs.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { KeysetPosition } from '../../src/domain/continuation-token.js';

export interface QueryTimings {
  keysetFirstMs: number;
  keysetLastMs: number;
  offsetFirstMs: number;
  offsetLastMs: number;
  samples: { keyset: number; offsetLast: number };
}

const keysetSql = (after: boolean) =>
  `SELECT display_name_key, id, item_json FROM users WHERE customer_id = $1 AND state = 'active'${after ? ' AND (display_name_key, id) > ($2, $3)' : ''} ORDER BY display_name_key, id LIMIT 101`;
const offsetSql = `SELECT item_json FROM users WHERE customer_id = $1 AND state = 'active' ORDER BY display_name_key, id LIMIT 100 OFFSET $2`;
const countSql = `SELECT count(*) FROM users WHERE customer_id = $1 AND state = 'active'`;

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeMedian(times: number, run: () => Promise<unknown> | unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** The keyset position a continuation token carries (its payload is signed, not secret). */
export function positionOf(token: string): KeysetPosition {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).after;
}

/**
 * Median times of the first and last page by keyset and by OFFSET + count(*).
 *
 * @example
 * const t = await timeQueries('sqlite:.bench/users-1m.db', customerId, positionOf(lastToken), 999_900);
 */
export async function timeQueries(database: string, customerId: string, last: KeysetPosition, lastOffset: number, deepSamples: number): Promise<QueryTimings> {
  const keysetSamples = 50;
  if (database.startsWith('sqlite:')) {
    const db = new Database(database.slice('sqlite:'.length), { readonly: true });
    db.pragma('mmap_size = 1073741824');
    db.pragma('cache_size = -65536');
    const q = (sql: string) => db.prepare(sql.replace(/\$\d/g, '?')).raw(true);
    const first = q(keysetSql(false));
    const after = q(keysetSql(true));
    const offset = q(offsetSql);
    const count = q(countSql);
    const result = {
      keysetFirstMs: await timeMedian(keysetSamples, () => first.all(customerId)),
      keysetLastMs: await timeMedian(keysetSamples, () => after.all(customerId, last.key, last.id)),
      offsetFirstMs: await timeMedian(keysetSamples, () => [count.get(customerId), offset.all(customerId, 0)]),
      offsetLastMs: await timeMedian(deepSamples, () => [count.get(customerId), offset.all(customerId, lastOffset)]),
      samples: { keyset: keysetSamples, offsetLast: deepSamples },
    };
    db.close();
    return result;
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const run = (name: string, text: string, values: unknown[]) => client.query({ name, text, values, rowMode: 'array' });
    return {
      keysetFirstMs: await timeMedian(keysetSamples, () => run('k1', keysetSql(false), [customerId])),
      keysetLastMs: await timeMedian(keysetSamples, () => run('k2', keysetSql(true), [customerId, last.key, last.id])),
      offsetFirstMs: await timeMedian(keysetSamples, async () => [await run('c', countSql, [customerId]), await run('o', offsetSql, [customerId, 0])]),
      offsetLastMs: await timeMedian(deepSamples, async () => [await run('c', countSql, [customerId]), await run('o', offsetSql, [customerId, lastOffset])]),
      samples: { keyset: keysetSamples, offsetLast: deepSamples },
    };
  } finally {
    await client.end();
  }
}
