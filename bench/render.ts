/**
 * Re-renders BENCHMARKS.md from bench/results.json and bench/NOTES.md without measuring again,
 * after an edit to the notes: `node --import tsx bench/render.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from './lib/report.js';
import { repoRoot } from './lib/processes.js';
import type { BenchResults } from './run.js';

const results = JSON.parse(readFileSync(join(repoRoot, 'bench/results.json'), 'utf8')) as BenchResults;
// Paths inside the checkout are written relative to it, as the bench itself writes them.
writeFileSync(join(repoRoot, 'BENCHMARKS.md'), renderReport(results).split(repoRoot).join(''));
