/**
 * Runs wrk (installed from Debian when missing) with the bench's Lua script and parses its
 * figures. wrk is written in C, so unlike a Node load generator it does not saturate before the
 * server does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../lua/requests.lua', import.meta.url));

export interface WrkResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  errors: number;
  /** With `pid`: the server's CPU time (user + system) per answered request, in µs. */
  cpuMicrosPerRequest?: number;
}

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  auth?: string;
  tokensFile?: string;
  token?: string;
  createDomain?: string;
  /** The server process (all its threads) whose CPU time to measure over the run. */
  pid?: number;
}

/**
 * CPU time a process has used, user plus system, in µs (Linux /proc). Per request it moves far
 * less with the machine's load than requests per second do.
 */
export function cpuMicrosOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in 1/100 s ticks
}

/** Makes sure `wrk` is on the PATH, installing the Debian package when it is not. */
export function ensureWrk(): string {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch (e) {
    // `wrk --version` exits 1 after printing its version.
    const out = String((e as { stdout?: string }).stdout ?? '');
    if (out.includes('wrk')) return out.split('\n')[0];
  }
  process.stderr.write('installing wrk with apt-get\n');
  execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  return ensureWrk();
}

/**
 * One bounded wrk run on one thread (the server takes the other core).
 *
 * @example
 * const r = await runWrk({ url: `${base}/v1/customers/${id}/users?size=100`, connections: 50, seconds: 10, auth });
 */
export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '10s', '-s', script, o.url];
  const env = {
    ...process.env,
    BENCH_AUTH: o.auth ?? '',
    BENCH_TOKENS_FILE: o.tokensFile ?? '',
    BENCH_TOKEN: o.token ?? '',
    BENCH_CREATE_DOMAIN: o.createDomain ?? '',
  };
  const cpuBefore = o.pid ? cpuMicrosOf(o.pid) : 0;
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const m = /BENCHJSON (\{.*\})/.exec(out);
      if (code !== 0 || !m) return reject(new Error(`wrk failed (${code}): ${out}`));
      const r = JSON.parse(m[1]);
      resolve({
        connections: o.connections,
        seconds: r.durationUs / 1e6,
        requests: r.requests,
        requestsPerSecond: r.requests / (r.durationUs / 1e6),
        p50Ms: r.p50Us / 1000,
        p99Ms: r.p99Us / 1000,
        meanMs: r.meanUs / 1000,
        errors: r.socketErrors + r.non2xx,
        cpuMicrosPerRequest: o.pid && r.requests > 0 ? (cpuMicrosOf(o.pid) - cpuBefore) / r.requests : undefined,
      });
    });
  });
}
