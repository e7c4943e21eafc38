/**
 * Section 5 of the bench, search at a million users: each search's first page against the
 * unfiltered first page in the same run, and what the trigram index costs writes: `tenantry seed`
 * and create-user requests, each against the same on a database whose index was removed after
 * migrating (bench only; the product always keeps it).
 */
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { pgBenchDatabase, seedDataset, type Dataset } from './dataset.js';
import type { WrkOptions, WrkResult } from './wrk.js';

/** What a search row is measured against; `target` names the ratio it checks. */
export interface SearchCase {
  label: string;
  field?: 'DisplayName' | 'UserPrincipalName';
  value?: string;
  operator?: 'starts_with' | 'substring';
  sortField?: 'UserPrincipalName';
  target?: 'rare' | 'common' | 'upnPrefix';
}

/** The first row is the baseline. */
export const searchCases: SearchCase[] = [
  { label: 'unfiltered first page (baseline)' },
  { label: 'starts_with DisplayName "emma b"', field: 'DisplayName', value: 'emma b', operator: 'starts_with' },
  { label: 'starts_with UserPrincipalName "zoe.z", sorted by UserPrincipalName (as the web UI and CLI ask)', field: 'UserPrincipalName', value: 'zoe.z', operator: 'starts_with', sortField: 'UserPrincipalName', target: 'upnPrefix' },
  { label: 'starts_with UserPrincipalName "zoe.z", sorted by DisplayName (38,462 matches sorted)', field: 'UserPrincipalName', value: 'zoe.z', operator: 'starts_with' },
  { label: 'substring DisplayName "tanaka" (common: 38,462 matches)', field: 'DisplayName', value: 'tanaka', operator: 'substring', target: 'common' },
  { label: 'substring UserPrincipalName "@seed0c39" (every user)', field: 'UserPrincipalName', value: '@seed0c39', operator: 'substring', target: 'common' },
  { label: 'substring DisplayName "99999" (rare: 19 matches)', field: 'DisplayName', value: '99999', operator: 'substring', target: 'rare' },
  { label: 'substring UserPrincipalName ".12345@" (rare: 1 match)', field: 'UserPrincipalName', value: '.12345@', operator: 'substring', target: 'rare' },
  { label: 'substring DisplayName "2345" (~300 matches)', field: 'DisplayName', value: '2345', operator: 'substring' },
  { label: 'substring DisplayName "ta" (2 characters: a scan)', field: 'DisplayName', value: 'ta', operator: 'substring' },
];

export const searchTargets = { rare: 5, common: 3, upnPrefix: 1.5 } as const;

export function searchUrl(listUrl: string, c: SearchCase): string {
  let url = listUrl;
  if (c.operator) url += `&filter=${encodeURIComponent(JSON.stringify({ Field: c.field, Value: c.value, Operator: c.operator }))}`;
  if (c.sortField) url += `&sortField=${c.sortField}`;
  return url;
}

/** The search cases' results by label, and every run of the baseline (the unfiltered first page). */
export interface SearchRun {
  byLabel: Record<string, WrkResult>;
  baselines: WrkResult[];
}

/**
 * Runs every search case for `seconds` at one connection, the baseline again before each: one
 * run of a few seconds is at the mercy of the machine's moment, and every ratio rests on it.
 */
export async function runSearches(listUrl: string, auth: string, seconds: number, wrk: (o: WrkOptions) => Promise<WrkResult>, pid?: number): Promise<SearchRun> {
  const [baseline, ...cases] = searchCases;
  const byLabel: Record<string, WrkResult> = {};
  const baselines: WrkResult[] = [];
  const measure = (c: SearchCase) => wrk({ url: searchUrl(listUrl, c), connections: 1, seconds, auth, pid });
  for (const c of cases) {
    baselines.push(await measure(baseline));
    byLabel[c.label] = await measure(c);
  }
  return { byLabel: { [baseline.label]: baselines[0], ...byLabel }, baselines };
}

/**
 * The baseline p50 that search ratios are taken against: the median of its runs between the
 * cases, or its one run in results written before there were several.
 *
 * @example
 * searchBaselineP50(results.search, results.searchBaselines); // 0.41
 */
