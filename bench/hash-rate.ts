/**
 * The write benchmark's baseline: how many scrypt password hashes per second this machine
 * computes through the product's own `hashPassword`, with `concurrency` in flight (as a server
 * with that many open requests would). Prints `HASHJSON {...}`.
 * Usage: node --import tsx bench/hash-rate.ts SECONDS CONCURRENCY
 */
import { hashPassword } from '../src/auth/password-hash.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 8);
const deadline = performance.now() + seconds * 1000;
let done = 0;
const latencies: number[] = [];
async function worker(n: number) {
  for (let i = 0; performance.now() < deadline; i++) {
    const t = performance.now();
    await hashPassword(`Bench!Pass${n}-${i}`);
    latencies.push(performance.now() - t);
    done++;
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, n) => worker(n)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(`HASHJSON ${JSON.stringify({ hashes: done, perSecond: done / elapsed, p50Ms: latencies[Math.floor(latencies.length / 2)] })}\n`);
