/**
 * The real V8 collector in a child process of its own (a flag set here would change the test
 * runner's heap). The memory reducer's slow growth takes ~16 s of idle to reach; V8's
 * `--optimize-for-size` holds the heap to the same growth (its "conservative" mode shares the 1.3
 * bound with the reducer's "slow" one) from the start, so the children use it to stand in for a
 * server that was idle.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { steadyHeapGrowth } from './heap-growth.js';

const moduleUrl = new URL('./heap-growth.ts', import.meta.url).href;

/**
 * A child that keeps ~20 MB alive and serves a fixed amount of work whose objects outlive a few
 * young collections, as a page's objects do at 50 connections. Returns how many full (mark-compact)
 * collections V8 reported.
 */
function fullCollectionsOfWork(steady: boolean): Promise<number> {
  const code = `
    import { steadyHeapGrowth } from ${JSON.stringify(moduleUrl)};
    if (${steady}) steadyHeapGrowth([]);
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, name: 'user ' + i }));
    const inFlight = new Array(2_000).fill(null);
    for (let n = 0; n < 400_000; n++) inFlight[n % 2_000] = { n, items: Array.from({ length: 20 }, (_, j) => ({ j })) };
    console.log('kept', live.length + inFlight.length);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--optimize-for-size', '--trace-gc', '--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.once('exit', (status) => {
      if (status !== 0) return reject(new Error(`child exited with ${status}: ${err}`));
      // One line per collection (--trace-gc); the full ones are the mark-compacts.
      resolve(out.split('\n').filter((line) => line.includes('Mark-Compact')).length);
    });
  });
}

describe('steadyHeapGrowth', () => {
  it('lets a heap held to slow growth grow to 3x again, so the same work runs a fraction of the full collections', async () => {
    const [held, steady] = await Promise.all([fullCollectionsOfWork(false), fullCollectionsOfWork(true)]);
    // Measured: 35-39 held, 9 steady. The bound leaves room for the collector's own timing.
    assert.ok(held >= 20, `the held heap should collect often (${held} full collections)`);
    assert.ok(steady * 2 <= held, `steady growth should at least halve the full collections: ${steady} against ${held}`);
  });

  it("leaves an operator's own --heap-growing-percent alone", () => {
    assert.equal(steadyHeapGrowth(['--heap-growing-percent=50']), false);
    assert.equal(steadyHeapGrowth(['--heap_growing_percent', '50']), false);
  });
});