export function searchBaselineP50(byLabel: Record<string, WrkResult>, baselines?: WrkResult[]): number {
  if (!baselines?.length) return byLabel[searchCases[0].label].p50Ms;
  const p50s = baselines.map((w) => w.p50Ms).sort((a, b) => a - b);
  return p50s[Math.floor(p50s.length / 2)];
}

/**
 * Seeds the bench customer into a second database from which the search index was removed right
 * after migrating: SQLite without the triggers that fill user_search and the display-name words
 * (user_name_words), PostgreSQL without the display-name words' insert trigger and the two
 * pg_trgm GIN indexes; both without the index of UPN domains, which only search reads.
 */
export function seedWithoutSearchIndex(store: 'sqlite' | 'postgres', users: number, name: string): Promise<Dataset> {
  return seedDataset(store, users, name, async (database) => {
    if (store === 'sqlite') {
      const s = new SqliteStore(database.replace(/^sqlite:/, ''));
      await s.migrate();
      await s.close();
      // A fresh connection: the store's statements are gone, the file is migrated.
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(database.replace(/^sqlite:/, ''));
      db.exec('DROP TRIGGER users_search_insert; DROP TRIGGER users_name_words_insert; DROP INDEX users_by_upn_domain');
      db.close();
    } else {
      const s = new PostgresStore(database);
      await s.migrate();
      await s.pool.query('DROP INDEX users_display_name_trgm, users_upn_local_trgm, users_by_upn_domain, users_trigram_repeats; DROP TRIGGER users_name_words_insert ON users');
      await s.close();
    }
  });
}

/**
 * `tenantry seed` with and without the search index, `rounds` pairs back to back, the order
 * within a pair swapped each round (without first, then with first, …), so that each pair sees
 * one moment of the machine and neither side always follows the other; the database seeded last
 * with the index (the bench's own, see seedDataset) is the one kept.
 */
export async function seedWithAndWithoutIndex(store: 'sqlite' | 'postgres', users: number, rounds: number): Promise<SeedRuns> {
  const runs: SeedRuns = { with: [], without: [] };
  const without = store === 'sqlite' ? 'search-noindex' : `${pgBenchDatabase}_noindex`;
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) runs.without.push(await seedWithoutSearchIndex(store, users, without));
    runs.with.push(await seedDataset(store, users));
    if (round % 2 === 1) runs.without.push(await seedWithoutSearchIndex(store, users, without));
  }
  return runs;
}

/**
 * Seed speed with the index ÷ without it, per pair of `seedWithAndWithoutIndex` (the same round),
 * and the median of those: the figure the target reads. The same seed ran 47,083 and 71,276
 * users/s minutes apart, so the fastest of each side compared runs of different moments.
 *
 * @example
 * seedSpeedRatio({ with: [a1, a2, a3], without: [b1, b2, b3] }); // { pairs: [a1/b1, a2/b2, a3/b3], median }
 */
export function seedSpeedRatio(runs: SeedRuns): { pairs: number[]; median: number } {
  const pairs = runs.with.map((w, i) => w.seedUsersPerSecond / runs.without[i].seedUsersPerSecond);
  const sorted = [...pairs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { pairs, median };
}

/** Pairs of seeds with and without the index: three, so that the median drops one outlying pair. */
export const seedRounds = 3;

/** Seeds of the same users into the same databases, in the order they ran. */
export interface SeedRuns {
  with: Dataset[];
  without: Dataset[];
}

/** The fastest of several seeds of the same data: noise on a shared machine only slows a run. */
export const fastestSeed = (runs: Dataset[]): Dataset => runs.reduce((best, d) => (d.seedUsersPerSecond > best.seedUsersPerSecond ? d : best));

export interface SearchIndexCost {
  seedWith: Dataset;
  seedWithout: Dataset;
  /** Every seed when there were several (seedWith and seedWithout are the fastest of each). */
  seedRuns?: SeedRuns;
  /** Create-user requests (scrypt on), alternating with and without the index, summed. */
  createWith: WrkResult[];
  createWithout: WrkResult[];
}
