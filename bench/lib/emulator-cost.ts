/**
 * What emulator mode costs the list path (issue 12): the same seek list, same database, same
 * continuation tokens, against three servers started in turn and measured in alternating rounds
 * (so each sees the same machine): a plain server, `serve --emulator --journal off` with a fault
 * rule that matches no list call, and the same with the request journal on. The bench partner is
 * made the emulator's default workspace (`--demo`), so its requests run in a workspace and are
 * journaled. Targets: journal off ≥ 0.9 × plain, journal on ≥ 0.6 × plain.
 *
 * @example
 * const cost = await benchEmulatorCost('sqlite:.bench/users-1m.db', tokensFile, auth, 8);
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { benchCustomerId, benchDir } from './dataset.js';
import { startServer } from './processes.js';
import { runWrk, type WrkResult } from './wrk.js';

export interface EmulatorCostResult {
  connections: number;
  rounds: number;
  plain: WrkResult[];
  journalOff: WrkResult[];
  journalOn: WrkResult[];
}

export const emulatorTargets = { journalOff: 0.9, journalOn: 0.6 } as const;

/** A fault profile whose one rule never matches a list call (a create answered 503). */
function profileFile(): string {
  const file = join(benchDir, 'emulator-faults.json');
  writeFileSync(file, JSON.stringify({ rules: [{ id: 'bench-no-match', match: { operation: 'users.create' }, effect: { status: 503 } }] }));
  return file;
}

/** Measures the three servers in `rounds` alternating rounds at `connections`. */
export async function benchEmulatorCost(database: string, tokensFile: string, auth: string, seconds: number, options: { connections?: number; rounds?: number; log?: (line: string) => void } = {}): Promise<EmulatorCostResult> {
  const connections = options.connections ?? 50;
  const rounds = options.rounds ?? 2;
  const faults = profileFile();
  const configs = {
    plain: [] as string[],
    journalOff: ['--emulator', '--demo', '--faults', faults, '--journal', 'off'],
    journalOn: ['--emulator', '--demo', '--faults', faults],
  };
  const result: EmulatorCostResult = { connections, rounds, plain: [], journalOff: [], journalOn: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of Object.entries(configs) as [keyof typeof configs, string[]][]) {
      const server = await startServer(database, {}, [], args);
      try {
        const url = `${server.url}/v1/customers/${benchCustomerId}/users?size=100&seekOperation=Next`;
        await runWrk({ url, connections, seconds: 2, tokensFile, auth });
        const w = await runWrk({ url, connections, seconds, tokensFile, auth, pid: server.child.pid });
        if (w.errors > 0) throw new Error(`${name}: ${w.errors} errors`);
        result[name].push(w);
        options.log?.(`emulator cost round ${round + 1} ${name}: ${w.requestsPerSecond.toFixed(0)} req/s, ${w.cpuMicrosPerRequest?.toFixed(0)} µs CPU/req`);
      } finally {
        await server.stop();
      }
      // The journal must have written what it was handed (a failing flush drops its batch, which would flatter the figure).
      if (name === 'journalOn' && (await journalEntries(database)) === 0) throw new Error('journal on: no entries were written');
    }
  }
  return result;
}

/** How many entries the journal table holds (the ring keeps the newest of each workspace). */
async function journalEntries(database: string): Promise<number> {
  if (database.startsWith('sqlite:')) {
    const db = new Database(database.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM emulator_journal').pluck().get() as number;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM emulator_journal')).rows[0].n);
  } finally {
    await client.end();
  }
}

const rate = (ws: WrkResult[]) => ws.reduce((n, w) => n + w.requests, 0) / ws.reduce((n, w) => n + w.seconds, 0);

/** Throughput ratios to the plain server, over all rounds. */
export function emulatorRatios(r: EmulatorCostResult): { journalOff: number; journalOn: number } {
  const plain = rate(r.plain);
  return { journalOff: rate(r.journalOff) / plain, journalOn: rate(r.journalOn) / plain };
}

/**
 * BENCHMARKS.md target rows (`| # | target | store | measured | holds |`).
 *
 * @example
 * rows.push(...emulatorTargetRows({ sqlite: cost }));
 */
export function emulatorTargetRows(byStore: Partial<Record<'sqlite' | 'postgres', EmulatorCostResult>> | undefined): string[] {
  const names = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
  const rows: string[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const r = byStore?.[store];
    if (!r) continue;
    const ratio = emulatorRatios(r);
    const figures = `${rate(r.journalOff).toFixed(0)} / ${rate(r.journalOn).toFixed(0)} vs ${rate(r.plain).toFixed(0)} req/s plain`;
    rows.push(`| 12 | emulator, no rule matching, \`--journal off\`: list req/s ≥ ${emulatorTargets.journalOff} × plain server, c=${r.connections} | ${names[store]} | ${ratio.journalOff.toFixed(2)} (${figures}) | ${ratio.journalOff >= emulatorTargets.journalOff ? '**yes**' : '**no**'} |`);
    rows.push(`| 12 | emulator, no rule matching, journal on: list req/s ≥ ${emulatorTargets.journalOn} × plain server, c=${r.connections} | ${names[store]} | ${ratio.journalOn.toFixed(2)} | ${ratio.journalOn >= emulatorTargets.journalOn ? '**yes**' : '**no**'} |`);
  }
  return rows;
}
