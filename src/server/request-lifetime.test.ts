/**
 * The real server in a child process with V8's GC trace on (a flag set here would change the
 * test runner's heap): what a request leaves behind decides what its young-generation collections
 * cost. A request's objects must die young; kept until a full collection, they are promoted, and
 * at 50 connections half of `/healthz`'s CPU went to collecting (bench/NOTES.md, twenty-seventh
 * session: a WeakMap entry per request whose value reached its key again).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from '../test-support/server-process.js';

interface Scavenge {
  beforeMb: number;
  afterMb: number;
}

/** The collections of a `--trace-gc` output, in order: scavenges with their heap sizes, full ones as `full`. */
function collections(trace: string): (Scavenge | 'full')[] {
  const found: (Scavenge | 'full')[] = [];
  for (const line of trace.split('\n')) {
    const scavenge = /Scavenge ([\d.]+) \([\d.]+\) -> ([\d.]+) \(/.exec(line);
    if (scavenge) found.push({ beforeMb: Number(scavenge[1]), afterMb: Number(scavenge[2]) });
    else if (line.includes('Mark-Compact')) found.push('full');
  }
  return found;
}

/**
 * Of what each scavenge found allocated since the one before, the share that stayed on the heap
 * (what it kept alive, promoted or copied), for consecutive scavenges with no full collection
 * between them.
 */
function keptShares(trace: string): number[] {
  const shares: number[] = [];
  let previous: Scavenge | undefined;
  for (const c of collections(trace)) {
    if (c !== 'full' && previous && c.beforeMb > previous.afterMb) shares.push((c.afterMb - previous.afterMb) / (c.beforeMb - previous.afterMb));
    previous = c === 'full' ? undefined : c;
  }
  return shares;
}

/** Sends `total` GETs of `path`, `concurrency` at a time over keep-alive connections. */
async function load(url: string, path: string, total: number, concurrency: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(`${url}${path}`, { agent }, (res) => {
          res.resume();
          res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        })
        .once('error', reject);
    });
  const worker = async () => {
    while (sent < total) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
}

describe('a request served', () => {
  it('leaves nothing that keeps its objects alive through young-generation collections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-lifetime-'));
    const server = await startServerProcess(['--port', '0', '--host', '127.0.0.1', '--database', `sqlite:${join(dir, 'db.sqlite')}`, '--log-level', 'warn', '--rate-limit', 'off'], {}, ['--trace-gc']);
    try {
      await load(server.url, '/healthz', 1_000, 25);
      const startedAt = server.output().length;
      await load(server.url, '/healthz', 6_000, 25);
      const trace = server.output().slice(startedAt);
      const shares = keptShares(trace).sort((a, b) => a - b);
      assert.ok(shares.length >= 3, `the load should run several scavenges:\n${trace}`);
      const median = shares[Math.floor(shares.length / 2)];
      // Measured: -0.01 to 0.01; 0.27-0.34 while every request stayed reachable until a full collection.
      assert.ok(median < 0.1, `a scavenge kept ${(median * 100).toFixed(0)} % of what the requests allocated (${shares.map((s) => s.toFixed(2)).join(', ')})`);
    } finally {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
