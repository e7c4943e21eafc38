/**
 * The snapshot section of `npm run bench` alone (bench/lib/snapshot.ts).
 *
 *   STORES=sqlite,postgres node --import tsx bench/snapshot-only.ts
 */
import { mkdirSync } from 'node:fs';
import { benchDir } from './lib/dataset.js';
import { benchSnapshot, snapshotTargetRows } from './lib/snapshot.js';

mkdirSync(benchDir, { recursive: true });
const stores = (process.env.STORES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const results: Partial<Record<'sqlite' | 'postgres', Awaited<ReturnType<typeof benchSnapshot>>>> = {};
for (const store of stores) results[store] = await benchSnapshot(store, Number(process.env.BENCH_SNAPSHOT_USERS ?? 10_000));
console.log(snapshotTargetRows(results).join('\n'));
